import {writeTextFrameHeader} from "./frames.js";

/**
 * The trade messages of one tick, in send order: symbol index, trade id and the bytes of the raw
 * payload (the `data` of a combined-stream message), all payloads in one growing buffer. Trades are
 * written digit by digit straight into that buffer: at 200 000 trades/s, turning five large numbers
 * a trade into strings first would cost more than everything else the simulator does. Reused from
 * tick to tick.
 *
 * Given the combined-stream envelopes, each payload is written inside its whole WebSocket frame
 * (header, envelope, payload, `}`), so that the tick's frames for a combined client of every symbol
 * are `wire()` as they stand, with no copy: copying ~200 bytes a trade into a client's buffer took a
 * third of the simulator's main thread at 200,000 trades/s (bench:record --usdm, CPU profile).
 */
export class Outbound {
  length = 0;
  readonly symbol: number[] = [];
  readonly id: number[] = [];
  /** Payload i is bytes[start[i], end[i]). ASCII only. */
  readonly start: number[] = [];
  readonly end: number[] = [];
  bytes = Buffer.allocUnsafe(1 << 16);
  private offset = 0;
  /** Whether `wire` gave this tick's buffer away (the next tick takes a new one). */
  private handedOver = false;
  private readonly symbols: Uint8Array[];
  /** The combined-stream envelope head per instrument, when payloads are written inside frames. */
  private readonly envelopes: readonly Uint8Array[] | undefined;
  // Event and trade times repeat from trade to trade (one E per tick, hundreds of trades a ms at full
  // speed): their digits are written once and copied.
  private readonly eventTimeDigits = new Digits();
  private readonly timeDigits = new Digits();

  /**
   * `symbols`: the instruments' symbols, by index; `envelopes`: their combined-stream envelope heads
   * (`{"stream":"<stream>","data":`), to write each payload inside its frame (see `wire`).
   */
  constructor(symbols: readonly string[], envelopes?: readonly Uint8Array[]) {
    this.symbols = symbols.map(ascii);
    this.envelopes = envelopes;
  }

  /** Whether the payloads are written inside their combined-stream frames, so `wire` can be used. */
  get framed(): boolean {
    return this.envelopes !== undefined;
  }

  clear(): void {
    this.length = 0;
    this.offset = 0;
    if (this.handedOver) ((this.bytes = Buffer.allocUnsafe(this.bytes.length)), (this.handedOver = false));
  }

  /**
   * The tick's combined-stream frames, every message of every symbol, as written (`framed` only).
   * The bytes are handed over: the next tick writes into a new buffer, so a socket still holding
   * them is never overwritten.
   */
  wire(): Buffer {
    if (!this.envelopes) throw new Error("Outbound.wire: the payloads were not written inside frames");
    this.handedOver = true;
    return this.bytes.subarray(0, this.offset);
  }

  /** Appends Binance's `<symbol>@trade` payload, keys in Binance's order; price and qty in 1e-8 units. */
  pushTrade(k: number, eventTime: number, id: number, price: number, qty: number, time: number, isBuyerMaker: boolean): void {
    let o = this.writeHead(head, eventTime, k, beforeId, id, price, qty);
    const b = this.bytes;
    o = copy(b, o, beforeTime);
    o = this.timeDigits.write(b, o, time);
    o = copy(b, o, isBuyerMaker ? tailMaker : tailTaker);
    this.commit(k, id, o);
  }

  /**
   * Appends Binance USD-M's `<symbol>@aggTrade` payload (`a` the aggregate id, `f`..`l` its trade ids;
   * `nq`, the quantity without RPI orders, equal to `q`; no `M`), keys in Binance's order.
   */
  pushAggTrade(
    k: number,
    eventTime: number,
    id: number,
    price: number,
    qty: number,
    first: number,
    last: number,
    time: number,
    isBuyerMaker: boolean,
  ): void {
    let o = this.writeHead(aggHead, eventTime, k, beforeAggId, id, price, qty);
    const b = this.bytes;
    o = copy(b, o, beforeNormalQty);
    o = writeUnits(b, o, qty);
    o = copy(b, o, beforeFirst);
    o = writeInteger(b, o, first);
    o = copy(b, o, beforeLast);
    o = writeInteger(b, o, last);
    o = copy(b, o, beforeAggTime);
    o = this.timeDigits.write(b, o, time);
    o = copy(b, o, isBuyerMaker ? aggTailMaker : aggTailTaker);
    this.commit(k, id, o);
  }

