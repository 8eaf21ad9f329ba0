// What the pair report draws, kept up to date bar by bar: the view of both legs (rebucketed, aligned,
// gap buckets left out: pairView), the spread under a fixed hedge (hedgedSeries), its rolling mean,
// std, bands and z-score, the rolling correlation of returns and the backtest of the rule (pairRule),
// in growable columns. A change of the options recomputes what depends on them; new or replaced live
// bars redo only the buckets from the first changed one, from checkpoints of every stage's state
// (src/lib incremental*), so a live frame costs O(new bars) instead of O(all bars).
// No DOM: the same code runs in Node tests against the batch functions.
import {type BacktestMetrics, backtestOptions, type Trade} from "../backtest.js";
import {bucketStart} from "../bars.js";
import {type AlignState, IncrementalAlign} from "../incrementalAlign.js";
import {type BacktestState, IncrementalBacktest} from "../incrementalBacktest.js";
import {type CorrelationState, IncrementalCorrelation} from "../incrementalCorrelation.js";
import {IncrementalZScore, type ZScoreState} from "../incrementalZScore.js";
import type {SymbolBars} from "../../protocol/barsFile.js";

export interface StreamView {
  intervalMs: number;
  /** Infinity: all bars. Else the head is pinned where the view was built (see `PairStream`). */
  lookbackMs: number;
}

export interface StreamRule {
  hedge: {alpha: number; beta: number} | null;
  log: boolean;
  window: number;
  entry: number;
  exit: number;
  stop: number | undefined;
  lag: number;
  feeBps: number;
}

/** The first rows that changed in an update: of the bars (time, a, b) and of everything derived. */
export interface StreamChange {
  bars: number;
  series: number;
}

const rowColumns = ["time", "a", "b", "la", "lb", "spread", "mean", "std", "z", "upper", "lower", "retA", "retB", "corr", "pnl", "equity", "drawdown"] as const;
type RowColumn = (typeof rowColumns)[number];

/** Buckets (and rows) behind the newest one a live update may replace without a full recompute. */
const depth = 512;

interface BucketCheckpoint {
  bucket: number;
  align: AlignState;
}
interface RowCheckpoint {
  row: number;
  z: ZScoreState | null;
  corr: CorrelationState;
  backtest: BacktestState | null;
}

/**
 * The pair report's series over both legs' bars, updated in place. `update` takes the legs (the same
 * growing columns or new ones), the first bucket start that changed since the previous call
 * (-Infinity: unknown) and the options, and returns the first rows that changed.
 *
 * Lookback: with a finite lookback the view's first bucket is where it was when the view was built;
 * new bars extend the view past the lookback until the view is rebuilt (`rebuild`, which the page
 * calls on every refit, 30 s while live), instead of recomputing every series on every live bar.
 */
export class PairStream {
  /** Rows of the view. */
  length = 0;
  /** Buckets of the common range left out (gaps, or no price yet). */
  excluded = 0;
  private cols = {} as Record<RowColumn, Float64Array>;
  private capacity = 0;
  private view: StreamView | null = null;
  private viewKey = "";
  private ruleKey = "";
  private rule: StreamRule | null = null;
  // The view: bucket grid [lo, …) of interval `coarse`, aligned bucket by bucket.
  private coarse = 0;
  private lo = 0;
  private align = new IncrementalAlign(1);
  private bucketRing: (BucketCheckpoint | null)[] = new Array(depth).fill(null);
  // The row stages: how many rows they have taken, their state, and checkpoints before recent rows.
  private done = 0;
  private zs: IncrementalZScore | null = null;
  private corr = new IncrementalCorrelation(2);
  private backtest: IncrementalBacktest | null = null;
  private rowRing: (RowCheckpoint | null)[] = new Array(depth).fill(null);

  constructor() {
    this.allocate(1024);
  }

  /** Gap runs [from, to) on the view's grid, for shading. */
  get gaps(): readonly {from: number; to: number}[] {
    return this.align.gaps;
  }

  /** A column's rows (a view on the growing buffer, valid until the next update). */
  column(name: RowColumn): Float64Array {
    return this.cols[name].subarray(0, this.length);
  }

  /** Whether the rule's series (spread, bands, z, backtest) are computed: not without a hedge. */
  get ruled(): boolean {
    return this.backtest !== null;
  }

  /** Closed trades and the open one (bars index the rows). */
  tradeList(): Trade[] {
    return this.backtest?.tradeList() ?? [];
  }

  /** The backtest's metrics over the rows, annualised for bars of `barMs`; null without a hedge. */
  metrics(barMs: number): BacktestMetrics | null {
    return this.backtest ? this.backtest.metrics((365 * 86_400_000) / barMs) : null;
  }

