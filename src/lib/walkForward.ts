// Walk-forward evaluation of the pair rule: the hedge is refitted on a rolling train window, the rule
// is traded on the test window that follows with that hedge only, and the test windows' PnL are
// stitched into one out-of-sample equity curve.
import {backtest, type BacktestTrade} from "./backtest.js";
import {backtestStats, type BacktestStats} from "./backtestStats.js";
import {ols} from "./ols.js";
import {rollingZScore} from "./rolling.js";
import {spread} from "./spread.js";

export interface WalkForwardOptions {
  /** Bars the hedge is fitted on (OLS of a on b), ≥ 3. */
  readonly train: number;
  /** Bars each hedge is traded on, right after its train window, ≥ 1. */
  readonly test: number;
  /** Bars the train window moves between segments (default `test`; ≥ test, so tests never overlap). */
  readonly step?: number;
  /** The rule, as `backtest` takes it: z window, thresholds, fill lag, fees, bar length. */
  readonly window: number;
  readonly entry?: number;
  readonly exit?: number;
  readonly stop?: number;
  readonly lag?: number;
  readonly feeBps?: number;
  readonly barMs?: number;
  /** a and b are log prices (for the legs' buy-and-hold in the statistics). */
  readonly log?: boolean;
}

/** One refit: its windows [trainFrom, testFrom) and [testFrom, testTo), hedge and out-of-sample result. */
export interface WalkForwardSegment {
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
  readonly alpha: number;
  readonly beta: number;
  /** Trades entered in the test window (an open one at its end is marked there, then dropped). */
  readonly trades: number;
  readonly totalPnl: number;
  /** totalPnl over the segment's largest gross entry notional (backtestStats' totalReturn; NaN without trades). */
  readonly totalReturn: number;
}

export interface WalkForwardResult {
  readonly segments: readonly WalkForwardSegment[];
  /** The tested bars (indexes into a and b), in order: the stitched curve's x. */
  readonly bars: Int32Array;
  /** Per tested bar: PnL, position, cumulative equity and drawdown of the stitched segments. */
  readonly pnl: Float64Array;
  readonly position: Int8Array;
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  /** The segments' trades, bars indexing `bars` (the stitched rows). */
  readonly tradeList: readonly BacktestTrade[];
  /** backtestStats of the stitched curve against both legs over the tested bars; null without segments. */
  readonly stats: BacktestStats | null;
}

/**
 * Walk-forward backtest of the z-score rule on (a, b). Segment k trains on [k·step, k·step + train)
 * and tests on the next `test` bars (the last test window may be shorter). Its spread, a − β·b − α
 * with the train fit, is z-scored over the train and test bars (so the test starts warm; the z at a
 * bar uses bars up to it only), and the rule is backtested on the test bars alone, starting flat.
 * Nothing after a segment's train window changes its hedge (no look-ahead). RangeError for a length
 * mismatch or bad windows; no segment when train + 1 > n. O(segments · (train + test)).
 *
 *   walkForward(eth, btc, {train: 1440, test: 360, window: 60}).segments.map((s) => s.beta)
 */
export function walkForward(a: ArrayLike<number>, b: ArrayLike<number>, options: WalkForwardOptions): WalkForwardResult {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`walkForward: a and b differ in length (${n} vs ${b.length})`);
  const {train, test, step = test, window, log = false, ...rule} = options;
  if (!Number.isInteger(train) || train < 3) throw new RangeError(`invalid train: ${train} (expected an integer ≥ 3)`);
  if (!Number.isInteger(test) || test < 1) throw new RangeError(`invalid test: ${test} (expected an integer ≥ 1)`);
  if (!Number.isInteger(step) || step < test) throw new RangeError(`invalid step: ${step} (expected an integer ≥ test ${test})`);
  const segments: WalkForwardSegment[] = [];
  const parts: {from: number; pnl: Float64Array; position: Int8Array; trades: readonly BacktestTrade[]}[] = [];
  for (let from = 0; from + train < n; from += step) {
    const testFrom = from + train,
      testTo = Math.min(testFrom + test, n);
    const fit = ols(sub(a, from, testFrom), sub(b, from, testFrom));
    const z = rollingZScore(spread(sub(a, from, testTo), sub(b, from, testTo), fit), window).subarray(train);
    const ta = sub(a, testFrom, testTo),
      tb = sub(b, testFrom, testTo);
    const bt = backtest(ta, tb, z, {...rule, beta: fit.beta});
    const stats = backtestStats(bt, ta, tb, {barMs: rule.barMs, log});
    segments.push({
      trainFrom: from,
      testFrom,
      testTo,
      alpha: fit.alpha,
      beta: fit.beta,
      trades: bt.trades,
      totalPnl: bt.totalPnl,
      totalReturn: stats.totalReturn,
    });
    parts.push({from: testFrom, pnl: bt.pnl, position: bt.position, trades: bt.tradeList});
  }
  return stitch(a, b, parts, {barMs: options.barMs, log}, segments);
}

/** The segments' test rows one after another, trades re-indexed onto the stitched rows. */
function stitch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  parts: readonly {from: number; pnl: Float64Array; position: Int8Array; trades: readonly BacktestTrade[]}[],
  statsOptions: {barMs?: number; log: boolean},
  segments: WalkForwardSegment[],
): WalkForwardResult {
  const m = parts.reduce((k, p) => k + p.pnl.length, 0);
  const bars = new Int32Array(m),
    pnl = new Float64Array(m),
    position = new Int8Array(m),
    equity = new Float64Array(m),
    drawdown = new Float64Array(m);
  const tradeList: BacktestTrade[] = [];
  let row = 0,
    cum = 0,
    peak = 0;
  for (const p of parts) {
    for (const t of p.trades) tradeList.push({...t, entryBar: t.entryBar + row, exitBar: t.exitBar === null ? null : t.exitBar + row});
    for (let i = 0; i < p.pnl.length; ++i, ++row) {
      ((bars[row] = p.from + i), (pnl[row] = p.pnl[i]), (position[row] = p.position[i]));
      ((cum += p.pnl[i]), (peak = Math.max(peak, cum)));
      ((equity[row] = cum), (drawdown[row] = cum - peak));
    }
  }
  const pick = (x: ArrayLike<number>) => Float64Array.from(bars, (i) => x[i]);
  const stats = m > 0 ? backtestStats({pnl, equity, drawdown, position, tradeList}, pick(a), pick(b), statsOptions) : null;
  return {segments, bars, pnl, position, equity, drawdown, tradeList, stats};
}

function sub(x: ArrayLike<number>, from: number, to: number): Float64Array {
  return Float64Array.from({length: to - from}, (_, i) => x[from + i]);
}
