// Binance USD-M futures (fstream) frames → normalized events. Pure, like messages.ts for spot: no I/O,
// testable with arrays of strings; the raw payload shapes stay private to this folder.
import type {LakeTrade} from "../../lake/wal.js";
import {ascii, byteCursor, eventBytes, SymbolBytes} from "./byteCursor.js";
import {isRecord, maxFutureMs, minTime, positiveDecimal, reject, wallClock, type StreamEvent} from "./messages.js";

/**
 * A futures trade as recorded: one aggregate of the `@aggTrade` stream. Its `id` is the aggregate id `a`,
 * the id continuity is checked on; `firstId`/`lastId` are the trade ids `f`/`l` it aggregates.
 */
export interface AggTrade extends LakeTrade {
  readonly firstId: number;
  readonly lastId: number;
}

/** One `@markPrice` update: mark and index price, and the funding rate due at `nextFundingTime`. */
export interface MarkPriceUpdate {
  readonly symbol: string;
  /** Exchange event time `E`, ms since the UTC epoch. */
  readonly eventTime: number;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly estimatedSettlePrice: number;
  /** Funding rate `r` as a fraction (0.0001 = 0.01 %), positive when longs pay shorts. */
  readonly fundingRate: number;
  /** Funding time `T` this rate applies at, ms since the UTC epoch. */
  readonly nextFundingTime: number;
  /** Wall-clock ms the frame arrived, when known. */
  readonly receiveTime?: number;
}

type Control = Extract<StreamEvent, {type: "shutdown" | "response" | "rejected"}>;

/**
 * What a USD-M frame becomes. `trade` (from `@aggTrade`) has the spot event's shape with an AggTrade;
 * `marketTrade` is a row of the undocumented `@trade` stream (`execution` is its `X`); `ignored` is a
 * row that is not a trade by design (`X:"NA"`, price and quantity "0"): neither stored nor counted as rejected.
 */
export type UsdmStreamEvent =
  | {readonly type: "trade"; readonly symbol: string; readonly trade: AggTrade; readonly receivedAt?: number}
  | {readonly type: "markPrice"; readonly mark: MarkPriceUpdate; readonly receivedAt?: number}
  | {
      readonly type: "marketTrade";
      readonly symbol: string;
      readonly trade: LakeTrade;
      readonly execution: string;
      readonly receivedAt?: number;
    }
  | {readonly type: "ignored"; readonly reason: string}
  | Control;

const aggTradeHead = eventBytes("aggTrade");
const keys = {
  s: ascii(',"s":"'),
  a: ascii('","a":'),
  p: ascii(',"p":"'),
  q: ascii('","q":"'),
  nq: ascii('","nq":"'),
  f: ascii('","f":'),
  l: ascii(',"l":'),
  T: ascii(',"T":'),
  m: ascii(',"m":'),
};

const signedDecimal = (x: unknown): number => (typeof x === "string" && /^-?\d+(\.\d+)?$/.test(x) ? Number(x) : NaN);
const id = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const plausible = (t: unknown, now: number): t is number =>
  typeof t === "number" && Number.isFinite(t) && t >= minTime && t <= now + maxFutureMs;

/**
 * Parses one text frame of a raw (`/market/ws/…`) or combined (`/market/stream?streams=…`) fstream
 * connection carrying `@aggTrade`, `@trade` or `@markPrice` streams, as text or as the bytes received.
 * Anything malformed, of an unknown shape, for a symbol not in `symbols` (plain names, e.g. BTCUSDT), with
 * a non-positive price/quantity or an absurd time becomes a `rejected` event. Decimals are read as the
 * spot parser reads them.
 */
export function parseUsdmFrame(frame: string | Buffer, symbols: ReadonlySet<string>, now: number, receivedAt?: number): UsdmStreamEvent {
  const bytes = typeof frame === "string" ? Buffer.from(frame, "utf8") : frame;
  return (
    parseAggTradeFast(bytes, symbols, now, receivedAt) ??
    parseUsdmFrameJson(typeof frame === "string" ? frame : frame.toString(), symbols, now, receivedAt)
  );
}

