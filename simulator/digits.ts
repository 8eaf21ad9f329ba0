/**
 * Decimal digits written straight into a byte buffer, for the simulator's hot path (simulator/outbound.ts):
 * at 200,000 trades/s, five large numbers a trade turned into strings first would cost more than
 * everything else the simulator does. Two digits per step from a table of "00"…"99", dividing by
 * 100 in int32 arithmetic (exact below 2^31): about half the steps, and none of the divisions by 10 of
 * a digit-by-digit loop.
 */

/** "00", "01", …, "99" as ASCII, two bytes each. */
const pairs = Uint8Array.from({length: 200}, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor(i / 20)));

/** Writes the decimal digits of a non-negative safe integer at `offset`; returns the offset after them. */
export function writeInteger(buffer: Uint8Array, offset: number, n: number): number {
  if (n < 1e8) return writeSmall(buffer, offset, n);
  const high = Math.floor(n / 1e8);
  return writeEight(buffer, writeInteger(buffer, offset, high), n - high * 1e8);
}

/** 1e-8 units as Binance's 8-decimal string (4300012000000 → "43000.12000000"), like decimal.ts's formatUnits. */
export function writeUnits(buffer: Uint8Array, offset: number, units: number): number {
  const whole = Math.floor(units / 1e8);
  offset = writeInteger(buffer, offset, whole);
  buffer[offset] = 0x2e; // "."
  return writeEight(buffer, offset + 1, units - whole * 1e8);
}

/** Copies `bytes` to `offset`; returns the offset after them. A plain loop beats TypedArray#set's call overhead for a few dozen bytes. */
export function copy(buffer: Uint8Array, offset: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  for (let i = start; i < end; ++i) buffer[offset++] = bytes[i];
  return offset;
}

/**
 * The digits of the last integer written, reused while it repeats: event and trade times repeat from
 * trade to trade (one E per tick, hundreds of trades a millisecond at full speed).
 */
export class Digits {
  private value = NaN;
  private readonly digits = new Uint8Array(20);
  private length = 0;

  write(buffer: Uint8Array, offset: number, n: number): number {
    if (n !== this.value) ((this.value = n), (this.length = writeInteger(this.digits, 0, n)));
    return copy(buffer, offset, this.digits, 0, this.length);
  }
}

// n < 1e8: int32 arithmetic is exact.
function writeSmall(buffer: Uint8Array, offset: number, n: number): number {
  const end = offset + (n < 1e4 ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e7 ? 7 : 8);
  let i = end;
  while (n >= 100) {
    const q = (n / 100) | 0,
      r = (n - q * 100) << 1;
    buffer[--i] = pairs[r + 1];
    buffer[--i] = pairs[r];
    n = q;
  }
  if (n >= 10) ((buffer[i - 1] = pairs[(n << 1) + 1]), (buffer[i - 2] = pairs[n << 1]));
  else buffer[i - 1] = 48 + n;
  return end;
}

// Exactly eight digits, zero-padded; n < 1e8.
function writeEight(buffer: Uint8Array, offset: number, n: number): number {
  for (let i = offset + 6; i >= offset; i -= 2) {
    const q = (n / 100) | 0,
      r = (n - q * 100) << 1;
    buffer[i + 1] = pairs[r + 1];
    buffer[i] = pairs[r];
    n = q;
  }
  return offset + 8;
}
