// A reading position in the bytes of one frame, for the trade parsers' fast paths (messages.ts,
// usdmMessages.ts): they read the frame as ws hands it over, a Buffer, and match the exact shape Binance
// sends. Any deviation makes a step fail and the caller falls back to JSON.parse of the decoded text,
// so the fast path never has to be lenient. Reading bytes instead of a decoded string saves the
// UTF-8 decoding and a ~200-byte string per frame (at 200,000 frames/s, 40 MB/s of garbage).

/** What `open` matches for one event type, as bytes, made once. */
export interface EventBytes {
  /** How a raw (uncombined) frame starts: `{"e":"<event>"`. */
  readonly raw: Uint8Array;
  /** The event and the event-time key: `"e":"<event>","E":`. */
  readonly key: Uint8Array;
}

export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

export const eventBytes = (event: string): EventBytes => ({raw: ascii(`{"e":"${event}"`), key: ascii(`"e":"${event}","E":`)});

/** 10^0 … 10^15, exact doubles. */
const powersOfTen = Array.from({length: 16}, (_, k) => 10 ** k);

const zero = 48,
  nine = 57,
  dot = 46,
  quote = 34,
  backslash = 92;
const streamHead = ascii('{"stream":"'),
  dataHead = ascii('","data":{'),
  trueBytes = ascii("true"),
  falseBytes = ascii("false");

/**
 * Plain symbols (BTCUSDT) by their bytes, so that a frame's `"s"` is matched without making a string.
 * Made once per set of symbols (`SymbolBytes.of`).
 */
export class SymbolBytes {
  private static readonly made = new WeakMap<ReadonlySet<string>, SymbolBytes>();
  /** Candidates by length and first and last byte. */
  private readonly byKey = new Map<number, {readonly bytes: Uint8Array; readonly name: string}[]>();

  private constructor(symbols: Iterable<string>) {
    for (const name of symbols) {
      // Only names JSON spells as they are (no escapes); any other takes the JSON path.
      if (!/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(name)) continue;
      const bytes = Buffer.from(name, "latin1");
      const key = SymbolBytes.key(bytes, 0, bytes.length);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), {bytes, name}]);
    }
  }

  /** The table of `symbols`, made on first use. */
  static of(symbols: ReadonlySet<string>): SymbolBytes {
    let table = SymbolBytes.made.get(symbols);
    if (!table) SymbolBytes.made.set(symbols, (table = new SymbolBytes(symbols)));
    return table;
  }

  private static key(b: Uint8Array, start: number, end: number): number {
    return (end - start) * 65536 + b[start] * 256 + b[end - 1];
  }

  /** The symbol spelt by b[start, end), or null. */
  find(b: Uint8Array, start: number, end: number): string | null {
    if (end <= start) return null;
    const candidates = this.byKey.get(SymbolBytes.key(b, start, end));
    if (candidates === undefined) return null;
    next: for (const {bytes, name} of candidates) {
      for (let i = 0; i < bytes.length; ++i) if (b[start + i] !== bytes[i]) continue next;
      return name;
    }
    return null;
  }
}

/** One shared instance (the parsers are synchronous), so the hot path allocates nothing. */
export class ByteCursor {
  b: Buffer = Buffer.alloc(0);
  i = 0;

  /**
   * Starts reading `frame`, combined (`{"stream":"…","data":{…}}`, the stream name printable ASCII
   * without quotes or backslashes) or raw, up to and including `"e":"<event>","E":`; returns the number
   * of closing braces the frame must end with (2 or 1), or 0 for another shape.
   */
  open(frame: Buffer, event: EventBytes): number {
    this.b = frame;
    this.i = 0;
    let closing: number;
    if (this.literal(streamHead)) {
      const b = frame;
      let j = this.i;
      for (; j < b.length; ++j) {
        const ch = b[j];
        if (ch === quote) break;
        if (ch < 0x20 || ch > 0x7e || ch === backslash) return 0;
      }
      this.i = j;
      if (!this.literal(dataHead)) return 0;
      closing = 2;
    } else if (this.literal(event.raw)) ((this.i = 1), (closing = 1));
    else return 0;
    return this.literal(event.key) ? closing : 0;
  }

  /** Whether the frame ends here with `closing` braces. */
  close(closing: number): boolean {
    const {b, i} = this;
    return i + closing === b.length && b[i] === 0x7d && (closing === 1 || b[i + 1] === 0x7d);
  }

  /** A string value (the cursor just past its opening quote) that is one of `symbols`; left before its closing quote. */
  symbol(symbols: SymbolBytes): string | null {
    const {b} = this,
      start = this.i;
    let close = start;
    while (close < b.length && b[close] !== quote) ++close;
    if (close === b.length) return null;
    this.i = close;
    return symbols.find(b, start, close);
  }

  literal(bytes: Uint8Array): boolean {
    const {b, i} = this;
    if (i + bytes.length > b.length) return false;
    for (let k = 0; k < bytes.length; ++k) if (b[i + k] !== bytes[k]) return false;
    this.i = i + bytes.length;
    return true;
  }

  /**
   * Digits without a leading zero (JSON), at most 16 of them; NaN otherwise. Summed digit by digit:
   * exact up to 2^53 (every partial sum is below the result); past it, Number() for its rounding.
   */
  integer(): number {
    const {b} = this,
      start = this.i;
    let i = start,
      value = 0;
    for (; i < b.length; ++i) {
      const ch = b[i];
      if (ch < zero || ch > nine) break;
      value = value * 10 + (ch - zero);
    }
    this.i = i;
    const digits = i - start;
    if (digits === 0 || digits > 16 || (digits > 1 && b[start] === zero)) return NaN;
    return value <= Number.MAX_SAFE_INTEGER ? value : Number(b.toString("latin1", start, i));
  }

  /**
   * digits(.digits)? up to the closing quote, as /^\d+(\.\d+)?$/; NaN otherwise. With at most 15
   * digits in all (Binance's "43000.12000000" has 13) the value is the integer of its digits divided by
   * a power of ten: both exact doubles, so the one division rounds correctly, to what Number() gives.
   * Longer ones go through Number().
   */
  decimal(): number {
    const {b} = this,
      start = this.i;
    let i = start,
      dots = 0,
      point = 0,
      units = 0;
    for (; i < b.length; i++) {
      const ch = b[i];
      if (ch === quote) break;
      if (ch === dot) (dots++, (point = i));
      else if (ch < zero || ch > nine) return ((this.i = i), NaN);
      else units = units * 10 + (ch - zero);
    }
    this.i = i;
    if (i === start || i === b.length || dots > 1 || b[start] === dot || b[i - 1] === dot) return NaN;
    if (i - start - dots > 15) return Number(b.toString("latin1", start, i));
    return dots === 0 ? units : units / powersOfTen[i - point - 1];
  }

  bool(): boolean | undefined {
    return this.literal(trueBytes) ? true : this.literal(falseBytes) ? false : undefined;
  }
}

/** The one reading position of the fast paths. */
export const byteCursor = new ByteCursor();
