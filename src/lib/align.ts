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
  const time: number[] = [],
    ca: number[] = [],
    cb: number[] = [];
  let lastA = lastBefore(a, lo),
    lastB = lastBefore(b, lo);
  for (let t = lo; t <= hi; t += interval) {
    const va = a.close[Math.round((t - a.start[0]) / interval)];
    const vb = b.close[Math.round((t - b.start[0]) / interval)];
    if (!Number.isNaN(va)) lastA = va;
    if (!Number.isNaN(vb)) lastB = vb;
    if (Number.isNaN(lastA) || Number.isNaN(lastB)) continue;
    (time.push(t), ca.push(lastA), cb.push(lastB));
  }
  return {time: Float64Array.from(time), a: Float64Array.from(ca), b: Float64Array.from(cb)};
}

function lastBefore(bars: BarColumns, t: number): number {
  let last = NaN;
  for (let k = 0; k < bars.start.length && bars.start[k] < t; ++k) if (!Number.isNaN(bars.close[k])) last = bars.close[k];
  return last;
}

/** Two close series aligned for statistics, with what was left out. */
export interface AlignedBars extends AlignedPair {
  /** Buckets of the common range left out because a leg's bar overlaps a recorded gap, or a leg had no price yet. */
  readonly excluded: number;
  /** Maximal runs of gap-flagged buckets [from, to) on the common grid, for shading charts. */
  readonly gaps: readonly {readonly from: number; readonly to: number}[];
}

/**
 * Aligns the closes of two bar series like `alignCloses`, honouring gap flags (1 = the bar overlaps a
 * recorded gap, see `gapFlags`): flagged buckets are left out, and a close is carried forward only
 * where no flagged bucket of that leg intervenes since its last trade. Without flags the rows equal
 * `alignCloses`. O(n).
 *
 *   alignBars(barsA, barsB, {gapA, gapB}).a
 */
export function alignBars(
  a: BarColumns,
  b: BarColumns,
  {gapA, gapB}: {gapA?: ArrayLike<number>; gapB?: ArrayLike<number>} = {},
): AlignedBars {
  if (a.interval !== b.interval) throw new RangeError(`alignBars: intervals differ (${a.interval} vs ${b.interval})`);
  if ((gapA && gapA.length !== a.start.length) || (gapB && gapB.length !== b.start.length))
    throw new RangeError("alignBars: gap flags and bars differ in length");
  const interval = a.interval;
  if (a.start.length === 0 || b.start.length === 0)
    return {time: new Float64Array(0), a: new Float64Array(0), b: new Float64Array(0), excluded: 0, gaps: []};
  const lo = Math.max(a.start[0], b.start[0]);
  const hi = Math.min(a.start[a.start.length - 1], b.start[b.start.length - 1]);
  const m = hi >= lo ? Math.round((hi - lo) / interval) + 1 : 0;
  const time = new Float64Array(m),
    ca = new Float64Array(m),
    cb = new Float64Array(m);
  const gaps: {from: number; to: number}[] = [];
  let lastA = carryIn(a, lo, gapA),
    lastB = carryIn(b, lo, gapB),
    rows = 0,
    excluded = 0;
  for (let k = 0; k < m; ++k) {
    const t = lo + k * interval;
    const ia = Math.round((t - a.start[0]) / interval),
      ib = Math.round((t - b.start[0]) / interval);
    const fa = gapA ? gapA[ia] : 0,
      fb = gapB ? gapB[ib] : 0;
    if (fa || fb) {
      if (fa) lastA = NaN;
      if (fb) lastB = NaN;
      const run = gaps[gaps.length - 1];
      if (run && run.to === t) run.to = t + interval;
      else gaps.push({from: t, to: t + interval});
      ++excluded;
      continue;
    }
    const va = a.close[ia],
      vb = b.close[ib];
    if (!Number.isNaN(va)) lastA = va;
    if (!Number.isNaN(vb)) lastB = vb;
    if (Number.isNaN(lastA) || Number.isNaN(lastB)) {
      ++excluded;
      continue;
    }
    ((time[rows] = t), (ca[rows] = lastA), (cb[rows] = lastB), ++rows);
  }
  return {time: time.slice(0, rows), a: ca.slice(0, rows), b: cb.slice(0, rows), excluded, gaps};
}

/** The close carried into bucket `t`: the last one before it, unless a flagged bar came after it. */
function carryIn(bars: BarColumns, t: number, gap?: ArrayLike<number>): number {
  let last = NaN;
  for (let k = 0; k < bars.start.length && bars.start[k] < t; ++k) {
    if (gap && gap[k]) last = NaN;
    else if (!Number.isNaN(bars.close[k])) last = bars.close[k];
  }
  return last;
}
