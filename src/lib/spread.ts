/** The hedged spread a − beta·b − alpha, element-wise. Throws RangeError on a length mismatch. O(n). */
export function spread(a: ArrayLike<number>, b: ArrayLike<number>, {alpha = 0, beta}: {alpha?: number; beta: number}): Float64Array {
  if (a.length !== b.length) throw new RangeError(`spread: a and b differ in length (${a.length} vs ${b.length})`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; ++i) out[i] = a[i] - beta * b[i] - alpha;
  return out;
}
