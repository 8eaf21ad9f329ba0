// The decimated series a canvas chart drew lately, kept by what they were computed from: the write
// stamps of the buffers under x and y (../lib/stream/writeStamps.ts: a stamp names their contents),
// the rows, and the axis (its domain and pixels per ms). A hedge switched back (the stream takes that
// hedge's buffers again, unwritten) or a series a redraw leaves as it was then costs no decimation; a
// written buffer has a new stamp, so a stale series is never drawn. Unstamped arrays are not kept.
import {writeStamp} from "../lib/stream/writeStamps.js";
import {type Decimated, decimateColumns} from "./decimate.js";

/** What a decimation is of: the rows' contents (their buffer's stamp), where they start in it, how many. */
interface Source {
  offset: number;
  rows: number;
  stamp: number;
}

/** An array's source, or null when it has no stamp (then nothing is kept for it). */
function sourceOf(v: ArrayLike<number>): Source | null {
  const stamp = writeStamp(v);
  if (stamp === undefined || !ArrayBuffer.isView(v)) return null;
  return {offset: v.byteOffset, rows: v.length, stamp};
}

function same(p: Source, q: Source): boolean {
  return p.offset === q.offset && p.rows === q.rows && p.stamp === q.stamp;
}

interface Entry {
  x: Source;
  y: Source;
  axis: string;
  result: Decimated;
}

/**
 * The last `limit` decimations (x, y) over an axis, the least recently used dropped: `decimate`
 * returns the one it holds, else decimates over `columns()` (the axis' pixel columns of x, as
 * ./decimate.ts `axisColumns` makes them) and keeps the result. O(limit) a lookup.
 *
 *   const cache = new DecimationCache(16);  cache.decimate(time, spread, axis, () => axisColumns(time, t0, perMs));
 */
export class DecimationCache {
  private entries: Entry[] = [];

  constructor(private readonly limit = 16) {}

  /** `axis` names the columns `columns` gives (the axis' domain and scale, the rows decimated). */
  decimate(x: ArrayLike<number>, y: ArrayLike<number>, axis: string, columns: () => Int32Array): Decimated {
    const sx = sourceOf(x),
      sy = sourceOf(y);
    if (!sx || !sy) return decimateColumns(x, y, columns());
    const i = this.entries.findIndex((e) => e.axis === axis && same(e.y, sy) && same(e.x, sx));
    if (i >= 0) {
      const [hit] = this.entries.splice(i, 1);
      this.entries.push(hit); // the most recently used last
      return hit.result;
    }
    const result = decimateColumns(x, y, columns());
    this.entries.push({x: sx, y: sy, axis, result});
    if (this.entries.length > this.limit) this.entries.shift();
    return result;
  }
}
