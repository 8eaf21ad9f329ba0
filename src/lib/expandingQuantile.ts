/**
 * Expanding quantiles without look-ahead: at bar t, the `q` quantile (numpy/pandas "linear"
 * interpolation) of the defined values of x[0..t], NaN values skipped, NaN until `minPeriods` values are
 * defined (pandas `x.expanding(min_periods).quantile(q)`). The value at t depends on x[0..t] only, so
 * bars added later never change it. Each value is inserted in a Fenwick tree over its rank in the
 * sorted sample, and the order statistics are read from it: O(n log n).
 *
 *   expandingQuantile(vol, [1 / 3, 2 / 3], 60) // [low thresholds, high thresholds]
 */
export function expandingQuantile(x: ArrayLike<number>, qs: readonly number[], minPeriods = 1): Float64Array[] {
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`expandingQuantile: invalid quantile ${q} (expected 0 ≤ q ≤ 1)`);
  if (!Number.isInteger(minPeriods) || minPeriods < 1)
    throw new RangeError(`expandingQuantile: invalid minPeriods ${minPeriods} (expected an integer ≥ 1)`);
  const n = x.length,
    out = qs.map(() => new Float64Array(n).fill(NaN));
  // The ranks are only the tree's addresses: the quantile at t still reads the values inserted up to t.
  // A typed array's numeric sort, then each value's slot by binary search (equal values take the next
  // free slot), is several times faster than sorting indices with a comparator.
  let m = 0;
  for (let t = 0; t < n; ++t) if (!Number.isNaN(x[t])) ++m;
  const sorted = new Float64Array(m);
  for (let t = 0, r = 0; t < n; ++t) if (!Number.isNaN(x[t])) sorted[r++] = x[t];
  sorted.sort();
  const rank = new Int32Array(n).fill(-1),
    taken = new Int32Array(m),
    tree = new Int32Array(m + 1);
  for (let t = 0; t < n; ++t) {
    const v = x[t];
    if (Number.isNaN(v)) continue;
    let lo = 0,
      hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    rank[t] = lo + taken[lo]++;
  }
  let top = 1;
  while (top * 2 <= m) top *= 2;
  // The k-th smallest (0-based) of the values inserted so far: a descent of the tree, O(log m).
  const kth = (k: number): number => {
    let pos = 0;
    for (let step = top; step > 0; step >>= 1) if (pos + step <= m && tree[pos + step] <= k) ((pos += step), (k -= tree[pos]));
    return sorted[pos];
  };
  let count = 0;
  for (let t = 0; t < n; ++t) {
    if (rank[t] >= 0) {
      for (let i = rank[t] + 1; i <= m; i += i & -i) ++tree[i];
      ++count;
    }
    if (count < minPeriods) continue;
    for (let j = 0; j < qs.length; ++j) {
      const h = (count - 1) * qs[j],
        i = Math.floor(h),
        lo = kth(i);
      out[j][t] = i + 1 < count && h > i ? lo + (h - i) * (kth(i + 1) - lo) : lo;
    }
  }
  return out;
}
