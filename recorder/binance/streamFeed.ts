// What one market's stream connection carries: its URL path, its frame parser and its connection
// rules. runTradeStream (stream.ts) reads a feed, so spot and USD-M share one reconnect loop.
import {spotRules, usdmRules, type ConnectionRules} from "./connectionRules.js";
import {parseFrame, tradeStreamPath, type StreamEvent} from "./messages.js";
import {parseUsdmFrame, usdmStreamPath, type UsdmStreamEvent, type UsdmStreamKind} from "./usdmMessages.js";

/** A connection's content: everything runTradeStream needs to know about a market. */
export interface StreamFeed<E extends {readonly type: string}> {
  /** Path and query after the base WebSocket URL, e.g. `/stream?streams=btcusdt@trade`. */
  readonly path: string;
  /** One text frame, as received → one event; `now` is the wall clock (ms), `receivedAt` performance.now(). */
  parse(frame: Buffer, now: number, receivedAt: number): E;
  /** Whether an event is market data (a connection that delivered some is healthy). */
  isData(event: E): boolean;
  readonly rules: ConnectionRules;
}

/** Spot `@trade` streams of `symbols` (plain names), as the recorder reads them today. */
export function spotTradeFeed(symbols: readonly string[]): StreamFeed<StreamEvent> {
  const set = new Set(symbols);
  if (symbols.length > spotRules.maxStreams)
    throw new RangeError(`spotTradeFeed: ${symbols.length} streams (spot allows ${spotRules.maxStreams})`);
  return {
    path: tradeStreamPath(symbols),
    parse: (frame, now, receivedAt) => parseFrame(frame, set, now, receivedAt),
    isData: (event) => event.type === "trade",
    rules: spotRules,
  };
}

/**
 * USD-M streams of `symbols` (plain names) on fstream's `/market` route: `@aggTrade` and
 * `@markPrice@1s` by default. Base URL `wss://fstream.binance.com`.
 */
export function usdmFeed(
  symbols: readonly string[],
  kinds: readonly UsdmStreamKind[] = ["aggTrade", "markPrice"],
): StreamFeed<UsdmStreamEvent> {
  const set = new Set(symbols);
  return {
    path: usdmStreamPath(symbols, kinds, usdmRules.maxStreams),
    parse: (frame, now, receivedAt) => parseUsdmFrame(frame, set, now, receivedAt),
    isData: (event) => event.type === "trade" || event.type === "markPrice" || event.type === "marketTrade" || event.type === "ignored",
    rules: usdmRules,
  };
}
