// The backtest report as quants read it (backtesting.py, vectorbt): returns and risk annualised from
// the bar interval, drawdown episodes, trade statistics and each leg's buy-and-hold as a benchmark.
import type {BacktestResult} from "./backtest.js";

/** Buy-and-hold of one leg over the same bars. */
export interface LegBenchmark {
  /** p_last / p_first − 1. */
  readonly totalReturn: number;
  /** totalReturn × barsPerYear / n (arithmetic, as the strategy's). */
  readonly annualReturn: number;
  /** std (ddof 1) of the bar returns p_t / p_{t−1} − 1 × √barsPerYear. */
  readonly annualVolatility: number;
  /** Largest fall from a running peak, 1 − p / peak (a fraction, ≥ 0). */
  readonly maxDrawdown: number;
}

/** What funding did to a backtest of perpetual legs (src/lib/funding.ts), in PnL units. */
export interface FundingStats {
  /** Funding paid, net of funding received (< 0: received on balance). */
  readonly paid: number;
  /** Final equity had no funding been charged: equity + paid. */
  readonly pnlBeforeFunding: number;
  /** Final equity, net of funding (the backtest's total PnL). */
  readonly netPnl: number;
}

export interface BacktestStats {
  /** The bars the statistics are over: with barsPerYear, the span the annual figures scale up. */
  readonly bars: number;
  /** 365 × 86,400,000 / barMs: the bars in a 365-day year (crypto trades every day). */
  readonly barsPerYear: number;
  /** Largest gross entry notional |a| + |β·b| of a trade: the capital returns are measured on. */
  readonly capital: number;
  /** Final equity / capital. */
  readonly totalReturn: number;
  /** mean bar PnL × barsPerYear / capital (arithmetic: the position is one unit, never reinvested). */
  readonly annualReturn: number;
  /** std (ddof 1) of bar PnL × √barsPerYear / capital; annualReturn / annualVolatility is the Sharpe. */
  readonly annualVolatility: number;
  /** Longest drawdown: the most consecutive bars with equity below its running peak (0 when none). */
  readonly maxDrawdownBars: number;
  /** Mean depth (peak − trough, PnL units) of the drawdown episodes; NaN when none. */
  readonly avgDrawdown: number;
  /** Mean length in bars of the drawdown episodes; NaN when none. */
  readonly avgDrawdownBars: number;
  /** Best, worst and mean trade PnL (the open trade counted, as in `trades`); NaN without trades. */
  readonly bestTrade: number;
  readonly worstTrade: number;
  readonly avgTrade: number;
  /** Mean trade return, PnL / the trade's gross entry notional (backtesting.py's Expectancy). */
  readonly expectancy: number;
  /** van Tharp's System Quality Number: √N × mean / std (ddof 1) of trade PnL; NaN for N < 2. */
  readonly sqn: number;
  /** annualReturn / exposure (share of bars in a position): the yearly return per unit of time invested. */
  readonly exposureAdjustedReturn: number;
  readonly buyAndHold: {readonly a: LegBenchmark; readonly b: LegBenchmark};
  /** Present when the backtest charged funding (`fundingPaid` given): its own line in the report. */
  readonly funding?: FundingStats;
}

export interface BacktestStatsOptions {
  /** Bar length in ms (default 1000). */
  readonly barMs?: number;
  /** The prices are log prices (the legs' returns are then exp(Δ ln p) − 1). */
  readonly log?: boolean;
  /** The backtest charged funding: report `result.fundingPaid` as `funding` (default false). */
  readonly funded?: boolean;
}

/**
 * The report's statistics of a backtest of the pair (a, b) (the prices it traded), defined once here
 * for `pairbook analyze`, the pair pages and the lab. Reference: an independent pandas computation in
 * scripts/reference/backtest_stats.py. RangeError for a length mismatch or bad barMs. O(n + trades).
 *
 *   backtestStats(backtest(eth, btc, z, {beta}), eth, btc, {barMs: 60_000}).sqn
 */
