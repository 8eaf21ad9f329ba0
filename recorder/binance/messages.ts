// Binance WebSocket frames → normalized events. Pure: no I/O, testable with arrays of strings.
// The raw payload shapes stay private to this folder; the rest of pairbook sees only StreamEvent.
import type {LakeTrade} from "../../lake/wal.js";

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
 * showed in the recorder's throughput and memory (bench:record).
 */
export const wallClock = (receivedAt: number | undefined): number | undefined =>
  receivedAt === undefined ? undefined : Math.round(performance.timeOrigin + receivedAt);

export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
export const positiveDecimal = (x: unknown): number => (typeof x === "string" && /^\d+(\.\d+)?$/.test(x) ? Number(x) : NaN);

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

/** 10^0 … 10^15, exact doubles. */
const powersOfTen = Array.from({length: 16}, (_, k) => 10 ** k);

const zero = 48,
  nine = 57,
  dot = 46,
  quote = 34;

/**
 * Fast path for the exact shape Binance sends today (keys in Binance's order, nothing else):
 * `{"stream":"…@trade","data":{"e":"trade","E":…,"s":"…","t":…,"p":"…","q":"…","T":…,"m":…,"M":…}}`
 * or the same object alone (raw streams). Anything that deviates by one character returns null and
 * takes the JSON path, so both always agree (see test/recorder/messages.test.ts). It costs about
 * what JSON.parse alone does (~1 µs a frame here) and saves the object walk and checks after it.
 */
function parseTradeFast(frame: string, symbols: ReadonlySet<string>, now: number, receivedAt?: number): StreamEvent | null {
  const c = cursor;
  const end = c.open(frame, tradeHead);
  if (end === null) return null;
  const eventTime = c.integer();
  if (Number.isNaN(eventTime) || !c.literal(',"s":"')) return null;
  const symbol = c.symbol();
  if (symbol === null || !c.literal('","t":')) return null;
  const id = c.integer();
  if (Number.isNaN(id) || !c.literal(',"p":"')) return null;
  const price = c.decimal();
  if (Number.isNaN(price) || !c.literal('","q":"')) return null;
  const qty = c.decimal();
  if (Number.isNaN(qty) || !c.literal('","T":')) return null;
  const time = c.integer();
  if (Number.isNaN(time) || !c.literal(',"m":')) return null;
  const isBuyerMaker = c.bool();
  if (isBuyerMaker === undefined || !c.literal(',"M":') || c.bool() === undefined || !c.literal(end) || c.i !== frame.length) return null;
  // Same checks, same order, same outcomes as the JSON path.
  if (!symbols.has(symbol)) return null;
  if (!Number.isSafeInteger(id)) return null;
  if (time < minTime || time > now + maxFutureMs) return null;
  if (!(price > 0) || !(qty > 0)) return null;
  const trade = {id, time, price, qty, isBuyerMaker, eventTime, receiveTime: wallClock(receivedAt)};
  return {type: "trade", symbol, trade, receivedAt};
}

/**
 * The strings `Cursor.open` matches for one event type, made once: built per frame (template
 * literals), they cost a concatenation and a flattening per trade, ~6 % of a frame's parse.
 */
export interface EventHead {
  /** How a raw (uncombined) frame starts: `{"e":"<event>"`. */
  readonly raw: string;
  /** The event and the event-time key: `"e":"<event>","E":`. */
  readonly key: string;
}

export const eventHead = (event: string): EventHead => ({raw: `{"e":"${event}"`, key: `"e":"${event}","E":`});

const tradeHead = eventHead("trade");

/** A reading position in a frame; one shared instance, so the hot path allocates no closures. */
class Cursor {
  s = "";
  i = 0;

  /**
   * Starts reading `frame`, combined (`{"stream":"…","data":{…}}`) or raw, up to and including
   * `"e":"<event>","E":`; returns the closing the frame must end with, or null for another shape.
   */
  open(frame: string, event: EventHead): string | null {
    this.s = frame;
    let end: string;
    if (frame.startsWith('{"stream":"')) {
      const j = frame.indexOf('","data":{', 11);
      if (j < 0 || frame.indexOf('"', 11) !== j || frame.lastIndexOf("\\", j) > 10) return null;
      ((this.i = j + 10), (end = "}}"));
    } else if (frame.startsWith(event.raw)) ((this.i = 1), (end = "}"));
    else return null;
    return this.literal(event.key) ? end : null;
  }

  /** A string value up to its closing quote (left unread), or null when it has an escape or no end. */
  symbol(): string | null {
    const close = this.s.indexOf('"', this.i);
    if (close < 0) return null;
    const text = this.s.slice(this.i, close);
    if (text.includes("\\")) return null;
    this.i = close;
    return text;
  }

  literal(text: string): boolean {
    if (!this.s.startsWith(text, this.i)) return false;
    this.i += text.length;
    return true;
  }

  /**
   * Digits without a leading zero (JSON), at most 16 of them; NaN otherwise. Summed digit by digit
   * (no substring to parse): exact up to 15 digits; 16 go through Number() for its rounding.
   */
  integer(): number {
    const {s} = this,
      start = this.i;
    let i = start,
      value = 0;
    for (let ch = s.charCodeAt(i); ch >= zero && ch <= nine; ch = s.charCodeAt(++i)) value = value * 10 + (ch - zero);
    this.i = i;
    const digits = i - start;
    if (digits === 0 || digits > 16 || (digits > 1 && s.charCodeAt(start) === zero)) return NaN;
    return digits < 16 ? value : Number(s.slice(start, i));
  }

  /**
   * digits(.digits)? up to the closing quote, as /^\d+(\.\d+)?$/; NaN otherwise. With at most 15
   * digits in all (Binance's "43000.12000000" has 13) the value is the integer of its digits divided by
   * a power of ten: both exact doubles, so the one division rounds correctly, to what Number() gives
   * (the same fast path V8 takes), without a substring per price. Longer ones go through Number().
   */
  decimal(): number {
    const {s} = this,
      start = this.i;
    let i = start,
      dots = 0,
      point = 0,
      units = 0;
    for (; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch === quote) break;
      if (ch === dot) (dots++, (point = i));
      else if (ch < zero || ch > nine) return ((this.i = i), NaN);
      else units = units * 10 + (ch - zero);
    }
    this.i = i;
    if (i === start || dots > 1 || s.charCodeAt(start) === dot || s.charCodeAt(i - 1) === dot) return NaN;
    if (i - start - dots > 15) return Number(s.slice(start, i));
    return dots === 0 ? units : units / powersOfTen[i - point - 1];
  }

  bool(): boolean | undefined {
    return this.literal("true") ? true : this.literal("false") ? false : undefined;
  }
}

/** The one reading position of the fast paths (this file's and usdmMessages.ts's). */
export const cursor = new Cursor();

export function reject(reason: string, frame: string): {readonly type: "rejected"; readonly reason: string; readonly frame: string} {
  return {type: "rejected", reason, frame: frame.length > 200 ? `${frame.slice(0, 200)}…` : frame};
}

/** Combined-stream path for the trade streams of `symbols`: `/stream?streams=btcusdt@trade/…`. */
export function tradeStreamPath(symbols: readonly string[]): string {
  return `/stream?streams=${symbols.map((s) => `${s.toLowerCase()}@trade`).join("/")}`;
}