/**
 * Fast path for an `@aggTrade` frame in the exact shape fstream sends (keys in its order, nothing else):
 * `{"stream":"…@aggTrade","data":{"e":"aggTrade","E":…,"s":"…","a":…,"p":"…","q":"…","nq":"…","f":…,"l":…,"T":…,"m":…}}`
 * or the object alone, read from the frame's bytes (byteCursor.ts). Anything that deviates returns null
 * and takes the JSON path, so both always agree (test/recorder/usdmMessages.test.ts and
 * frameBytes.test.ts mutate frames to check it). Without it, every aggregate
 * paid JSON.parse and the object walk after it: with half of bench:record's 100,000 trades/s on
 * perpetuals, the worst second and peak memory were well behind the spot-only run.
 */
function parseAggTradeFast(frame: Buffer, symbols: ReadonlySet<string>, now: number, receivedAt?: number): UsdmStreamEvent | null {
  const c = byteCursor;
  const closing = c.open(frame, aggTradeHead);
  if (closing === 0) return null;
  const eventTime = c.integer();
  if (Number.isNaN(eventTime) || !c.literal(keys.s)) return null;
  const symbol = c.symbol(SymbolBytes.of(symbols));
  if (symbol === null || !c.literal(keys.a)) return null;
  const aggregate = c.integer();
  if (Number.isNaN(aggregate) || !c.literal(keys.p)) return null;
  const price = c.decimal();
  if (Number.isNaN(price) || !c.literal(keys.q)) return null;
  const qty = c.decimal();
  if (Number.isNaN(qty) || !c.literal(keys.nq) || Number.isNaN(c.decimal()) || !c.literal(keys.f)) return null;
  const firstId = c.integer();
  if (Number.isNaN(firstId) || !c.literal(keys.l)) return null;
  const lastId = c.integer();
  if (Number.isNaN(lastId) || !c.literal(keys.T)) return null;
  const time = c.integer();
  if (Number.isNaN(time) || !c.literal(keys.m)) return null;
  const isBuyerMaker = c.bool();
  if (isBuyerMaker === undefined || !c.close(closing)) return null;
  // The JSON path's checks; any failure takes it, for the same rejection.
  if (!id(aggregate) || !plausible(time, now) || !(price > 0) || !(qty > 0)) return null;
  if (!id(firstId) || !id(lastId) || lastId < firstId) return null;
  const trade = {id: aggregate, time, price, qty, isBuyerMaker, eventTime, receiveTime: wallClock(receivedAt), firstId, lastId};
  return {type: "trade", symbol, trade, receivedAt};
}

