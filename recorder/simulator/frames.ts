/**
 * WebSocket frames written by hand for the hot path: the trade stream sends one text message per
 * trade (as Binance does) but hands the kernel one buffer per client per tick. Server frames are
 * unmasked (RFC 6455 §5.1), so a frame is a 2-, 4- or 10-byte header followed by the payload.
 * Frames are built as latin1 strings (one char per byte): the payload must be ASCII, which trade
 * JSON always is (digits, symbols [A-Z0-9], fixed keys).
 */

/** One final text frame holding `payload` (ASCII), as a latin1 string. O(1) besides the concatenation. */
export function textFrame(payload: string): string {
  const n = payload.length;
  if (n < 126) return String.fromCharCode(0x81, n) + payload;
  if (n < 65536) return String.fromCharCode(0x81, 126, n >>> 8, n & 255) + payload;
  return String.fromCharCode(0x81, 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255) + payload;
}

/** Whether `text` is plain ASCII, so that textFrame may carry it. */
export function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/** The bytes to write for a string of frames made by textFrame. */
export function frameBytes(frames: string): Buffer {
  return Buffer.from(frames, "latin1");
}
