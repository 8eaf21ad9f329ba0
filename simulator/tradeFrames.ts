// The bytes a stream client gets for one tick: each trade message of its subscribed symbols as a
// WebSocket text frame, bare or wrapped in the combined-stream envelope, all in one buffer (one
// socket write per client), built once per distinct subscription shape; for a combined client of
// every symbol, the frames the Outbound wrote (Outbound.wire).
import {frameHeaderLength, writeTextFrameHeader} from "./frames.js";
import type {Outbound} from "./outbound.js";

/** A client's frames for one tick, with the instrument index and trade id of each message. */
export interface TradeFrames {
  readonly bytes: Buffer;
  readonly symbol: number[];
  readonly id: number[];
  /** Whether `bytes` are the Outbound's own (Outbound.wire), to give back with Outbound.recycle once written. */
  readonly wire?: boolean;
}

/** `{"stream":"<stream>","data":` for each trade stream name: the head of a combined-stream message. */
export function streamEnvelopes(streamNames: readonly string[]): Buffer[] {
  return streamNames.map((s) => Buffer.from(`{"stream":"${s}","data":`, "latin1"));
}

/**
 * The frames of `out` for a client that `wants` (1 per instrument index) those instruments, wrapped
 * in `envelopes` when `combined`.
 */
export function tradeFrames(out: Outbound, wants: Uint8Array, combined: boolean, envelopes: readonly Buffer[]): TradeFrames {
  // A combined client of every symbol (the recorder's shape) gets the frames as the Outbound wrote them.
  if (combined && out.framed && wants.every((w) => w === 1))
    return {bytes: out.wire(), symbol: out.symbol.slice(0, out.length), id: out.id.slice(0, out.length), wire: true};
  const symbol: number[] = [],
    id: number[] = [];
  let size = 0;
  for (let i = 0; i < out.length; ++i) {
    const k = out.symbol[i];
    if (wants[k] === 0) continue;
    const length = out.end[i] - out.start[i] + (combined ? envelopes[k].length + 1 : 0);
    size += frameHeaderLength(length) + length;
    (symbol.push(k), id.push(out.id[i]));
  }
  const bytes = Buffer.allocUnsafe(size),
    source = out.bytes;
  let o = 0;
  // Byte loops, not Buffer#copy: for slices of ~100 bytes its per-call cost (a view made per copy) took
  // a third of the simulator's main thread at 200,000 trades/s (bench:record --usdm, CPU profile).
  for (let i = 0; i < out.length; ++i) {
    const k = out.symbol[i];
    if (wants[k] === 0) continue;
    const start = out.start[i],
      end = out.end[i];
    if (combined) {
      const envelope = envelopes[k];
      o = writeTextFrameHeader(bytes, o, end - start + envelope.length + 1);
      for (let j = 0; j < envelope.length; ++j) bytes[o++] = envelope[j];
      for (let j = start; j < end; ++j) bytes[o++] = source[j];
      bytes[o++] = 0x7d; // "}"
    } else {
      o = writeTextFrameHeader(bytes, o, end - start);
      for (let j = start; j < end; ++j) bytes[o++] = source[j];
    }
  }
  return {bytes, symbol, id};
}
