import {type BacktestOptions, type BacktestResult, type BacktestTrade, backtestOptions} from "./backtest.js";
import {IncrementalBacktest} from "./incrementalBacktest.js";

export interface BasketBacktestOptions extends Omit<BacktestOptions, "beta"> {
  /** Hedge vector: the units of leg i held against one unit of a (constant over the run). */
  readonly betas: ArrayLike<number>;
}

/** A basket trade: as a pair's, the hedge being `betas` (of the result) rather than one β. */
export type BasketTrade = Omit<BacktestTrade, "beta">;

export interface BasketBacktestResult extends Omit<BacktestResult, "tradeList"> {
  readonly betas: Float64Array;
  readonly tradeList: readonly BasketTrade[];
}

/**
 * Backtest of the spread mean-reversion rule on a and a basket of legs, as `backtest` on a pair: the
 * same rule on z, the same fills, at most one change a bar. Position +1 (long spread) holds one unit
 * of a and −βᵢ units of leg i; PnL_t = h_{t−1}·(Δa_t − Σ βᵢ·Δbᵢ_t); fees and slippage are charged on
 * the traded notional of every leg (|a| + Σ |βᵢ·bᵢ|). With one leg it is `backtest` with that β.
 * O(n·k) for k legs.
 *
 *   basketBacktest(btc, [eth, sol], rollingZScore(spread, 60), {betas: [0.8, 1.5], feeBps: 5}).sharpe
 */
export function basketBacktest(
  a: ArrayLike<number>,
  legs: readonly ArrayLike<number>[],
  z: ArrayLike<number>,
  options: BasketBacktestOptions,
): BasketBacktestResult {
  const n = a.length,
    k = legs.length;
  const betas = Float64Array.from(options.betas);
  if (k < 1) throw new RangeError("basketBacktest: expected at least one leg");
  if (betas.length !== k) throw new RangeError(`basketBacktest: ${betas.length} betas for ${k} legs`);
  for (const beta of betas) if (!Number.isFinite(beta)) throw new RangeError(`invalid beta: ${beta}`);
  for (const leg of [...legs, z])
    if (leg.length !== n) throw new RangeError(`basketBacktest: a, the legs and z differ in length (${n} vs ${leg.length})`);
  const o = backtestOptions({...options, beta: 1});
  // The basket as one hedge leg of weight 1, and what its legs' notionals add up to.
  const hedge = new Float64Array(n),
    notional = new Float64Array(n);
  for (let i = 0; i < k; ++i) {
    const leg = legs[i],
      beta = betas[i];
    for (let t = 0; t < n; ++t) ((hedge[t] += beta * leg[t]), (notional[t] += Math.abs(beta * leg[t])));
  }
  const run = new IncrementalBacktest(o);
  const position = new Int8Array(n),
    pnl = new Float64Array(n),
    equity = new Float64Array(n),
    drawdown = new Float64Array(n);
  for (let t = 0; t < n; ++t) {
    run.push(a, hedge, z, notional);
    ((position[t] = run.position), (pnl[t] = run.pnl), (equity[t] = run.equity), (drawdown[t] = run.drawdown));
  }
  const tradeList = run.tradeList().map(({beta: _, ...trade}) => trade);
  return {...run.metrics(), position, pnl, equity, drawdown, betas, tradeList};
}