  /** Makes room for one payload and writes its common head, `{"e":…,"E":…,"s":…,"t|a":…,"p":…,"q":…"`; returns the offset after it. */
  private writeHead(event: Uint8Array, eventTime: number, k: number, idKey: Uint8Array, id: number, price: number, qty: number): number {
    const symbol = this.symbols[k],
      envelope = this.envelopes?.[k];
    this.reserve(symbol.length + 220 + (envelope ? envelope.length + 5 : 0));
    const b = this.bytes;
    // Framed: room for a 4-byte header (messages are 126..65535 bytes long; `commit` moves a shorter
    // one to a 2-byte header) and the envelope before the payload; `commit` writes the header and the closing brace once the payload's length is known.
    const start = envelope ? copy(b, this.offset + 4, envelope) : this.offset;
    let o = copy(b, start, event);
    o = this.eventTimeDigits.write(b, o, eventTime);
    o = copy(b, o, beforeSymbol);
    o = copy(b, o, symbol);
    o = copy(b, o, idKey);
    o = writeInteger(b, o, id);
    o = copy(b, o, beforePrice);
    o = writeUnits(b, o, price);
    o = copy(b, o, beforeQty);
    return writeUnits(b, o, qty);
  }

  private commit(k: number, id: number, end: number): void {
    const i = this.length++;
    const envelope = this.envelopes?.[k];
    this.symbol[i] = k;
    this.id[i] = id;
    this.start[i] = envelope ? this.offset + 4 + envelope.length : this.offset;
    this.end[i] = end;
    if (envelope) {
      const b = this.bytes;
      b[end++] = 0x7d; // "}"
      const length = end - (this.offset + 4);
      if (length < 126) {
        // A short message takes a 2-byte header (RFC 6455 §5.2: the minimal length encoding).
        b.copyWithin(this.offset + 2, this.offset + 4, end);
        ((this.start[i] -= 2), (this.end[i] -= 2), (end -= 2));
      }
      writeTextFrameHeader(b, this.offset, length);
    }
    this.offset = end;
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.offset + bytes));
    this.bytes.copy(grown, 0, 0, this.offset);
    this.bytes = grown;
  }
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const head = ascii('{"e":"trade","E":'),
  beforeSymbol = ascii(',"s":"'),
  beforeId = ascii('","t":'),
  beforePrice = ascii(',"p":"');
const beforeQty = ascii('","q":"'),
  beforeTime = ascii('","T":'),
  tailMaker = ascii(',"m":true,"M":true}'),
  tailTaker = ascii(',"m":false,"M":true}');
const aggHead = ascii('{"e":"aggTrade","E":'),
  beforeAggId = ascii('","a":'),
  beforeNormalQty = ascii('","nq":"'),
  beforeFirst = ascii('","f":'),
  beforeLast = ascii(',"l":'),
  beforeAggTime = ascii(',"T":'),
  aggTailMaker = ascii(',"m":true}'),
  aggTailTaker = ascii(',"m":false}');

// A plain loop beats TypedArray.set's call overhead for these few bytes.
function copy(buffer: Buffer, offset: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ++i) buffer[offset + i] = bytes[i];
  return offset + bytes.length;
}

/** The digits of the last integer written, reused while it repeats. */
class Digits {
  private value = NaN;
  private readonly digits = Buffer.alloc(20);
  private length = 0;
  write(buffer: Buffer, offset: number, n: number): number {
    if (n !== this.value) ((this.value = n), (this.length = writeInteger(this.digits, 0, n)));
    const digits = this.digits;
    for (let i = 0; i < this.length; ++i) buffer[offset + i] = digits[i];
    return offset + this.length;
  }
}

/** Writes the decimal digits of a non-negative safe integer at `offset`; returns the offset after them. */
export function writeInteger(buffer: Buffer, offset: number, n: number): number {
  if (n >= 1e8) {
    const high = Math.floor(n / 1e8);
    return writePadded(buffer, writeInteger(buffer, offset, high), n - high * 1e8, 8);
  }
  let digits = 1;
  for (let m = n; m >= 10; m = (m / 10) | 0) ++digits;
  return writePadded(buffer, offset, n, digits);
}

/** 1e-8 units as Binance's 8-decimal string (4300012000000 → "43000.12000000"), like decimal.ts's formatUnits. */
export function writeUnits(buffer: Buffer, offset: number, units: number): number {
  const whole = Math.floor(units / 1e8);
  offset = writeInteger(buffer, offset, whole);
  buffer[offset] = 0x2e; // "."
  return writePadded(buffer, offset + 1, units - whole * 1e8, 8);
}

// n < 1e8, so int32 arithmetic is exact.
function writePadded(buffer: Buffer, offset: number, n: number, width: number): number {
  for (let i = offset + width - 1; i >= offset; --i) {
    buffer[i] = 48 + (n % 10);
    n = (n / 10) | 0;
  }
  return offset + width;
}