/** The general parser: JSON.parse, then shape checks. Exported for the equivalence test. */
export function parseUsdmFrameJson(frame: string, symbols: ReadonlySet<string>, now: number, receivedAt?: number): UsdmStreamEvent {
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return reject("malformed JSON", frame);
  }
  if (!isRecord(message)) return reject("not an object", frame);
  if ("result" in message && "id" in message) return {type: "response", id: message.id, result: message.result};
  if ("code" in message && "msg" in message) return reject(`error ${String(message.code)}: ${String(message.msg)}`, frame);
  const data = "stream" in message && "data" in message ? message.data : message;
  if (!isRecord(data)) return reject("data is not an object", frame);
  if (data.e === "serverShutdown") return {type: "shutdown"};
  if (data.e !== "aggTrade" && data.e !== "trade" && data.e !== "markPriceUpdate")
    return reject(`unknown event ${JSON.stringify(data.e)}`, frame);
  const symbol = data.s;
  if (typeof symbol !== "string" || !symbols.has(symbol)) return reject(`unexpected symbol ${JSON.stringify(symbol)}`, frame);
  if (data.e === "markPriceUpdate") return markPrice(data, symbol, frame, now, receivedAt);
  if (data.e === "trade" && data.X === "NA") return {type: "ignored", reason: 'trade with X "NA" (not a trade)'};
  const {T: time, E: eventTime, m: isBuyerMaker} = data;
  const tradeId = data.e === "aggTrade" ? data.a : data.t;
  if (!id(tradeId)) return reject(data.e === "aggTrade" ? "invalid aggregate id" : "invalid trade id", frame);
  if (!plausible(time, now)) return reject("absurd trade time", frame);
  if (typeof isBuyerMaker !== "boolean") return reject("invalid buyer-maker flag", frame);
  const price = positiveDecimal(data.p),
    qty = positiveDecimal(data.q);
  if (!(price > 0)) return reject("non-positive or invalid price", frame);
  if (!(qty > 0)) return reject("non-positive or invalid quantity", frame);
  const event = typeof eventTime === "number" ? eventTime : time,
    receiveTime = wallClock(receivedAt);
  if (data.e === "trade") {
    if (typeof data.X !== "string") return reject("invalid execution type X", frame);
    const trade = {id: tradeId, time, price, qty, isBuyerMaker, eventTime: event, receiveTime};
    return {type: "marketTrade", symbol, trade, execution: data.X, receivedAt};
  }
  const {f: firstId, l: lastId} = data;
  if (!id(firstId) || !id(lastId) || lastId < firstId) return reject("invalid first/last trade ids", frame);
  // One object per aggregate, every field at once (no copy to add the trade ids: see messages.ts wallClock).
  const trade = {id: tradeId, time, price, qty, isBuyerMaker, eventTime: event, receiveTime, firstId, lastId};
  return {type: "trade", symbol, trade, receivedAt};
}

function markPrice(data: Record<string, unknown>, symbol: string, frame: string, now: number, receivedAt?: number): UsdmStreamEvent {
  const {E: eventTime, T: nextFundingTime} = data;
  if (!plausible(eventTime, now)) return reject("absurd event time", frame);
  // The next funding time lies up to a funding interval (≤ 8 h) ahead of the event.
  if (typeof nextFundingTime !== "number" || !Number.isSafeInteger(nextFundingTime) || nextFundingTime < minTime)
    return reject("invalid funding time", frame);
  const markPrice = positiveDecimal(data.p),
    indexPrice = positiveDecimal(data.i),
    estimatedSettlePrice = positiveDecimal(data.P),
    fundingRate = signedDecimal(data.r);
  if (!(markPrice > 0)) return reject("non-positive or invalid mark price", frame);
  if (Number.isNaN(indexPrice)) return reject("invalid index price", frame);
  if (Number.isNaN(estimatedSettlePrice)) return reject("invalid estimated settle price", frame);
  if (Number.isNaN(fundingRate)) return reject("invalid funding rate", frame);
  const mark = {
    symbol,
    eventTime,
    markPrice,
    indexPrice,
    estimatedSettlePrice,
    fundingRate,
    nextFundingTime,
    receiveTime: wallClock(receivedAt),
  };
  return {type: "markPrice", mark, receivedAt};
}

/** The USD-M streams one connection can carry per symbol. */
export type UsdmStreamKind = "aggTrade" | "markPrice" | "trade";

const streamName: Record<UsdmStreamKind, string> = {aggTrade: "aggTrade", markPrice: "markPrice@1s", trade: "trade"};

/**
 * Combined-stream path on fstream's `/market` route (where `@aggTrade` lives since 2026-04-23; other
 * routes silently send nothing), e.g. `/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s`.
 * Throws a RangeError past `maxStreams` (fstream: 1024 per connection) or without any stream.
 */
export function usdmStreamPath(
  symbols: readonly string[],
  kinds: readonly UsdmStreamKind[] = ["aggTrade", "markPrice"],
  maxStreams = 1024,
): string {
  const streams = symbols.flatMap((s) => kinds.map((kind) => `${s.toLowerCase()}@${streamName[kind]}`));
  if (streams.length === 0) throw new RangeError("usdmStreamPath: no streams (expected at least one symbol and one kind)");
  if (streams.length > maxStreams)
    throw new RangeError(`usdmStreamPath: ${streams.length} streams (fstream allows ${maxStreams} per connection)`);
  return `/market/stream?streams=${streams.join("/")}`;
}
