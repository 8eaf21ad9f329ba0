// The pair stream's row stages: returns and their rolling correlation, and under a hedge the spread,
// its rolling mean, std, bands and z-score and the backtest of the rule (pairRule), row by row.
import {type BacktestMetrics, backtestOptions, type BacktestTrade} from "../backtest.js";
import {type BacktestState, IncrementalBacktest} from "../incrementalBacktest.js";
import {type CorrelationState, IncrementalCorrelation} from "../incrementalCorrelation.js";
import {IncrementalZScore, type ZScoreState} from "../incrementalZScore.js";
import {CheckpointRing, depth} from "./checkpointRing.js";
import type {StreamColumns} from "./streamColumns.js";

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

interface RowCheckpoint {
  z: ZScoreState | null;
  corr: CorrelationState;
  backtest: BacktestState | null;
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
  private checkpoints = new CheckpointRing<RowCheckpoint>();

  constructor(private readonly rows: StreamColumns) {}

  /** Whether the rule's series (spread, bands, z, backtest) are computed: not without a hedge. */
  get ruled(): boolean {
    return this.backtest !== null;
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
    this.rule = rule;
    this.restart();
  }

  /** Runs the stages from row `from` (back to a checkpoint, or from 0 without one) to the last row. */
  run(from: number): void {
    const n = this.rows.length;
    if (from < this.done) {
      const c = this.checkpoints.get(from);
      if (c) {
        this.corr.restore(c.corr);
        if (c.z) this.zs?.restore(c.z);
        if (c.backtest) this.backtest?.restore(c.backtest);
        this.done = from;
        // Checkpoints after `from` were taken on rows that have changed.
        this.checkpoints.dropAfter(from);
      } else this.restart();
    }
    const rule = this.rule!,
      h = rule.hedge;
    const {a, b, la, lb, spread, mean, std, z, upper, lower, retA, retB, corr, pnl, equity, drawdown} = this.rows.data;
    const zs = this.zs,
      bt = this.backtest,
      rc = this.corr,
      entry = rule.entry,
      log = rule.log,
      kept = n - depth;
    for (let i = this.done; i < n; ++i) {
      if (i > kept) this.checkpoints.put(i, {z: zs?.save() ?? null, corr: rc.save(), backtest: bt?.save() ?? null});
      retA[i] = i === 0 ? NaN : a[i] / a[i - 1] - 1;
      retB[i] = i === 0 ? NaN : b[i] / b[i - 1] - 1;
      rc.push(retA, retB);
      corr[i] = rc.value;
      if (!h || !zs || !bt) continue;
      la[i] = log ? Math.log(a[i]) : a[i];
      lb[i] = log ? Math.log(b[i]) : b[i];
      spread[i] = la[i] - h.beta * lb[i] - h.alpha;
      zs.push(spread);
      ((mean[i] = zs.mean), (std[i] = zs.std), (z[i] = zs.z));
      ((upper[i] = zs.mean + entry * zs.std), (lower[i] = zs.mean - entry * zs.std));
      bt.push(la, lb, z);
      ((pnl[i] = bt.pnl), (equity[i] = bt.equity), (drawdown[i] = bt.drawdown));
    }
    this.done = n;
  }

  /** Fresh stages for the rule, before row 0. */
  private restart(): void {
    const r = this.rule!;
    this.done = 0;
    this.checkpoints.clear();
    this.corr = new IncrementalCorrelation(Math.max(2, r.window));
    this.zs = r.hedge ? new IncrementalZScore(r.window) : null;
    this.backtest = r.hedge
      ? new IncrementalBacktest(
          backtestOptions({beta: r.hedge.beta, entry: r.entry, exit: r.exit, stop: r.stop, lag: r.lag, feeBps: r.feeBps}),
        )
      : null;
  }
}
