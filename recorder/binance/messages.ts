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
export function parseFrame(frame: string, symbols: ReadonlySet<string>, now: number): StreamEvent {
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
  return {type: "trade", symbol, trade: {id, time, price, qty, isBuyerMaker}, eventTime: typeof eventTime === "number" ? eventTime : time};
}

function reject(reason: string, frame: string): StreamEvent {
  return {type: "rejected", reason, frame: frame.length > 200 ? `${frame.slice(0, 200)}…` : frame};
}

/** Combined-stream path for the trade streams of `symbols`: `/stream?streams=btcusdt@trade/…`. */
export function tradeStreamPath(symbols: readonly string[]): string {
  return `/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@trade`).join("/")}`;
}
