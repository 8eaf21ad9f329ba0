// The pair stream's row stages: returns and their rolling correlation, and under a hedge the spread,
// its rolling mean, std, bands and z-score and the backtest of the rule (pairRule), row by row. The
// hedge is fixed (the fit's) or dynamic (rolling OLS or Kalman: β_t, α_t from rows ≤ t, src/lib/dynamicHedge.ts).
import {type BacktestMetrics, backtestOptions, type BacktestTrade} from "../backtest.js";
import {type BacktestState, IncrementalBacktest} from "../incrementalBacktest.js";
import {type CorrelationState, IncrementalCorrelation} from "../incrementalCorrelation.js";
import {type DynamicHedgeSpec, type DynamicHedgeState, dynamicHedgeKey, IncrementalDynamicHedge} from "../dynamicHedge.js";
import type {FundingRateEvent} from "../funding.js";
import {IncrementalZScore, type ZScoreState} from "../incrementalZScore.js";
import {CheckpointRing, depth} from "./checkpointRing.js";
import type {RowColumn, StreamColumns} from "./streamColumns.js";
import {stampWritten, writeStamp} from "./writeStamps.js";

export interface StreamRule {
  hedge: {alpha: number; beta: number} | null;
  /** A hedge that moves bar by bar, used instead of `hedge` (which may then be null). */
  dynamic?: DynamicHedgeSpec | null;
  log: boolean;
  window: number;
  entry: number;
  exit: number;
  stop: number | undefined;
  lag: number;
  feeBps: number;
  /**
   * Funding events of perpetual legs (src/lib/funding.ts), charged by the backtest at the rows' times
   * (marked at 1 with `log`, as pairRule); null or absent for spot legs.
   */
  funding?: {readonly a?: readonly FundingRateEvent[]; readonly b?: readonly FundingRateEvent[]} | null;
}

/** The stages' state before a row (plain data, structured-cloneable). */
export interface RowCheckpoint {
  z: ZScoreState | null;
  corr: CorrelationState;
  backtest: BacktestState | null;
  hedge: DynamicHedgeState | null;
  first: number;
}

/**
 * Everything a `StreamRuleStage` carries after its rows: how many it has done, the stages' state and
 * closed trades, and the checkpoints of its last rows. A worker computes the series and sends this
 * with them; `adopt` goes on from it exactly as the stage that made it would.
 */
export interface RuleSnapshot {
  readonly done: number;
  readonly state: RowCheckpoint;
  readonly trades: readonly BacktestTrade[];
  readonly checkpoints: readonly {step: number; state: RowCheckpoint}[];
}

/**
 * The series a `PairStream` derives from the view's rows under a rule, written into its columns: how
 * many rows the stages have taken, their state, and a checkpoint before each of the last rows so a
 * changed row redoes the stages from there.
 */
export class StreamRuleStage {
  private rule: StreamRule | null = null;
  private done = 0;
  private zs: IncrementalZScore | null = null;
  private corr = new IncrementalCorrelation(2);
  private backtest: IncrementalBacktest | null = null;
  private hedge: IncrementalDynamicHedge | null = null;
  // The first row with a hedge (0 for a fixed one; after rolling OLS's first window): the z-score starts there.
  private first = -1;
  private checkpoints = new CheckpointRing<RowCheckpoint>();
  /**
   * A new rule under the same hedge (a z window, entry or fee slider): the first `rows` rows of the
   * returns and the hedge's columns (`hedgeColumns`) are as the previous rule left them, so `run` neither computes nor
   * stamps them again (the charts keep their decimated spread); `states`: the hedge's state before
   * each of the last rows, for their checkpoints. null: every column is computed.
   */
  private reuse: {rows: number; states: Map<number, DynamicHedgeState | null>} | null = null;
  /** The write stamps of `hedgeColumns` when the last run reached the last row (their rows then all computed). */
  private hedgeStamps: (number | undefined)[] | null = null;

  constructor(private readonly rows: StreamColumns) {}

  /** Whether the rule's series (spread, bands, z, backtest) are computed: not without a hedge. */
  get ruled(): boolean {
    return this.backtest !== null;
  }

  /** Whether the backtest charges funding (a perpetual leg). */
  get funded(): boolean {
    return this.backtest?.options.funding !== undefined;
  }

  /** Closed trades and the open one (bars index the rows). */
  tradeList(): BacktestTrade[] {
    return this.backtest?.tradeList() ?? [];
  }

  /** The backtest's metrics over the rows, annualised for bars of `barMs`; null without a hedge. */
  metrics(barMs: number): BacktestMetrics | null {
    return this.backtest ? this.backtest.metrics((365 * 86_400_000) / barMs) : null;
  }

