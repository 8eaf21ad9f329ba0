// Binance WebSocket frames → normalized events. Pure: no I/O, testable with arrays of strings.
// The raw payload shapes stay private to this folder; the rest of pairbook sees only StreamEvent.
import type {LakeTrade} from "../../lake/wal.js";
import {ascii, byteCursor, eventBytes, SymbolBytes} from "./byteCursor.js";

export type StreamEvent =
  | {readonly type: "trade"; readonly symbol: string; readonly trade: LakeTrade; readonly receivedAt?: number}
  | {readonly type: "shutdown"}
  | {readonly type: "response"; readonly id: unknown; readonly result: unknown}
  | {readonly type: "rejected"; readonly reason: string; readonly frame: string};

/** Earliest plausible trade time (Binance opened in 2017) and allowed clock skew into the future. */
export const minTime = Date.UTC(2017, 0, 1);
export const maxFutureMs = 24 * 3600_000;

/**
 * The wall-clock ms of a frame's arrival, from its performance.now() reading. The trade object is built
 * once, with every field the lake stores, here: at 100,000 trades/s a copy per trade to add them later
 * showed in the recorder's throughput and memory (bench:record). (timeOrigin is read once: its getter
 * showed in the recorder's CPU profile, read per frame.)
 */
export const wallClock = (receivedAt: number | undefined): number | undefined =>
  receivedAt === undefined ? undefined : Math.round(timeOrigin + receivedAt);
const timeOrigin = performance.timeOrigin;

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
export const positiveDecimal = (x: unknown): number => (typeof x === "string" && /^\d+(\.\d+)?$/.test(x) ? Number(x) : NaN);

/**
 * Parses one text frame of a raw (`/ws/…`) or combined (`/stream?streams=…`) trade connection, as
 * text or as the bytes received. Anything malformed, of an unknown shape, for a symbol not subscribed,
 * or with a non-positive price/quantity or an absurd time becomes a `rejected` event: counted and
 * logged, never stored.
 */
export function parseFrame(frame: string | Buffer, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent {
  const bytes = typeof frame === "string" ? Buffer.from(frame, "utf8") : frame;
  return (
    parseTradeFast(bytes, symbols, now, receivedAt) ??
    parseFrameJson(typeof frame === "string" ? frame : frame.toString(), symbols, now, receivedAt)
  );
}

/** The general parser: JSON.parse, then shape checks. Exported for the equivalence test. */
export function parseFrameJson(frame: string, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent {
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
  if (data.e !== "trade") return reject(`unknown event ${JSON.stringify(data.e)}`, frame);
  const symbol = data.s;
  if (typeof symbol !== "string" || !symbols.has(symbol)) return reject(`unexpected symbol ${JSON.stringify(symbol)}`, frame);
  const {t: id, T: time, E: eventTime, m: isBuyerMaker} = data;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) return reject("invalid trade id", frame);
  if (typeof time !== "number" || !Number.isFinite(time) || time < minTime || time > now + maxFutureMs)
    return reject("absurd trade time", frame);
  if (typeof isBuyerMaker !== "boolean") return reject("invalid buyer-maker flag", frame);
  const price = positiveDecimal(data.p),
    qty = positiveDecimal(data.q);
  if (!(price > 0)) return reject("non-positive or invalid price", frame);
  if (!(qty > 0)) return reject("non-positive or invalid quantity", frame);
  const trade = {
    id,
    time,
    price,
    qty,
    isBuyerMaker,
    eventTime: typeof eventTime === "number" ? eventTime : time,
    receiveTime: wallClock(receivedAt),
  };
  return {type: "trade", symbol, trade, receivedAt};
}

/**
 * Fast path for the exact shape Binance sends today (keys in Binance's order, nothing else):
 * `{"stream":"…@trade","data":{"e":"trade","E":…,"s":"…","t":…,"p":"…","q":"…","T":…,"m":…,"M":…}}`
 * or the same object alone (raw streams), read from the frame's bytes (byteCursor.ts). Anything that
 * deviates by one byte returns null and takes the JSON path, so both always agree (see
 * test/recorder/messages.test.ts and frameBytes.test.ts).
 */
function parseTradeFast(frame: Buffer, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent | null {
  const c = byteCursor;
  const closing = c.open(frame, tradeHead);
  if (closing === 0) return null;
  const eventTime = c.integer();
  if (Number.isNaN(eventTime) || !c.literal(keys.s)) return null;
  const symbol = c.symbol(SymbolBytes.of(symbols));
  if (symbol === null || !c.literal(keys.t)) return null;
  const id = c.integer();
  if (Number.isNaN(id) || !c.literal(keys.p)) return null;
  const price = c.decimal();
  if (Number.isNaN(price) || !c.literal(keys.q)) return null;
  const qty = c.decimal();
  if (Number.isNaN(qty) || !c.literal(keys.T)) return null;
  const time = c.integer();
  if (Number.isNaN(time) || !c.literal(keys.m)) return null;
  const isBuyerMaker = c.bool();
  if (isBuyerMaker === undefined || !c.literal(keys.M) || c.bool() === undefined || !c.close(closing)) return null;
  // Same checks, same order, same outcomes as the JSON path.
  if (!Number.isSafeInteger(id)) return null;
  if (time < minTime || time > now + maxFutureMs) return null;
  if (!(price > 0) || !(qty > 0)) return null;
  const trade = {id, time, price, qty, isBuyerMaker, eventTime, receiveTime: wallClock(receivedAt)};
  return {type: "trade", symbol, trade, receivedAt};
}

const tradeHead = eventBytes("trade");
const keys = {
  s: ascii(',"s":"'),
  t: ascii('","t":'),
  p: ascii(',"p":"'),
  q: ascii('","q":"'),
  T: ascii('","T":'),
  m: ascii(',"m":'),
  M: ascii(',"M":'),
};

export function reject(reason: string, frame: string): {readonly type: "rejected"; readonly reason: string; readonly frame: string} {
  return {type: "rejected", reason, frame: frame.length > 200 ? `${frame.slice(0, 200)}…` : frame};
}

/** Combined-stream path for the trade streams of `symbols`: `/stream?streams=btcusdt@trade/…`. */
export function tradeStreamPath(symbols: readonly string[]): string {
  return `/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@trade`).join("/")}`;
}