  /** Drops the view so the next `update` rebuilds it (a refit with a finite lookback moves its head). */
  rebuild(): void {
    this.viewKey = "";
  }

  /**
   * Brings the rows up to date with the legs' bars and the options; `changedFrom` is the first fine
   * bucket start written since the previous update (Infinity: none, -Infinity: unknown).
   */
  update(legA: SymbolBars, legB: SymbolBars, changedFrom: number, view: StreamView, rule: StreamRule): StreamChange {
    const viewKey = `${view.intervalMs}|${view.lookbackMs}`;
    const h = rule.hedge;
    const ruleKey = [h ? `${h.alpha}|${h.beta}` : "-", rule.log, rule.window, rule.entry, rule.exit, rule.stop, rule.lag, rule.feeBps].join("|");
    let from: number;
    if (viewKey !== this.viewKey || !this.view) {
      this.view = view, this.viewKey = viewKey;
      this.buildView(legA, legB);
      from = 0;
    } else from = this.extendView(legA, legB, changedFrom);
    const bars = Math.min(from, this.length);
    if (ruleKey !== this.ruleKey) {
      this.rule = rule, this.ruleKey = ruleKey;
      this.resetRows();
      from = 0;
    }
    this.runRows(from);
    return {bars, series: Math.min(from, this.length)};
  }

  private buildView(legA: SymbolBars, legB: SymbolBars): void {
    const {intervalMs, lookbackMs} = this.view!;
    this.coarse = intervalMs;
    this.bucketRing.fill(null);
    this.length = 0;
    const na = legA.bars.start.length, nb = legB.bars.start.length;
    if (na === 0 || nb === 0) {
      this.lo = Infinity, this.align = new IncrementalAlign(intervalMs), this.excluded = 0;
      return;
    }
    // rebucket's grid, then tail's lookback, then alignBars' common range (pairView).
    const head = (leg: SymbolBars) => {
      const s = leg.bars.start, first = bucketStart(s[0], intervalMs), last = bucketStart(s[s.length - 1], intervalMs);
      if (!Number.isFinite(lookbackMs)) return first;
      const from = last + intervalMs - lookbackMs;
      return first + Math.max(0, Math.ceil((from - first) / intervalMs)) * intervalMs;
    };
    const headA = head(legA), headB = head(legB);
    this.lo = Math.max(headA, headB);
    this.align = new IncrementalAlign(intervalMs, {a: carryIn(legA, headA, this.lo, intervalMs), b: carryIn(legB, headB, this.lo, intervalMs)});
    this.runBuckets(legA, legB);
  }

  /** Redoes the view from the bucket of `changedFrom` on (or only appends); returns the first changed row. */
  private extendView(legA: SymbolBars, legB: SymbolBars, changedFrom: number): number {
    if (!Number.isFinite(this.lo)) {
      this.buildView(legA, legB);
      return 0;
    }
    const done = this.align.buckets, k = Math.floor((changedFrom - this.lo) / this.coarse);
    let first = this.length;
    if (k < done) {
      const c = k >= 0 ? this.bucketRing[k % depth] : null;
      if (!c || c.bucket !== k) {
        // Older than the checkpoints (or before the pinned head): rebuild the view.
        this.buildView(legA, legB);
        return 0;
      }
      this.align.restore(c.align);
      this.length = first = c.align.rows;
      for (let j = 0; j < depth; ++j) if ((this.bucketRing[j]?.bucket ?? -1) > k) this.bucketRing[j] = null;
    }
    this.runBuckets(legA, legB);
    return first;
  }

  /** Index (from lo) of the last common bucket of the legs. */
  private lastBucket(legA: SymbolBars, legB: SymbolBars): number {
    const I = this.coarse, sa = legA.bars.start, sb = legB.bars.start;
    const hi = Math.min(bucketStart(sa[sa.length - 1], I), bucketStart(sb[sb.length - 1], I));
    return Math.round((hi - this.lo) / I);
  }

  /** Aligns the buckets from the aligner's next one to the legs' last common one. */
  private runBuckets(legA: SymbolBars, legB: SymbolBars): void {
    const I = this.coarse, al = this.align, last = this.lastBucket(legA, legB);
    const need = this.length + last - al.buckets + 1;
    if (need > this.capacity) this.allocate(Math.max(2 * this.capacity, Math.ceil(need * 1.25)));
    for (let k = al.buckets; k <= last; ++k) {
      if (k > last - depth) this.bucketRing[k % depth] = {bucket: k, align: al.save()};
      const t = this.lo + k * I;
      const [ca, ga] = bucketClose(legA, t, I), [cb, gb] = bucketClose(legB, t, I);
      if (al.push(t, ca, ga, cb, gb)) {
        const i = this.length;
        if (i >= this.capacity) this.allocate(2 * this.capacity);
        this.cols.time[i] = t, this.cols.a[i] = al.a, this.cols.b[i] = al.b;
        this.length = i + 1;
      }
    }
    this.excluded = al.excluded;
  }