  /** Takes a new rule: the next `run` starts from row 0. */
  reset(rule: StreamRule): void {
    const kept = this.rule && sameHedge(this.rule, rule) ? this.hedgeKept() : null;
    this.rule = rule;
    this.restart();
    if (!kept) return;
    this.reuse = {rows: kept.rows, states: kept.states};
    if (kept.end) this.hedge?.restore(kept.end); // the hedge after those rows: later rows go on from it
  }

  /**
   * The stages' state after the rows done, for `adopt` (by another stage over equal rows), with the
   * checkpoints of the last `keep` rows (fewer: less to send; a later change redoes every row).
   */
  snapshot(keep = Infinity): RuleSnapshot {
    const checkpoints = this.checkpoints.entries().filter((c) => c.step >= this.done - keep);
    return {done: this.done, state: this.save(), trades: [...(this.backtest?.trades ?? [])], checkpoints};
  }

  /** Whether `adopt(rule, s)` could then redo from row `from` (≤ s.done): a checkpoint of s is there. */
  static resumes(s: RuleSnapshot, from: number): boolean {
    return from === s.done || s.checkpoints.some((c) => c.step === from);
  }

  /**
   * Takes a new rule with the state another stage reached over these rows under it (`snapshot`; the
   * rows' columns adopted by the caller): the next `run` goes on from there, as that stage's would.
   */
  adopt(rule: StreamRule, s: RuleSnapshot): void {
    this.reset(rule);
    this.reuse = null; // the columns are others' (the caller's adopted buffers), the hedge's state is s's
    this.backtest?.trades.push(...s.trades);
    this.load(s.state);
    this.done = s.done;
    this.checkpoints.load(s.checkpoints);
  }

  /** Whether rows are left for `run` (a run cut short by its `limit`). */
  get pending(): boolean {
    return this.done < this.rows.length;
  }

  /**
   * Runs the stages from row `from` (back to a checkpoint, or from 0 without one) to the last row, or
   * for at most `limit` rows (a long run in slices, so no task blocks the page; the next `run` goes on
   * where this one stopped). Returns whether the last row was reached.
   */
  run(from: number, limit = Infinity): boolean {
    const n = this.rows.length;
    if (from < this.done) {
      const c = this.checkpoints.get(from);
      if (c) {
        this.load(c);
        this.done = from;
        // Checkpoints after `from` were taken on rows that have changed.
        this.checkpoints.dropAfter(from);
        // The rows from `from` on changed: their hedge columns are computed again (the hedge goes on from c's).
        if (this.reuse) this.reuse.rows = Math.min(this.reuse.rows, from);
      } else this.restart();
    }
    const rule = this.rule!,
      h = rule.hedge,
      dh = this.hedge;
    const {a, b, la, lb, alpha, beta, spread, mean, std, z, upper, lower, retA, retB, corr, pnl, position, equity, drawdown} =
      this.rows.data;
    const zs = this.zs,
      bt = this.backtest,
      rc = this.corr,
      entry = rule.entry,
      log = rule.log,
      kept = n - depth;
    // The columns may have moved to larger buffers since the last run.
    bt?.rebindBeta(beta);
    bt?.rebindFundingTimes(this.rows.data.time);
    let sx = this.first >= 0 ? spread.subarray(this.first) : spread;
    const start = this.done,
      end = Math.min(n, start + limit),
      reuse = this.reuse,
      // Rows below `same` keep their returns and hedge columns (a new rule under the same hedge).
      same = reuse ? Math.min(reuse.rows, n) : 0;
    for (let i = start; i < end; ++i) {
      if (i > kept) this.checkpoint(i, i < same ? reuse! : null);
      const known = i < same;
      if (!known) {
        retA[i] = i === 0 ? NaN : a[i] / a[i - 1] - 1;
        retB[i] = i === 0 ? NaN : b[i] / b[i - 1] - 1;
      }
      rc.push(retA, retB);
      corr[i] = rc.value;
      if (!zs || !bt) continue;
      if (!known) {
        la[i] = log ? Math.log(a[i]) : a[i];
        lb[i] = log ? Math.log(b[i]) : b[i];
        if (dh) (dh.push(la, lb), (alpha[i] = dh.alpha), (beta[i] = dh.beta));
        else ((alpha[i] = h!.alpha), (beta[i] = h!.beta));
        spread[i] = la[i] - beta[i] * lb[i] - alpha[i];
      }
      if (this.first < 0 && !Number.isNaN(beta[i])) ((this.first = i), (sx = spread.subarray(i)));
      if (this.first >= 0) {
        zs.push(sx);
        ((mean[i] = zs.mean), (std[i] = zs.std), (z[i] = zs.z));
        ((upper[i] = zs.mean + entry * zs.std), (lower[i] = zs.mean - entry * zs.std));
      } else mean[i] = std[i] = z[i] = upper[i] = lower[i] = NaN;
      bt.push(la, lb, z);
      ((pnl[i] = bt.pnl), (position[i] = bt.position), (equity[i] = bt.equity), (drawdown[i] = bt.drawdown));
    }
    // Rows written: what was read from these columns before may no longer hold.
    if (end > start) {
      stampWritten(corr, mean, std, z, upper, lower, pnl, position, equity, drawdown);
      if (end > same) stampWritten(retA, retB, la, lb, alpha, beta, spread);
    }
    this.done = end;
    if (end === n) this.hedgeStamps = hedgeColumns.map((c) => writeStamp(this.rows.data[c]));
    return end === n;
  }

