/**
 * The k-th smallest value (0-based) of `values`, rearranging it in place: Hoare quickselect with a
 * median-of-three pivot. O(n) expected.
 *
 *   selectInPlace(Float64Array.of(3, 1, 2), 1) // 2
 */
export function selectInPlace(values: Float64Array, k: number, lo = 0, hi = values.length - 1): number {
  if (!(k >= lo && k <= hi)) throw new RangeError(`select: rank ${k} outside [${lo}, ${hi}]`);
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three to the middle, as pivot.
    if (values[mid] < values[lo]) swap(values, mid, lo);
    if (values[hi] < values[lo]) swap(values, hi, lo);
    if (values[hi] < values[mid]) swap(values, hi, mid);
    const pivot = values[mid];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (values[i] < pivot) ++i;
      while (values[j] > pivot) --j;
      if (i <= j) swap(values, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * The median as numpy `median`: the middle value, or the mean (a + b) / 2 of the two middle values.
 * Copies its input. O(n) expected; NaN for an empty input.
 *
 *   median([1, 4, 2, 8]) // 3
 */
export function median(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  const v = Float64Array.from(x);
  const hi = selectInPlace(v, n >> 1);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; ++i) if (v[i] > lo) lo = v[i];
  return (lo + hi) / 2;
}

function swap(v: Float64Array, i: number, j: number): void {
  const t = v[i];
  ((v[i] = v[j]), (v[j] = t));
}
