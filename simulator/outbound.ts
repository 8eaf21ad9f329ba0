import {copy, Digits, writeInteger, writeUnits} from "./digits.js";
import {writeTextFrameHeader} from "./frames.js";

/**
 * The trade messages of one tick, in send order: symbol index, trade id and the bytes of the raw
 * payload (the `data` of a combined-stream message), all payloads in one growing buffer. Trades are
 * written digit by digit straight into that buffer (simulator/digits.ts). Reused from tick to tick.
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
  bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  private offset = 0;
  /** Whether `wire` gave this tick's buffer away (the next tick takes one from `spare` or a new one). */
  private handedOver = false;
  /** Buffers given back by `recycle` once every socket write of them completed. */
  private readonly spare: Buffer[] = [];
  /** Per instrument, the bytes every message of it starts with this tick (see Prefix). */
  private readonly tradePrefixes: Prefix[];
  private readonly aggPrefixes: Prefix[];
  private readonly framedMode: boolean;
  private readonly timeDigits = new Digits();

  /**
   * `symbols`: the instruments' symbols, by index; `envelopes`: their combined-stream envelope heads
   * (`{"stream":"<stream>","data":`), to write each payload inside its frame (see `wire`).
   */
  constructor(symbols: readonly string[], envelopes?: readonly Uint8Array[]) {
    this.framedMode = envelopes !== undefined;
    const none = new Uint8Array(0);
    this.tradePrefixes = symbols.map((s, k) => new Prefix(envelopes?.[k] ?? none, head, ascii(s), beforeId));
    this.aggPrefixes = symbols.map((s, k) => new Prefix(envelopes?.[k] ?? none, aggHead, ascii(s), beforeAggId));
  }

  /** Whether the payloads are written inside their combined-stream frames, so `wire` can be used. */
  get framed(): boolean {
    return this.framedMode;
  }

  clear(): void {
    this.length = 0;
    this.offset = 0;
    if (this.handedOver) {
      const size = this.bytes.length;
      let next = this.spare.pop();
      while (next !== undefined && next.length < size) next = this.spare.pop(); // outgrown: left to the GC
      ((this.bytes = next ?? Buffer.allocUnsafe(size)), (this.handedOver = false));
    }
  }

  /**
   * The tick's combined-stream frames, every message of every symbol, as written (`framed` only).
   * The bytes are handed over: the next tick writes into another buffer, so a socket still holding
   * them is never overwritten; give them back with `recycle` once no socket holds them any more.
   */
  wire(): Buffer {
    if (!this.framedMode) throw new Error("Outbound.wire: the payloads were not written inside frames");
    this.handedOver = true;
    return this.bytes.subarray(0, this.offset);
  }

  /**
   * Gives back bytes `wire` returned, once every socket write of them completed, for a later tick to
   * write into. Without it each tick took a fresh megabyte at 200,000 trades/s: page faults to fill it
   * and V8 collections triggered by the external memory, a fifth of the simulator's CPU (bench:record
   * --usdm, CPU profile). At most two are kept.
   */
  recycle(wire: Buffer): void {
    // Still this tick's buffer (the writes completed before the next tick): the next one writes over it.
    if (wire.buffer === this.bytes.buffer) this.handedOver = false;
    else if (this.spare.length < 2) this.spare.push(Buffer.from(wire.buffer, wire.byteOffset, wire.buffer.byteLength - wire.byteOffset));
  }

  /** Appends Binance's `<symbol>@trade` payload, keys in Binance's order; price and qty in 1e-8 units. */
  pushTrade(k: number, eventTime: number, id: number, price: number, qty: number, time: number, isBuyerMaker: boolean): void {
    let o = this.writeHead(this.tradePrefixes[k], eventTime, id, price);
    const b = this.bytes;
    o = writeUnits(b, o, qty);
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
    const q = this.writeHead(this.aggPrefixes[k], eventTime, id, price);
    const b = this.bytes;
    let o = writeUnits(b, q, qty);
    const qEnd = o;
    o = copy(b, o, beforeNormalQty);
    o = copy(b, o, b, q, qEnd); // nq: the same digits as q
    o = copy(b, o, beforeFirst);
    o = writeInteger(b, o, first);
    o = copy(b, o, beforeLast);
    o = writeInteger(b, o, last);
    o = copy(b, o, beforeAggTime);
    o = this.timeDigits.write(b, o, time);
    o = copy(b, o, isBuyerMaker ? aggTailMaker : aggTailTaker);
    this.commit(k, id, o);
  }

  /**
   * Makes room for one payload and writes its head, `{"e":…,"E":…,"s":…,"t|a":…,"p":"…","q":"`
   * (behind the envelope when framed); returns the offset after it.
   */
  private writeHead(prefix: Prefix, eventTime: number, id: number, price: number): number {
    this.reserve(prefix.maxLength + 200);
    const b = this.bytes;
    // Framed: room for a 4-byte header (messages are 126..65535 bytes long; `commit` moves a shorter
    // one to a 2-byte header) before the envelope; `commit` writes the header and the closing brace once the payload's length is known.
    const bytes = prefix.bytes(eventTime);
    let o = this.framedMode ? this.offset + 4 : this.offset;
    b.set(bytes, o); // one native copy: twice as fast as a byte loop for the ~70 bytes
    o += bytes.length;
    o = writeInteger(b, o, id);
    o = copy(b, o, beforePrice);
    o = writeUnits(b, o, price);
    return copy(b, o, beforeQty);
  }

  private commit(k: number, id: number, end: number): void {
    const i = this.length++;
    this.symbol[i] = k;
    this.id[i] = id;
    if (this.framedMode) {
      const envelopeLength = this.tradePrefixes[k].envelopeLength;
      this.start[i] = this.offset + 4 + envelopeLength;
      this.end[i] = end;
      const b = this.bytes;
      b[end++] = 0x7d; // "}"
      const length = end - (this.offset + 4);
      if (length < 126) {
        // A short message takes a 2-byte header (RFC 6455 §5.2: the minimal length encoding).
        b.copyWithin(this.offset + 2, this.offset + 4, end);
        ((this.start[i] -= 2), (this.end[i] -= 2), (end -= 2));
      }
      writeTextFrameHeader(b, this.offset, length);
    } else ((this.start[i] = this.offset), (this.end[i] = end));
    this.offset = end;
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.offset + bytes));
    this.bytes.copy(grown, 0, 0, this.offset);
    this.bytes = grown;
  }
}

