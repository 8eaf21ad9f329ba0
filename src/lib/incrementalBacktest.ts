import type {BacktestMetrics, BacktestTrade, NormalizedBacktestOptions} from "./backtest.js";
import {fundingOnBar} from "./funding.js";

/** Everything an IncrementalBacktest carries from one bar to the next, for `restore`. */
export interface BacktestState {
  readonly length: number;
  readonly scalars: Float64Array;
  readonly pending: Int8Array;
  readonly pendingBeta: Float64Array;
  readonly trades: number;
}

/**
 * The backtest rule and its accounting, one bar at a time: `push(a, b, z)` takes bar `length` of the
 * series (the caller keeps them whole: the previous bar's prices are read back) and sets `position`,
 * `pnl`, `equity` and `drawdown` of that bar. `simulate` (so `backtest` and `sweep`) runs this very
 * code, so a backtest continued bar by bar equals the batch one bit for bit. `save` and `restore`
 * return to an earlier bar (a replaced last bar). With `options.funding` (its bar times and schedules
 * kept whole by the caller too, read at bar `length`; `rebindFundingTimes` when the times move), the
 * funding events of a bar are charged before its fill. O(1) per bar (O(log m) with funding), O(lag) per save.
 *
 *   const bt = new IncrementalBacktest(backtestOptions({beta: 0.045}));
 *   for (let t = 0; t < n; ++t) bt.push(a, b, z), (equity[t] = bt.equity);
 */
export class IncrementalBacktest {
  /** Bars taken so far. */
  length = 0;
  /** Of the last bar: position held after its close (+1 long spread), its PnL, equity, drawdown (≤ 0). */
  position = 0;
  pnl = 0;
  equity = 0;
  drawdown = 0;
  /** Funding the last bar paid (received when < 0), already in its `pnl`. */
  funding = 0;
  /** Closed trades, oldest first (with `keepTrades`; the open one is in `tradeList()`). */
  readonly trades: BacktestTrade[] = [];
  private readonly keepTrades: boolean;
  private betaSeries: ArrayLike<number> | null;
  private readonly betaConst: number;
  private fundingTimes: ArrayLike<number>;
  // Orders decided but not yet filled, by fill bar modulo lag + 1.
  private pending: Int8Array;
  private pendingBeta: Float64Array;
  private target = 0;
  private targetBeta = 0;
  private blockLong = false;
  private blockShort = false;
  private heldBeta = 0;
  private peak = 0;
  private maxDrawdown = 0;
  private fees = 0;
  private fundingTotal = 0;
  private gross = 0;
  private sum = 0;
  private sumSq = 0;
  private downSq = 0;
  private exposed = 0;
  private count = 0;
  private wins = 0;
  private winSum = 0;
  private lossSum = 0;
  private holding = 0;
  private tradePnl = 0;
  private tradeStart = 0;

  constructor(
    readonly options: NormalizedBacktestOptions,
    {keepTrades = true}: {keepTrades?: boolean} = {},
  ) {
    this.betaSeries = typeof options.beta === "number" ? null : options.beta;
    this.betaConst = typeof options.beta === "number" ? options.beta : 0;
    this.fundingTimes = options.funding?.times ?? [];
    this.pending = new Int8Array(options.lag + 1);
    this.pendingBeta = new Float64Array(options.lag + 1);
    this.keepTrades = keepTrades;
  }

  /** Reads β from `beta` from now on (a β series that moved to a larger buffer as it grew). */
  rebindBeta(beta: ArrayLike<number>): void {
    if (this.betaSeries) this.betaSeries = beta;
  }

  /** Reads the funding's bar times from `times` from now on (a time column that moved to a larger buffer as it grew). */
  rebindFundingTimes(times: ArrayLike<number>): void {
    if (this.options.funding) this.fundingTimes = times;
  }

