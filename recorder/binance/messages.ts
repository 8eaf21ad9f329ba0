// Binance WebSocket frames → normalized events. Pure: no I/O, testable with arrays of strings.
// The raw payload shapes stay private to this folder; the rest of pairbook sees only StreamEvent.
import type {Trade} from "../../src/lib/bars.js";

export type StreamEvent =
  | {readonly type: "trade"; readonly symbol: string; readonly trade: Trade; readonly eventTime: number; readonly receivedAt?: number}
  | {readonly type: "shutdown"}
  | {readonly type: "response"; readonly id: unknown; readonly result: unknown}
  | {readonly type: "rejected"; readonly reason: string; readonly frame: string};

/** Earliest plausible trade time (Binance opened in 2017) and allowed clock skew into the future. */
const minTime = Date.UTC(2017, 0, 1);
const maxFutureMs = 24 * 3600_000;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const positiveDecimal = (x: unknown): number => (typeof x === "string" && /^\d+(\.\d+)?$/.test(x) ? Number(x) : NaN);

/**
 * Parses one text frame of a raw (`/ws/…`) or combined (`/stream?streams=…`) trade connection.
 * Anything malformed, of an unknown shape, for a symbol not subscribed, or with a non-positive
 * price/quantity or an absurd time becomes a `rejected` event: counted and logged, never stored.
 */
export function parseFrame(frame: string, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent {
  return parseTradeFast(frame, symbols, now, receivedAt) ?? parseFrameJson(frame, symbols, now, receivedAt);
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
  if (typeof time !== "number" || !Number.isFinite(time) || time < minTime || time > now + maxFutureMs) return reject("absurd trade time", frame);
  if (typeof isBuyerMaker !== "boolean") return reject("invalid buyer-maker flag", frame);
  const price = positiveDecimal(data.p), qty = positiveDecimal(data.q);
  if (!(price > 0)) return reject("non-positive or invalid price", frame);
  if (!(qty > 0)) return reject("non-positive or invalid quantity", frame);
  return {type: "trade", symbol, trade: {id, time, price, qty, isBuyerMaker}, eventTime: typeof eventTime === "number" ? eventTime : time, receivedAt};
}

const zero = 48, nine = 57, dot = 46, quote = 34;

/**
 * Fast path for the exact shape Binance sends today (keys in Binance's order, nothing else):
 * `{"stream":"…@trade","data":{"e":"trade","E":…,"s":"…","t":…,"p":"…","q":"…","T":…,"m":…,"M":…}}`
 * or the same object alone (raw streams). Anything that deviates by one character returns null and
 * takes the JSON path, so both always agree (see test/recorder/messages.test.ts); this one is ~4×
 * faster, which matters at 200k trades/s.
 */
function parseTradeFast(frame: string, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent | null {
  let i: number, end: string;
  if (frame.startsWith('{"stream":"')) {
    const j = frame.indexOf('","data":{', 11);
    if (j < 0 || frame.indexOf('"', 11) !== j || frame.lastIndexOf("\\", j) > 10) return null;
    (i = j + 10), (end = "}}");
  } else if (frame.startsWith('{"e":"trade"')) (i = 1), (end = "}");
  else return null;
  const literal = (text: string) => (frame.startsWith(text, i) ? ((i += text.length), true) : false);
  const integer = () => {
    const start = i;
    while (i < frame.length && frame.charCodeAt(i) >= zero && frame.charCodeAt(i) <= nine) i++;
    return i > start && i - start < 17 && !(frame.charCodeAt(start) === zero && i - start > 1) ? Number(frame.slice(start, i)) : NaN;
  };
  const decimal = () => {
    const start = i;
    let dots = 0;
    for (; i < frame.length; i++) {
      const c = frame.charCodeAt(i);
      if (c === quote) break;
      if (c === dot) dots++;
      else if (c < zero || c > nine) return NaN;
    }
    const text = frame.slice(start, i);
    return /^\d+(\.\d+)?$/.test(text) && dots <= 1 ? Number(text) : NaN;
  };
  const bool = () => (literal("true") ? true : literal("false") ? false : undefined);
  if (!literal('"e":"trade","E":')) return null;
  const eventTime = integer();
  if (Number.isNaN(eventTime) || !literal(',"s":"')) return null;
  const close = frame.indexOf('"', i);
  if (close < 0) return null;
  const symbol = frame.slice(i, close);
  if (symbol.includes("\\")) return null;
  i = close;
  if (!literal('","t":')) return null;
  const id = integer();
  if (Number.isNaN(id) || !literal(',"p":"')) return null;
  const price = decimal();
  if (Number.isNaN(price) || !literal('","q":"')) return null;
  const qty = decimal();
  if (Number.isNaN(qty) || !literal('","T":')) return null;
  const time = integer();
  if (Number.isNaN(time) || !literal(',"m":')) return null;
  const isBuyerMaker = bool();
  if (isBuyerMaker === undefined || !literal(',"M":') || bool() === undefined || !literal(end) || i !== frame.length) return null;
  // Same checks, same order, same outcomes as the JSON path.
  if (!symbols.has(symbol)) return null;
  if (!Number.isSafeInteger(id)) return null;
  if (time < minTime || time > now + maxFutureMs) return null;
  if (!(price > 0) || !(qty > 0)) return null;
  return {type: "trade", symbol, trade: {id, time, price, qty, isBuyerMaker}, eventTime, receivedAt};
}

function reject(reason: string, frame: string): StreamEvent {
  return {type: "rejected", reason, frame: frame.length > 200 ? `${frame.slice(0, 200)}…` : frame};
}

/** Combined-stream path for the trade streams of `symbols`: `/stream?streams=btcusdt@trade/…`. */
export function tradeStreamPath(symbols: readonly string[]): string {
  return `/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@trade`).join("/")}`;
}
