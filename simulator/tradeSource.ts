import type {Instrument} from "./instruments.js";
import type {TradeBatch} from "./market.js";

/**
 * Where the simulator's trades come from: the synthetic Market, or a replay of recorded trades
 * (simulator/replay). The server polls it every tick with its clock and sends what it returns.
 */
export interface TradeSource {
  /** One per symbol; `TradeBatch.symbol` indexes into it. */
  readonly instruments: readonly Instrument[];
  /**
   * The trades due by `nowMs` (server clock), at most `limit` of them (a live market may ignore the
   * limit: its trades happen whether or not anyone keeps up). Per symbol, ids strictly increase
   * across calls. The batch is reused by the next call.
   */
  advanceTo(nowMs: number, limit: number): TradeBatch;
  /** True once every trade has been returned (never, for a live market). */
  readonly exhausted: boolean;
  /** Hold the trades until a client subscribes to a trade stream, so a replay's first trades reach someone. */
  readonly waitForSubscriber?: boolean;
}
