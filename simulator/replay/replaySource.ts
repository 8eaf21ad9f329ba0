import {instrument, type Instrument} from "../instruments.js";
import {TradeBatch} from "../market.js";
import type {TradeSource} from "../tradeSource.js";
import type {RecordedTrades} from "./recordedTrades.js";

/** Replay speed: a multiple of real time, or "max" (as fast as the slowest subscriber reads). */
export type ReplaySpeed = number | "max";

/**
 * Plays recorded trades back as a simulator TradeSource: the first call to advanceTo (made once a
 * client subscribes) pins the first trade to that moment, and each later trade is due when the
 * server clock has moved on by its pace difference divided by `speed`. Payload fields (ids, prices,
 * quantities, trade and event times, maker flag) are the recorded ones. Pure: no timers, no I/O.
 *
 *   startSimulator({source: new ReplaySource(await readCaptures(files).then((c) => c.trades), {speed: 10})});
 */
export class ReplaySource implements TradeSource {
  readonly instruments: readonly Instrument[];
  readonly waitForSubscriber = true;
  private readonly batch = new TradeBatch();
  private readonly speed: ReplaySpeed;
  private cursor = 0;
  private origin: {now: number; pace: number} | undefined;

  constructor(
    private readonly trades: RecordedTrades,
    {speed = 1}: {speed?: ReplaySpeed} = {},
  ) {
    if (speed !== "max" && !(speed > 0 && Number.isFinite(speed)))
      throw new RangeError(`ReplaySource: invalid speed ${speed} (expected a positive number or "max")`);
    this.speed = speed;
    this.instruments = trades.symbols.map(instrument);
  }

  get exhausted(): boolean {
    return this.cursor >= this.trades.length;
  }

  /** Trades handed out so far. */
  get position(): number {
    return this.cursor;
  }

  advanceTo(nowMs: number, limit: number): TradeBatch {
    const {batch, trades} = this;
    batch.length = 0;
    if (this.exhausted) return batch;
    const origin = (this.origin ??= {now: nowMs, pace: trades.pace[this.cursor]});
    const due = this.speed === "max" ? Infinity : origin.pace + (nowMs - origin.now) * this.speed;
    while (this.cursor < trades.length && batch.length < limit && trades.pace[this.cursor] <= due) {
      const j = this.cursor++,
        i = batch.reserve();
      batch.symbol[i] = trades.symbol[j];
      batch.id[i] = trades.id[j];
      batch.time[i] = trades.time[j];
      batch.eventTime[i] = trades.eventTime[j];
      batch.price[i] = trades.price[j];
      batch.qty[i] = trades.qty[j];
      batch.isBuyerMaker[i] = trades.isBuyerMaker[j];
    }
    return batch;
  }
}