  /**
   * Puts the checkpoint before row `i`; with `reuse` (a row whose hedge columns are kept, the hedge not
   * run over them) its hedge's state is the one kept for that row: none kept, no checkpoint (a change
   * there then redoes every row).
   */
  private checkpoint(i: number, reuse: NonNullable<StreamRuleStage["reuse"]> | null): void {
    const c = this.save();
    if (reuse) {
      const hedge = reuse.states.get(i);
      if (hedge === undefined) return;
      c.hedge = hedge;
    }
    this.checkpoints.put(i, c);
  }

  /**
   * What a new rule under the same hedge keeps of these rows: all of them when the last run computed
   * every row and no column the hedge writes (nor a, b) was written since (their stamps); the hedge's
   * state before each of the last rows (the checkpoints') and after the last one. null: nothing.
   */
  private hedgeKept(): {rows: number; states: Map<number, DynamicHedgeState | null>; end: DynamicHedgeState | null} | null {
    const stamps = this.hedgeStamps,
      n = this.rows.length;
    if (!stamps || this.done !== n || n === 0 || hedgeColumns.some((c, k) => writeStamp(this.rows.data[c]) !== stamps[k])) return null;
    const states = new Map(this.checkpoints.entries().map((c) => [c.step, c.state.hedge] as const));
    return {rows: n, states, end: this.hedge?.save() ?? null};
  }

  /** The stages' state now. */
  private save(): RowCheckpoint {
    return {
      z: this.zs?.save() ?? null,
      corr: this.corr.save(),
      backtest: this.backtest?.save() ?? null,
      hedge: this.hedge?.save() ?? null,
      first: this.first,
    };
  }

  /** Returns the stages to a state `save` gave. */
  private load(c: RowCheckpoint): void {
    this.corr.restore(c.corr);
    if (c.z) this.zs?.restore(c.z);
    if (c.backtest) this.backtest?.restore(c.backtest);
    if (c.hedge) this.hedge?.restore(c.hedge);
    this.first = c.first;
  }

  /** Fresh stages for the rule, before row 0. */
  private restart(): void {
    const r = this.rule!;
    this.done = 0;
    this.reuse = null;
    this.hedgeStamps = null;
    this.first = -1;
    this.checkpoints.clear();
    this.corr = new IncrementalCorrelation(Math.max(2, r.window));
    const hedged = r.hedge !== null || Boolean(r.dynamic);
    this.hedge = r.dynamic ? new IncrementalDynamicHedge(r.dynamic) : null;
    this.zs = hedged ? new IncrementalZScore(r.window) : null;
    // A fixed hedge: β a number, as pairRule's backtest; a dynamic one: the β column, the backtest entering at β_t.
    const beta = r.dynamic ? this.rows.data.beta : r.hedge ? r.hedge.beta : 0;
    // Funding at the rows' times: validated on the rows so far, then read from the growing column.
    const f = r.funding,
      funding = f && (f.a || f.b) ? {times: this.rows.column("time"), a: f.a, b: f.b, unitMark: r.log} : undefined;
    this.backtest = hedged
      ? new IncrementalBacktest(backtestOptions({beta, entry: r.entry, exit: r.exit, stop: r.stop, lag: r.lag, feeBps: r.feeBps, funding}))
      : null;
  }
}

/** The columns a rule's hedge alone makes (and those they are made of): equal under rules of equal `sameHedge`. */
const hedgeColumns: readonly RowColumn[] = ["a", "b", "retA", "retB", "la", "lb", "alpha", "beta", "spread"];

/** Whether two rules make the same returns and hedge columns (the same hedge and prices). */
function sameHedge(p: StreamRule, q: StreamRule): boolean {
  const hedge = (r: StreamRule) => (r.dynamic ? dynamicHedgeKey(r.dynamic) : r.hedge ? `${r.hedge.alpha}|${r.hedge.beta}` : "-");
  return p.log === q.log && hedge(p) === hedge(q);
}