  /**
   * Takes bar `length` of a, b and z (and of β when it is a series). O(1). A basket passes b = Σ βᵢ·bᵢ
   * with β 1 and `hedgeNotional` = Σ |βᵢ·bᵢ|, so that fees are charged on every leg.
   */
  push(a: ArrayLike<number>, b: ArrayLike<number>, z: ArrayLike<number>, hedgeNotional?: ArrayLike<number>): void {
    const t = this.length,
      {entry, exit, stop, lag, cost} = this.options;
    const held = this.position;
    // Mark to market what was held since the previous close.
    let p = t > 0 && held !== 0 ? held * (a[t] - a[t - 1] - this.heldBeta * (b[t] - b[t - 1])) : 0;
    if (held !== 0) this.tradePnl += p;
    this.funding = 0;
    const f = this.options.funding;
    if (f && held !== 0) {
      const unit = f.unitMark ?? false;
      const fa = f.a ? fundingOnBar(f.a, this.fundingTimes, a, t, unit) : 0,
        fb = f.b ? fundingOnBar(f.b, this.fundingTimes, b, t, unit) : 0;
      // Leg a holds h units, leg b −h·β: each pays its quantity × mark × rate.
      const paid = held * fa - held * this.heldBeta * fb;
      if (paid !== 0) ((p -= paid), (this.tradePnl -= paid), (this.fundingTotal += paid), (this.funding = paid));
    }
    // Decide from z_t alone: one change of the target position at most.
    const zt = z[t];
    if (zt === zt) {
      const az = Math.abs(zt);
      if (az < entry) this.blockLong = this.blockShort = false;
      if (this.target === 0) {
        if (az < stop) {
          if (zt > entry && !this.blockShort)
            ((this.target = -1), (this.targetBeta = this.betaSeries ? this.betaSeries[t] : this.betaConst));
          else if (zt < -entry && !this.blockLong)
            ((this.target = 1), (this.targetBeta = this.betaSeries ? this.betaSeries[t] : this.betaConst));
        }
      } else if (az >= stop) {
        if (this.target === 1) this.blockLong = true;
        else this.blockShort = true;
        this.target = 0;
      } else if (this.target === 1 ? zt >= -exit : zt <= exit) this.target = 0;
    }
    const slot = t % (lag + 1),
      next = (t + lag) % (lag + 1);
    ((this.pending[next] = this.target), (this.pendingBeta[next] = this.targetBeta));
    // Fill the order decided at t − lag at this close.
    if (t >= lag && this.pending[slot] !== held) {
      const want = this.pending[slot],
        fillBeta = want !== 0 ? this.pendingBeta[slot] : this.heldBeta;
      const hedge = hedgeNotional ? Math.abs(fillBeta) * hedgeNotional[t] : Math.abs(fillBeta * b[t]);
      const notional = Math.abs(a[t]) + hedge;
      const fee = cost * notional;
      ((p -= fee), (this.fees += fee));
      if (held !== 0) ((this.tradePnl -= fee), this.book(t));
      else ((this.tradePnl = -fee), (this.tradeStart = t), ++this.count, (this.gross = Math.max(this.gross, notional)));
      ((this.position = want), (this.heldBeta = fillBeta));
    }
    if (this.position !== 0) ++this.exposed;
    const cum = this.equity + p;
    if (cum > this.peak) this.peak = cum;
    else if (this.peak - cum > this.maxDrawdown) this.maxDrawdown = this.peak - cum;
    ((this.sum += p), (this.sumSq += p * p));
    if (p < 0) this.downSq += p * p;
    ((this.pnl = p), (this.equity = cum), (this.drawdown = cum - this.peak));
    this.length = t + 1;
  }

  private book(exitBar: number): void {
    if (this.tradePnl > 0) (++this.wins, (this.winSum += this.tradePnl));
    else this.lossSum += this.tradePnl;
    this.holding += exitBar - this.tradeStart;
    if (this.keepTrades) this.trades.push(this.trade(exitBar, exitBar));
  }

  private trade(exitBar: number | null, end: number): BacktestTrade {
    return {
      side: this.position as 1 | -1,
      entryBar: this.tradeStart,
      exitBar,
      beta: this.heldBeta,
      pnl: this.tradePnl,
      bars: end - this.tradeStart,
    };
  }

  /** The position still open after the last bar, as a trade with exit null (PnL so far), or null. */
  openTrade(): BacktestTrade | null {
    return this.position !== 0 ? this.trade(null, this.length - 1) : null;
  }