  private resetRows(): void {
    const r = this.rule!;
    this.done = 0;
    this.rowRing.fill(null);
    this.corr = new IncrementalCorrelation(Math.max(2, r.window));
    this.zs = r.hedge ? new IncrementalZScore(r.window) : null;
    this.backtest = r.hedge ? new IncrementalBacktest(backtestOptions({beta: r.hedge.beta, entry: r.entry, exit: r.exit, stop: r.stop, lag: r.lag, feeBps: r.feeBps})) : null;
  }

  /** Runs the row stages from row `from` (back to a checkpoint, or from 0 without one) to the last row. */
  private runRows(from: number): void {
    const n = this.length;
    if (from < this.done) {
      const c = this.rowRing[from % depth];
      if (c && c.row === from) {
        this.corr.restore(c.corr);
        if (c.z) this.zs?.restore(c.z);
        if (c.backtest) this.backtest?.restore(c.backtest);
        this.done = from;
        // Checkpoints after `from` were taken on rows that have changed.
        for (let j = 0; j < depth; ++j) if ((this.rowRing[j]?.row ?? -1) > from) this.rowRing[j] = null;
      } else this.resetRows();
    }
    const rule = this.rule!, h = rule.hedge, c = this.cols;
    const {a, b, la, lb, spread, mean, std, z, upper, lower, retA, retB, corr, pnl, equity, drawdown} = c;
    const zs = this.zs, bt = this.backtest, rc = this.corr, entry = rule.entry, log = rule.log;
    for (let i = this.done; i < n; ++i) {
      if (i > n - depth) this.rowRing[i % depth] = {row: i, z: zs?.save() ?? null, corr: rc.save(), backtest: bt?.save() ?? null};
      retA[i] = i === 0 ? NaN : a[i] / a[i - 1] - 1;
      retB[i] = i === 0 ? NaN : b[i] / b[i - 1] - 1;
      rc.push(retA, retB);
      corr[i] = rc.value;
      if (!h || !zs || !bt) continue;
      la[i] = log ? Math.log(a[i]) : a[i];
      lb[i] = log ? Math.log(b[i]) : b[i];
      spread[i] = la[i] - h.beta * lb[i] - h.alpha;
      zs.push(spread);
      mean[i] = zs.mean, std[i] = zs.std, z[i] = zs.z;
      upper[i] = zs.mean + entry * zs.std, lower[i] = zs.mean - entry * zs.std;
      bt.push(la, lb, z);
      pnl[i] = bt.pnl, equity[i] = bt.equity, drawdown[i] = bt.drawdown;
    }
    this.done = n;
  }

  /** Grows every column to `capacity` rows, keeping the rows so far. */
  private allocate(capacity: number): void {
    for (const name of rowColumns) {
      const x = new Float64Array(capacity);
      if (this.cols[name]) x.set(this.cols[name].subarray(0, this.length));
      this.cols[name] = x;
    }
    this.capacity = capacity;
  }
}

/**
 * Close and gap flag of one leg's bucket [t, t + interval), as rebucket makes them from the leg's
 * (finer) bars: the close of its last bar with trades (NaN if none), flagged if any bar is; at the
 * legs' own interval, the bar itself.
 */
function bucketClose(leg: SymbolBars, t: number, interval: number): [number, number] {
  const {start, close, count} = leg.bars, fine = leg.bars.interval, n = start.length;
  if (n === 0) return [NaN, 0];
  const i0 = Math.max(0, Math.round((t - start[0]) / fine));
  if (interval === fine) return i0 < n ? [close[i0], leg.gap[i0]] : [NaN, 0];
  const i1 = Math.min(n, Math.round((t + interval - start[0]) / fine));
  let c = NaN, g = 0;
  for (let i = i0; i < i1; ++i) {
    if (leg.gap[i]) g = 1;
    if (count[i] > 0) c = close[i];
  }
  return [c, g];
}

/** The close carried into bucket `lo` from the leg's buckets [from, lo) (alignBars' carryIn). */
function carryIn(leg: SymbolBars, from: number, lo: number, interval: number): number {
  let last = NaN;
  for (let t = from; t < lo; t += interval) {
    const [c, g] = bucketClose(leg, t, interval);
    if (g) last = NaN;
    else if (!Number.isNaN(c)) last = c;
  }
  return last;
}
