// The pair stream's first stage: both legs rebucketed to the view's grid and aligned bucket by bucket
// (pairView's rebucket → tail → alignBars), kept up to date as live bars arrive or are replaced. A
// leg's close in a bucket is read from its finer bars as rebucket reads them (foldBars, src/lib/rebucket.ts).
import {bucketStart, type SymbolBars} from "../bars.js";
import {bucketFold, foldBars} from "../rebucket.js";
import {type AlignState, IncrementalAlign} from "../incrementalAlign.js";
import {CheckpointRing, depth} from "./checkpointRing.js";
import type {StreamColumns} from "./streamColumns.js";
import {stampWritten} from "./writeStamps.js";

export interface StreamView {
  intervalMs: number;
  /** Infinity: all bars. Else the head is pinned where the view was built (see `PairStream`). */
  lookbackMs: number;
}

/**
 * The view's rows (time, a, b) of a `PairStream`, written into its columns: the bucket grid [lo, …) of
 * the view's interval, aligned bucket by bucket, with a checkpoint before each of the last buckets so a
 * changed bucket redoes the view from there. Gap buckets are left out of the rows (counted in
 * `excluded`, shaded through `gaps`).
 */
export class StreamViewStage {
  /** Buckets of the common range left out (gaps, or no price yet). */
  excluded = 0;
  private view: StreamView = {intervalMs: 1, lookbackMs: Infinity};
  private coarse = 0;
  private lo = 0;
  private align = new IncrementalAlign(1);
  private checkpoints = new CheckpointRing<AlignState>();

  constructor(private readonly rows: StreamColumns) {}

  /** Gap runs [from, to) on the view's grid, for shading. */
  get gaps(): readonly {from: number; to: number}[] {
    return this.align.gaps;
  }

  /** Builds the view's rows from the legs' bars, from the first bucket of the lookback on. */
  build(legA: SymbolBars, legB: SymbolBars, view: StreamView): void {
    const {intervalMs, lookbackMs} = (this.view = view);
    this.coarse = intervalMs;
    this.checkpoints.clear();
    this.rows.length = 0;
    const na = legA.bars.start.length,
      nb = legB.bars.start.length;
    if (na === 0 || nb === 0) {
      ((this.lo = Infinity), (this.align = new IncrementalAlign(intervalMs)), (this.excluded = 0));
      return;
    }
    // rebucket's grid, then tail's lookback, then alignBars' common range (pairView).
    const head = (leg: SymbolBars) => {
      const s = leg.bars.start,
        first = bucketStart(s[0], intervalMs),
        last = bucketStart(s[s.length - 1], intervalMs);
      if (!Number.isFinite(lookbackMs)) return first;
      const from = last + intervalMs - lookbackMs;
      return first + Math.max(0, Math.ceil((from - first) / intervalMs)) * intervalMs;
    };
    const headA = head(legA),
      headB = head(legB);
    this.lo = Math.max(headA, headB);
    this.align = new IncrementalAlign(intervalMs, {
      a: carryIn(legA, headA, this.lo, intervalMs),
      b: carryIn(legB, headB, this.lo, intervalMs),
    });
    this.run(legA, legB);
  }

  /**
   * Redoes the view from the bucket of `changedFrom` (a fine bucket start) on, or only appends new
   * buckets; rebuilds it when that bucket is older than the checkpoints. Returns the first changed row.
   */
  extend(legA: SymbolBars, legB: SymbolBars, changedFrom: number): number {
    if (!Number.isFinite(this.lo)) {
      this.build(legA, legB, this.view);
      return 0;
    }
    const done = this.align.buckets,
      k = Math.floor((changedFrom - this.lo) / this.coarse);
    let first = this.rows.length;
    if (k < done) {
      const c = this.checkpoints.get(k);
      if (!c) {
        // Older than the checkpoints (or before the pinned head): rebuild the view.
        this.build(legA, legB, this.view);
        return 0;
      }
      this.align.restore(c);
      this.rows.length = first = c.rows;
      this.checkpoints.dropAfter(k);
    }
    this.run(legA, legB);
    return first;
  }

  /** Index (from lo) of the last common bucket of the legs. */
  private lastBucket(legA: SymbolBars, legB: SymbolBars): number {
    const I = this.coarse,
      sa = legA.bars.start,
      sb = legB.bars.start;
    const hi = Math.min(bucketStart(sa[sa.length - 1], I), bucketStart(sb[sb.length - 1], I));
    return Math.round((hi - this.lo) / I);
  }

  /** Aligns the buckets from the aligner's next one to the legs' last common one. */
  private run(legA: SymbolBars, legB: SymbolBars): void {
    const I = this.coarse,
      al = this.align,
      rows = this.rows,
      last = this.lastBucket(legA, legB);
    // Room for a row per bucket to go, so the buffers stay put in the loop.
    rows.reserve(rows.length + last - al.buckets + 1);
    const {time, a, b} = rows.data,
      lo = this.lo,
      kept = last - depth;
    let i = rows.length;
    for (let k = al.buckets; k <= last; ++k) {
      if (k > kept) this.checkpoints.put(k, al.save());
      const t = lo + k * I;
      const ca = bucketClose(legA, t, I),
        ga = scratch.gap,
        cb = bucketClose(legB, t, I);
      if (al.push(t, ca, ga, cb, scratch.gap)) ((time[i] = t), (a[i] = al.a), (b[i++] = al.b));
    }
    if (i > rows.length) stampWritten(time, a, b);
    rows.length = i;
    this.excluded = al.excluded;
  }
}

const fold = bucketFold();
/** The gap flag of `bucketClose`'s bucket (one object for every call: no garbage per bucket, ~2 × 86,400 at a build). */
const scratch = {gap: 0};

/**
 * Close of one leg's bucket [t, t + interval) as `rebucket` makes it (`foldBars` over the leg's bars in
 * the bucket): the close of its last bar with trades (NaN if none); its gap flag, set if any bar is
 * flagged, in `scratch.gap`. At the leg's own interval, the bar itself. O(interval / the leg's interval).
 *
 *   const close = bucketClose(leg, t, 60_000), gap = scratch.gap;
 */
function bucketClose(leg: SymbolBars, t: number, interval: number): number {
  const {start, close} = leg.bars,
    fine = leg.bars.interval,
    n = start.length;
  scratch.gap = 0;
  if (n === 0) return NaN;
  const i0 = Math.max(0, Math.round((t - start[0]) / fine));
  if (interval === fine) {
    if (i0 >= n) return NaN;
    scratch.gap = leg.gap[i0];
    return close[i0];
  }
  const i1 = Math.min(n, Math.round((t + interval - start[0]) / fine));
  foldBars(leg.bars, leg.gap, i0, i1, fold);
  scratch.gap = fold.gap;
  return fold.close;
}

/** The close carried into bucket `lo` from the leg's buckets [from, lo) (alignBars' carryIn). */
function carryIn(leg: SymbolBars, from: number, lo: number, interval: number): number {
  let last = NaN;
  for (let t = from; t < lo; t += interval) {
    const c = bucketClose(leg, t, interval);
    if (scratch.gap) last = NaN;
    else if (!Number.isNaN(c)) last = c;
  }
  return last;
}
