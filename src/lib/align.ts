import type {BarColumns} from "./bars.js";

/** Two close series on a common bucket grid. */
export interface AlignedPair {
  readonly time: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

/**
 * Aligns the closes of two bar series of the same interval on their common buckets. An empty bucket
 * carries the previous close forward; buckets before both legs have traded are dropped. O(n).
 */
export function alignCloses(a: BarColumns, b: BarColumns): AlignedPair {
  if (a.interval !== b.interval) throw new RangeError(`alignCloses: intervals differ (${a.interval} vs ${b.interval})`);
  const interval = a.interval;
  if (a.start.length === 0 || b.start.length === 0) return {time: new Float64Array(0), a: new Float64Array(0), b: new Float64Array(0)};
  const lo = Math.max(a.start[0], b.start[0]);
  const hi = Math.min(a.start[a.start.length - 1], b.start[b.start.length - 1]);
  const time: number[] = [], ca: number[] = [], cb: number[] = [];
  let lastA = lastBefore(a, lo), lastB = lastBefore(b, lo);
  for (let t = lo; t <= hi; t += interval) {
    const va = a.close[Math.round((t - a.start[0]) / interval)];
    const vb = b.close[Math.round((t - b.start[0]) / interval)];
    if (!Number.isNaN(va)) lastA = va;
    if (!Number.isNaN(vb)) lastB = vb;
    if (Number.isNaN(lastA) || Number.isNaN(lastB)) continue;
    time.push(t), ca.push(lastA), cb.push(lastB);
  }
  return {time: Float64Array.from(time), a: Float64Array.from(ca), b: Float64Array.from(cb)};
}

function lastBefore(bars: BarColumns, t: number): number {
  let last = NaN;
  for (let k = 0; k < bars.start.length && bars.start[k] < t; ++k) if (!Number.isNaN(bars.close[k])) last = bars.close[k];
  return last;
}
