import type {Instrument} from "./instruments.js";
import {firstTradeId, type TradeBatch} from "./market.js";
import {Random} from "./random.js";

export interface AggregateIdsOptions {
  readonly instruments: readonly Instrument[];
  /** Clock reading at which the market opens: trade ids derive from it, as aggregate ids do (firstTradeId). */
  readonly startMs: number;
  readonly seed: number;
  /** Share of aggregates whose first trade id skips one to three ids past the previous one's last, as USD-M trade ids do; default 0.05. */
  readonly skipShare?: number;
  /** Id space per wall-clock ms of the aggregate ids (1, or 1000 in fast mode); trade ids get four times as much. */
  readonly idsPerMs?: number;
}

/**
 * Turns each trade of a futures Market batch into a USD-M aggregate trade: one taker order filled
 * against 1 + Geometric(½) makers (mean 2) at one price, side and millisecond, so the row's id is
 * the aggregate id `a` and `first`..`last` its consecutive trade ids. Trade ids run on from one
 * aggregate to the next, except that now and then they skip a few (USD-M trade ids do; recorders
 * must check continuity on `a`). Deterministic given options. O(1) per trade.
 *
 *   const ids = new AggregateIds({instruments, startMs, seed: 7});
 *   ids.assign(market.advanceTo(t)); // ids.first[i]..ids.last[i] for row i
 */
export class AggregateIds {
  /** Per row of the last batch: first and last trade id. Reused by the next call. */
  first = new Float64Array(256);
  last = new Float64Array(256);
  private readonly random: Random;
  private readonly nextTradeId: Float64Array;
  private readonly skipShare: number;

  constructor({instruments, startMs, seed, skipShare = 0.05, idsPerMs = 1}: AggregateIdsOptions) {
    if (!(skipShare >= 0 && skipShare <= 1)) throw new RangeError(`AggregateIds: invalid skipShare ${skipShare} (expected 0 to 1)`);
    this.random = new Random(seed ^ 0x0a99_7a0e);
    this.skipShare = skipShare;
    this.nextTradeId = Float64Array.from(instruments, (i) => firstTradeId(i.symbol, startMs, idsPerMs * 4));
  }

  /** Draws the trade ids of every row of `batch`, in order. */
  assign(batch: TradeBatch): void {
    if (this.first.length < batch.length) {
      const n = Math.max(batch.length, this.first.length * 2);
      ((this.first = new Float64Array(n)), (this.last = new Float64Array(n)));
    }
    const random = this.random,
      next = this.nextTradeId;
    for (let i = 0; i < batch.length; ++i) {
      const k = batch.symbol[i];
      if (random.uniform() < this.skipShare) next[k] += 1 + Math.floor(random.uniform() * 3);
      let fills = 1;
      while (fills < 20 && random.uniform() < 0.5) ++fills;
      this.first[i] = next[k];
      this.last[i] = next[k] + fills - 1;
      next[k] += fills;
    }
  }
}
