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
}

export interface Trade {
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
}

export interface BacktestResult extends BacktestMetrics {
  /** Position held after each bar's close (+1 long spread: +1 a, −β b). */
  readonly position: Int8Array;
  readonly pnl: Float64Array;
  readonly equity: Float64Array;
  /** equity − running peak (≤ 0). */
  readonly drawdown: Float64Array;
  readonly tradeList: readonly Trade[];
}

/**
 * Backtest of the spread mean-reversion rule on two legs. The decision at bar t uses z_t only; an
 * order fills at the close of bar t + lag; at most one position change per bar (an exit and an entry
 * never share a bar). PnL_t = h_{t−1}·(Δa_t − β·Δb_t) with β frozen at entry; fees and slippage are
 * charged on each leg's traded notional at the fill. O(n).
 *
 *   backtest(eth, btc, rollingZScore(s, 60), {beta: hedge.beta, entry: 2, exit: 0.5}).sharpe
 */
export function backtest(a: ArrayLike<number>, b: ArrayLike<number>, z: ArrayLike<number>, options: BacktestOptions): BacktestResult {
  const n = a.length;
  const o = backtestOptions(options);
  if (b.length !== n || z.length !== n) throw new RangeError(`backtest: a, b and z differ in length (${n}, ${b.length}, ${z.length})`);
  if (typeof options.beta !== "number" && options.beta.length !== n) throw new RangeError(`backtest: beta has ${options.beta.length} values, expected ${n}`);
  const position = new Int8Array(n), pnl = new Float64Array(n);
  const tradeList: Trade[] = [];
  const m = simulate(a, b, z, o, position, pnl, tradeList);
  const equity = new Float64Array(n), drawdown = new Float64Array(n);
  let cum = 0, peak = 0;
  for (let t = 0; t < n; ++t) {
    cum += pnl[t], peak = Math.max(peak, cum);
    equity[t] = cum, drawdown[t] = cum - peak;
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
  return {entry, exit, stop, lag, beta: options.beta, cost: (feeBps + slippageBps) / 1e4, barsPerYear: (365 * 86_400_000) / barMs};
}

/**
 * The rule and the accounting, shared by `backtest` and `sweep`; `position`, `pnl` and `trades` are
 * filled when given (sweeps pass null and stay allocation-free).
 */
export function simulate(a: ArrayLike<number>, b: ArrayLike<number>, z: ArrayLike<number>, o: NormalizedBacktestOptions, position: Int8Array | null, pnlOut: Float64Array | null, trades: Trade[] | null): BacktestMetrics {
  const n = a.length, {entry, exit, stop, lag, cost} = o;
  const betaSeries = typeof o.beta === "number" ? null : o.beta, betaConst = typeof o.beta === "number" ? o.beta : 0;
  // Orders decided but not yet filled, by fill bar modulo lag + 1.
  const pending = new Int8Array(lag + 1), pendingBeta = new Float64Array(lag + 1);
  let target = 0, targetBeta = 0, blockLong = false, blockShort = false;
  let held = 0, heldBeta = 0, cum = 0, peak = 0, maxDrawdown = 0, fees = 0, gross = 0;
  let sum = 0, sumSq = 0, downSq = 0, exposed = 0;
  let count = 0, wins = 0, winSum = 0, lossSum = 0, holding = 0, tradePnl = 0, tradeStart = 0;
  const book = (exitBar: number | null, end: number) => {
    if (tradePnl > 0) ++wins, (winSum += tradePnl);
    else lossSum += tradePnl;
    holding += end - tradeStart;
    trades?.push({side: held as 1 | -1, entryBar: tradeStart, exitBar, beta: heldBeta, pnl: tradePnl, bars: end - tradeStart});
  };
  for (let t = 0; t < n; ++t) {
    // Mark to market what was held since the previous close.
    let p = t > 0 && held !== 0 ? held * (a[t] - a[t - 1] - heldBeta * (b[t] - b[t - 1])) : 0;
    if (held !== 0) tradePnl += p;
    // Decide from z_t alone: one change of the target position at most.
    const zt = z[t];
    if (zt === zt) {
      const az = Math.abs(zt);
      if (az < entry) blockLong = blockShort = false;
      if (target === 0) {
        if (az < stop) {
          if (zt > entry && !blockShort) (target = -1), (targetBeta = betaSeries ? betaSeries[t] : betaConst);
          else if (zt < -entry && !blockLong) (target = 1), (targetBeta = betaSeries ? betaSeries[t] : betaConst);
        }
      } else if (az >= stop) {
        if (target === 1) blockLong = true;
        else blockShort = true;
        target = 0;
      } else if (target === 1 ? zt >= -exit : zt <= exit) target = 0;
    }
    const slot = t % (lag + 1);
    pending[(t + lag) % (lag + 1)] = target, pendingBeta[(t + lag) % (lag + 1)] = targetBeta;
    // Fill the order decided at t − lag at this close.
    if (t >= lag && pending[slot] !== held) {
      const want = pending[slot], fillBeta = want !== 0 ? pendingBeta[slot] : heldBeta;
      const notional = Math.abs(a[t]) + Math.abs(fillBeta * b[t]);
      const fee = cost * notional;
      p -= fee, fees += fee;
      if (held !== 0) (tradePnl -= fee), book(t, t);
      else (tradePnl = -fee), (tradeStart = t), ++count, (gross = Math.max(gross, notional));
      held = want, heldBeta = fillBeta;
    }
    if (position) position[t] = held;
    if (pnlOut) pnlOut[t] = p;
    if (held !== 0) ++exposed;
    cum += p;
    if (cum > peak) peak = cum;
    else if (peak - cum > maxDrawdown) maxDrawdown = peak - cum;
    sum += p, sumSq += p * p;
    if (p < 0) downSq += p * p;
  }
  if (held !== 0) book(null, n - 1);
  const mean = sum / n, sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1))), down = Math.sqrt(downSq / n);
  const annual = Math.sqrt(o.barsPerYear);
  return {
    totalPnl: cum,
    returnOnGross: count > 0 ? cum / gross : NaN,
    maxDrawdown,
    sharpe: sd > 0 ? (mean / sd) * annual : NaN,
    sortino: down > 0 ? (mean / down) * annual : NaN,
    calmar: maxDrawdown > 0 ? (mean * o.barsPerYear) / maxDrawdown : NaN,
    trades: count,
    winRate: count > 0 ? wins / count : NaN,
    profitFactor: lossSum < 0 ? winSum / -lossSum : winSum > 0 ? Infinity : NaN,
    avgHoldingBars: count > 0 ? holding / count : NaN,
    exposure: n > 0 ? exposed / n : NaN,
    feesPaid: fees
  };
}