  /** Closed trades and the open one, as `backtest`'s tradeList (needs `keepTrades`). */
  tradeList(): BacktestTrade[] {
    const open = this.openTrade();
    return open ? [...this.trades, open] : [...this.trades];
  }

  /** The metrics over the bars so far, the open position counted as a trade ending at the last bar. */
  metrics(barsPerYear = this.options.barsPerYear): BacktestMetrics {
    const n = this.length,
      cum = this.equity,
      {count, gross, maxDrawdown} = this;
    let {wins, winSum, lossSum, holding} = this;
    if (this.position !== 0) {
      if (this.tradePnl > 0) (++wins, (winSum += this.tradePnl));
      else lossSum += this.tradePnl;
      holding += n - 1 - this.tradeStart;
    }
    const mean = this.sum / n,
      sd = Math.sqrt(Math.max(0, (this.sumSq - n * mean * mean) / (n - 1))),
      down = Math.sqrt(this.downSq / n);
    const annual = Math.sqrt(barsPerYear);
    return {
      totalPnl: cum,
      returnOnGross: count > 0 ? cum / gross : NaN,
      maxDrawdown,
      sharpe: sd > 0 ? (mean / sd) * annual : NaN,
      sortino: down > 0 ? (mean / down) * annual : NaN,
      calmar: maxDrawdown > 0 ? (mean * barsPerYear) / maxDrawdown : NaN,
      trades: count,
      winRate: count > 0 ? wins / count : NaN,
      profitFactor: lossSum < 0 ? winSum / -lossSum : winSum > 0 ? Infinity : NaN,
      avgHoldingBars: count > 0 ? holding / count : NaN,
      exposure: n > 0 ? this.exposed / n : NaN,
      feesPaid: this.fees,
      fundingPaid: this.fundingTotal,
    };
  }

  /** The state after the last bar. O(lag). */
  save(): BacktestState {
    const scalars = Float64Array.of(
      this.position,
      this.pnl,
      this.equity,
      this.drawdown,
      this.target,
      this.targetBeta,
      Number(this.blockLong),
      Number(this.blockShort),
      this.heldBeta,
      this.peak,
      this.maxDrawdown,
      this.fees,
      this.gross,
      this.sum,
      this.sumSq,
      this.downSq,
      this.exposed,
      this.count,
      this.wins,
      this.winSum,
      this.lossSum,
      this.holding,
      this.tradePnl,
      this.tradeStart,
      this.funding,
      this.fundingTotal,
    );
    return {length: this.length, scalars, pending: this.pending.slice(), pendingBeta: this.pendingBeta.slice(), trades: this.trades.length};
  }

  /** Returns to a state `save` gave (of this backtest, at or before the current bar). O(lag). */
  restore(s: BacktestState): void {
    if (s.trades > this.trades.length)
      throw new RangeError("IncrementalBacktest.restore: the state is not an earlier one of this backtest");
    const v = s.scalars;
    this.length = s.length;
    ((this.position = v[0]),
      (this.pnl = v[1]),
      (this.equity = v[2]),
      (this.drawdown = v[3]),
      (this.target = v[4]),
      (this.targetBeta = v[5]));
    ((this.blockLong = v[6] === 1),
      (this.blockShort = v[7] === 1),
      (this.heldBeta = v[8]),
      (this.peak = v[9]),
      (this.maxDrawdown = v[10]),
      (this.fees = v[11]));
    ((this.gross = v[12]),
      (this.sum = v[13]),
      (this.sumSq = v[14]),
      (this.downSq = v[15]),
      (this.exposed = v[16]),
      (this.count = v[17]),
      (this.wins = v[18]));
    ((this.winSum = v[19]), (this.lossSum = v[20]), (this.holding = v[21]), (this.tradePnl = v[22]), (this.tradeStart = v[23]));
    ((this.funding = v[24]), (this.fundingTotal = v[25]));
    (this.pending.set(s.pending), this.pendingBeta.set(s.pendingBeta));
    this.trades.length = s.trades;
  }
}