export function backtestStats(
  result: Pick<BacktestResult, "pnl" | "equity" | "drawdown" | "position" | "tradeList"> & {readonly fundingPaid?: number},
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  {barMs = 1000, log = false, funded = false}: BacktestStatsOptions = {},
): BacktestStats {
  const n = result.pnl.length;
  if (a.length !== n || b.length !== n)
    throw new RangeError(`backtestStats: a, b and the backtest differ in length (${a.length}, ${b.length}, ${n})`);
  if (!(barMs > 0)) throw new RangeError(`invalid barMs: ${barMs} (expected > 0)`);
  const barsPerYear = (365 * 86_400_000) / barMs;
  const trades = result.tradeList;
  let capital = NaN,
    bestTrade = NaN,
    worstTrade = NaN;
  const returns: number[] = [];
  for (const t of trades) {
    const notional = Math.abs(a[t.entryBar]) + Math.abs(t.beta * b[t.entryBar]);
    capital = Number.isNaN(capital) ? notional : Math.max(capital, notional);
    bestTrade = Number.isNaN(bestTrade) ? t.pnl : Math.max(bestTrade, t.pnl);
    worstTrade = Number.isNaN(worstTrade) ? t.pnl : Math.min(worstTrade, t.pnl);
    returns.push(t.pnl / notional);
  }
  const pnl = meanStd(result.pnl);
  let exposed = 0;
  for (let t = 0; t < n; ++t) if (result.position[t] !== 0) ++exposed;
  const annualReturn = (pnl.mean * barsPerYear) / capital;
  const tradePnl = meanStd(trades.map((t) => t.pnl));
  const dd = drawdownEpisodes(result.drawdown);
  const net = n > 0 ? result.equity[n - 1] : 0,
    paid = result.fundingPaid ?? 0;
  return {
    bars: n,
    barsPerYear,
    capital,
    totalReturn: n > 0 ? result.equity[n - 1] / capital : NaN,
    annualReturn,
    annualVolatility: (pnl.std * Math.sqrt(barsPerYear)) / capital,
    maxDrawdownBars: dd.longest,
    avgDrawdown: dd.count > 0 ? dd.depth / dd.count : NaN,
    avgDrawdownBars: dd.count > 0 ? dd.bars / dd.count : NaN,
    bestTrade,
    worstTrade,
    avgTrade: tradePnl.mean,
    expectancy: meanStd(returns).mean,
    sqn: tradePnl.std > 0 ? (Math.sqrt(trades.length) * tradePnl.mean) / tradePnl.std : NaN,
    exposureAdjustedReturn: exposed > 0 ? annualReturn / (exposed / n) : NaN,
    buyAndHold: {a: legBenchmark(a, barsPerYear, log), b: legBenchmark(b, barsPerYear, log)},
    ...(funded ? {funding: {paid, pnlBeforeFunding: net + paid, netPnl: net}} : {}),
  };
}

/** Episodes of a drawdown series (≤ 0): runs of bars below the peak, their total depth and length. */
function drawdownEpisodes(drawdown: ArrayLike<number>) {
  let count = 0,
    depth = 0,
    bars = 0,
    longest = 0,
    run = 0,
    deepest = 0;
  for (let t = 0; t <= drawdown.length; ++t) {
    const d = t < drawdown.length ? drawdown[t] : 0;
    if (d < 0) ((run += 1), (deepest = Math.max(deepest, -d)));
    else if (run > 0) {
      ((count += 1), (depth += deepest), (bars += run), (longest = Math.max(longest, run)));
      ((run = 0), (deepest = 0));
    }
  }
  return {count, depth, bars, longest};
}

function legBenchmark(p: ArrayLike<number>, barsPerYear: number, log: boolean): LegBenchmark {
  const n = p.length;
  if (n < 2) return {totalReturn: NaN, annualReturn: NaN, annualVolatility: NaN, maxDrawdown: NaN};
  const change = (from: number, to: number) => (log ? Math.expm1(p[to] - p[from]) : p[to] / p[from] - 1);
  const bar = new Float64Array(n - 1);
  let peak = p[0],
    maxDrawdown = 0;
  for (let t = 1; t < n; ++t) {
    bar[t - 1] = change(t - 1, t);
    if (p[t] > peak) peak = p[t];
    // 1 − p/peak; in logs 1 − exp(ln p − ln peak).
    maxDrawdown = Math.max(maxDrawdown, log ? -Math.expm1(p[t] - peak) : 1 - p[t] / peak);
  }
  const totalReturn = change(0, n - 1);
  return {
    totalReturn,
    annualReturn: (totalReturn * barsPerYear) / n,
    annualVolatility: meanStd(bar).std * Math.sqrt(barsPerYear),
    maxDrawdown,
  };
}

/** Mean and sample std (ddof 1; NaN below 2 values), two-pass. */
function meanStd(x: ArrayLike<number>): {mean: number; std: number} {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; ++i) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; ++i) ss += (x[i] - mean) ** 2;
  return {mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN};
}
