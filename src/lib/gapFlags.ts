/**
 * A time range [from, to] (ms, inclusive) in which a symbol's trades are known to be incomplete: for
 * a hole in the trade ids, from the last trade before it to the first after it. Either end may be
 * infinite (no trade known on that side).
 */
export interface GapRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Flags (1) the buckets of a bar grid that overlap any gap range — every bucket from the one holding
 * `from` to the one holding `to`: such bars may be missing trades, so they are excluded from
 * statistics and no close is carried forward across them (`alignBars`). O(buckets + flagged).
 *
 *   gapFlags(bars.start, bars.interval, [{from: t0, to: t1}])
 */
export function gapFlags(start: ArrayLike<number>, interval: number, gaps: readonly GapRange[]): Uint8Array {
  const m = start.length,
    flags = new Uint8Array(m);
  if (m === 0) return flags;
  const first = start[0];
  for (const {from, to} of gaps) {
    if (!(to >= from)) continue;
    // Bucket k covers [first + k·interval, first + (k + 1)·interval): it overlaps [from, to] when it starts at or before `to` and ends after `from`.
    const lo = Math.max(0, Math.floor((from - first) / interval)),
      hi = Math.min(m - 1, Math.floor((to - first) / interval));
    for (let k = lo; k <= hi; ++k) flags[k] = 1;
  }
  return flags;
}