/**
 * What every message of one instrument starts with while the event time stays the same (a whole tick):
 * envelope (when framed), `{"e":"<event>","E":<event time>,"s":"<symbol>","<id key>":`. Copied in one
 * loop per message, and rebuilt when the event time changes.
 */
class Prefix {
  readonly maxLength: number;
  readonly envelopeLength: number;
  private eventTime = NaN;
  private view: Uint8Array = new Uint8Array(0);
  private readonly buffer: Uint8Array;
  private readonly timeAt: number;
  private readonly symbol: Uint8Array;

  constructor(
    envelope: Uint8Array,
    event: Uint8Array,
    symbol: Uint8Array,
    private readonly after: Uint8Array,
  ) {
    this.envelopeLength = envelope.length;
    this.maxLength = envelope.length + event.length + 20 + beforeSymbol.length + symbol.length + after.length;
    this.buffer = new Uint8Array(this.maxLength);
    this.timeAt = copy(this.buffer, copy(this.buffer, 0, envelope), event);
    this.symbol = symbol;
  }

  /** The prefix's bytes for `eventTime`. */
  bytes(eventTime: number): Uint8Array {
    if (eventTime !== this.eventTime) {
      const b = this.buffer;
      let o = writeInteger(b, this.timeAt, eventTime);
      o = copy(b, o, beforeSymbol);
      o = copy(b, o, this.symbol);
      this.view = b.subarray(0, copy(b, o, this.after));
      this.eventTime = eventTime;
    }
    return this.view;
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
