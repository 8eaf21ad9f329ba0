/**
 * WebSocket frame headers written by hand for the hot path: the trade stream sends one text message
 * per trade (as Binance does) but hands the kernel one buffer per client per tick. Server frames are
 * unmasked (RFC 6455 §5.1), so a frame is a 2-, 4- or 10-byte header followed by the payload.
 */

/** Bytes of the header of a frame carrying `length` payload bytes. */
export function frameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes the header of a final text frame of `length` bytes at `offset`; returns the offset after it. */
export function writeTextFrameHeader(buffer: Buffer, offset: number, length: number): number {
  buffer[offset] = 0x81; // FIN + text
  if (length < 126) {
    buffer[offset + 1] = length;
    return offset + 2;
  }
  if (length < 65536) {
    buffer[offset + 1] = 126;
    buffer.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  buffer[offset + 1] = 127;
  buffer.writeUInt32BE(0, offset + 2);
  buffer.writeUInt32BE(length, offset + 6);
  return offset + 10;
}
