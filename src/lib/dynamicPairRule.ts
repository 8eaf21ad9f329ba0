// The z-score rule of a pair under a hedge that moves bar by bar (rolling OLS or Kalman), in batch: the
// numbers the pair page's stream (src/lib/stream/streamRule.ts) computes row by row, for `pairbook
// analyze --method rolling-ols|kalman`.
import {backtest, type BacktestResult} from "./backtest.js";
import {backtestStats, type BacktestStats} from "./backtestStats.js";
import {type DynamicHedgeSpec, dynamicHedge} from "./dynamicHedge.js";
import type {BacktestFunding} from "./funding.js";
import {rollingZScore} from "./rolling.js";

export interface DynamicRuleOptions {
  readonly window?: number;
  readonly entry?: number;
  readonly exit?: number;
  readonly stop?: number;
  readonly lag?: number;
  readonly feeBps?: number;
  /** Bar length in ms, to annualise (default 1000). */
  readonly barMs?: number;
  /** Whether a and b are log prices (for the legs' buy-and-hold and funding marks). */
  readonly log?: boolean;
  readonly funding?: Omit<BacktestFunding, "unitMark">;
}

export interface DynamicPairRule {
  /** β_t and α_t, known at bar t's close from bars ≤ t (NaN before the first defined bar). */
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** a_t − β_t·b_t − α_t. */
  readonly spread: Float64Array;
  /** The first bar with a hedge (rolling OLS: window − 1; Kalman: 1, after its prior); the z-score starts there. */
  readonly first: number;
  readonly zscore: Float64Array;
  readonly backtest: BacktestResult;
  readonly stats: BacktestStats;
}

/**
 * Spread, rolling z-score (window `window`, from the first bar with a hedge) and backtest of the rule
 * under `spec`, entering at β_t (frozen for the trade), as the pair page computes them bar by bar.
 * O(n). RangeError for invalid options.
 *
 *   dynamicPairRule(eth, btc, {kind: "kalman", delta: 1e-4, ve: 1e-3}, {window: 60}).backtest.totalPnl
 */
export function dynamicPairRule(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  spec: DynamicHedgeSpec,
  options: DynamicRuleOptions = {},
): DynamicPairRule {
  const {window = 20, entry = 2, exit = 0, stop, lag = 1, feeBps = 0, barMs = 1000, log = false} = options;
  const n = a.length;
  if (b.length !== n) throw new RangeError(`dynamicPairRule: a and b differ in length (${n} vs ${b.length})`);
  const {alpha, beta} = dynamicHedge(a, b, spec);
  const spread = new Float64Array(n);
  for (let t = 0; t < n; ++t) spread[t] = a[t] - beta[t] * b[t] - alpha[t];
  let first = 0;
  while (first < n && Number.isNaN(beta[first])) ++first;
  const zscore = new Float64Array(n).fill(NaN);
  if (first < n) zscore.set(rollingZScore(spread.subarray(first), window), first);
  const funding = options.funding ? {...options.funding, unitMark: log} : undefined;
  const bt = backtest(a, b, zscore, {beta, entry, exit, stop, lag, feeBps, barMs, funding});
  const stats = backtestStats(bt, a, b, {barMs, log, funded: funding !== undefined});
  return {alpha, beta, spread, first, zscore, backtest: bt, stats};
}
