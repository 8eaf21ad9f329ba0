import {type BacktestFunding, fundingOption} from "./funding.js";
import {IncrementalBacktest} from "./incrementalBacktest.js";

export interface BacktestOptions {
  /** Enter short spread when z > entry, long when z < −entry (default 2). */
  readonly entry?: number;
  /** Exit long when z ≥ −exit, short when z ≤ exit (default 0). */
  readonly exit?: number;
  /** Stop out when |z| ≥ stop; no re-entry that side until |z| < entry (default none). */
  readonly stop?: number;
  /** Orders decided at bar t fill at the close of bar t + lag (default 1). */
  readonly lag?: number;
  /** Hedge ratio: a constant, or one per bar (frozen at each entry). */
  readonly beta: number | ArrayLike<number>;
  /** Fees and slippage, in basis points of each leg's traded notional (defaults 0). */
  readonly feeBps?: number;
  readonly slippageBps?: number;
  /** Bar length in ms, for annualising Sharpe, Sortino and Calmar (default 1000; 365-day year). */
  readonly barMs?: number;
  /** Funding of perpetual legs (src/lib/funding.ts): charged on the position held at each funding time (default none). */
  readonly funding?: BacktestFunding;
}

export interface BacktestTrade {
  readonly side: 1 | -1;
  /** Bars at which the entry and exit filled; exit null while still open at the end. */
  readonly entryBar: number;
  readonly exitBar: number | null;
  readonly beta: number;
  /** PnL including fees (so far, for an open trade). */
  readonly pnl: number;
  readonly bars: number;
}

export interface BacktestMetrics {
  readonly totalPnl: number;
  /** totalPnl over the largest gross entry notional |a| + |β·b|. */
  readonly returnOnGross: number;
  readonly maxDrawdown: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly trades: number;
  readonly winRate: number;
  readonly profitFactor: number;
  readonly avgHoldingBars: number;
  /** Share of bars with an open position. */
  readonly exposure: number;
  readonly feesPaid: number;
  /** Funding paid, net of funding received (0 without a funding schedule); PnL, equity and trades are net of it. */
  readonly fundingPaid: number;
}

export interface BacktestResult extends BacktestMetrics {
  /** Position held after each bar's close (+1 long spread: +1 a, −β b). */
  readonly position: Int8Array;
  readonly pnl: Float64Array;
  readonly equity: Float64Array;
  /** equity − running peak (≤ 0). */
  readonly drawdown: Float64Array;
  readonly tradeList: readonly BacktestTrade[];
}

/**
 * Backtest of the spread mean-reversion rule on two legs. The decision at bar t uses z_t only; an
 * order fills at the close of bar t + lag; at most one position change per bar (an exit and an entry
 * never share a bar). PnL_t = h_{t−1}·(Δa_t − β·Δb_t) with β frozen at entry; fees and slippage are
 * charged on each leg's traded notional at the fill; with `funding`, each funding event charges the
 * position held at its time h·(mark_a·rate_a − β·mark_b·rate_b). O(n + funding events).
 *
 *   backtest(eth, btc, rollingZScore(s, 60), {beta: hedge.beta, entry: 2, exit: 0.5}).sharpe
 */
export function backtest(a: ArrayLike<number>, b: ArrayLike<number>, z: ArrayLike<number>, options: BacktestOptions): BacktestResult {
  const n = a.length;
  const o = backtestOptions(options);
  if (b.length !== n || z.length !== n) throw new RangeError(`backtest: a, b and z differ in length (${n}, ${b.length}, ${z.length})`);
  if (typeof options.beta !== "number" && options.beta.length !== n)
    throw new RangeError(`backtest: beta has ${options.beta.length} values, expected ${n}`);
  if (o.funding && o.funding.times.length !== n)
    throw new RangeError(`backtest: funding has ${o.funding.times.length} bar times, expected ${n}`);
  const position = new Int8Array(n),
    pnl = new Float64Array(n);
  const tradeList: BacktestTrade[] = [];
  const m = simulate(a, b, z, o, position, pnl, tradeList);
  const equity = new Float64Array(n),
    drawdown = new Float64Array(n);
  let cum = 0,
    peak = 0;
  for (let t = 0; t < n; ++t) {
    ((cum += pnl[t]), (peak = Math.max(peak, cum)));
    ((equity[t] = cum), (drawdown[t] = cum - peak));
  }
  return {...m, position, pnl, equity, drawdown, tradeList};
}

export interface NormalizedBacktestOptions {
  readonly entry: number;
  readonly exit: number;
  readonly stop: number;
  readonly lag: number;
  readonly beta: number | ArrayLike<number>;
  readonly cost: number;
  readonly barsPerYear: number;
  readonly funding?: BacktestFunding;
}

/** Validates backtest options once (shared with `sweep`). */
export function backtestOptions(options: BacktestOptions): NormalizedBacktestOptions {
  const {entry = 2, exit = 0, stop = Infinity, lag = 1, feeBps = 0, slippageBps = 0, barMs = 1000} = options;
  if (!(entry > 0)) throw new RangeError(`invalid entry: ${entry} (expected > 0)`);
  if (!(exit < entry)) throw new RangeError(`invalid exit: ${exit} (expected below entry ${entry})`);
  if (!(stop > entry)) throw new RangeError(`invalid stop: ${stop} (expected above entry ${entry})`);
  if (!Number.isInteger(lag) || lag < 0) throw new RangeError(`invalid lag: ${lag} (expected an integer ≥ 0)`);
  if (!(feeBps >= 0) || !(slippageBps >= 0)) throw new RangeError(`invalid fees: ${feeBps}, ${slippageBps} bps (expected ≥ 0)`);
  if (!(barMs > 0)) throw new RangeError(`invalid barMs: ${barMs} (expected > 0)`);
  if (typeof options.beta === "number" && !Number.isFinite(options.beta)) throw new RangeError(`invalid beta: ${options.beta}`);
  const cost = (feeBps + slippageBps) / 1e4,
    barsPerYear = (365 * 86_400_000) / barMs;
  const normalized = {entry, exit, stop, lag, beta: options.beta, cost, barsPerYear};
  return options.funding ? {...normalized, funding: fundingOption(options.funding)} : normalized;
}

/**
 * The rule and the accounting, shared by `backtest` and `sweep` (one IncrementalBacktest over all
 * bars); `position`, `pnl` and `trades` are filled when given (sweeps pass null and keep no trades).
 */
export function simulate(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  z: ArrayLike<number>,
  o: NormalizedBacktestOptions,
  position: Int8Array | null,
  pnlOut: Float64Array | null,
  trades: BacktestTrade[] | null,
): BacktestMetrics {
  const run = new IncrementalBacktest(o, {keepTrades: trades !== null});
  for (let t = 0, n = a.length; t < n; ++t) {
    run.push(a, b, z);
    if (position) position[t] = run.position;
    if (pnlOut) pnlOut[t] = run.pnl;
  }
  if (trades) for (const trade of run.tradeList()) trades.push(trade);
  return run.metrics();
}
