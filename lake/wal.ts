// The write-ahead log: every accepted trade is appended to its symbol's open segment
// (`<lake>/wal/<SYMBOL>/<seq>.csv`, one `id,time,price,qty,buyerMaker` line per trade) and fsynced
// within `syncMs`; a publish turns closed segments into Parquet and deletes them. After a crash the
// segments still on disk are published on the next start, so an accepted trade is never lost.
import {mkdir, open, readdir, readFile, truncate, type FileHandle} from "node:fs/promises";
import {join} from "node:path";
import type {Trade} from "../src/lib/bars.js";

export function walDir(lake: string, symbol: string): string {
  return join(lake, "wal", symbol);
}

/** The line a trade takes in a segment; numbers print in their shortest round-trip form. */
export function walLine(t: Trade): string {
  return `${t.id},${t.time},${t.price},${t.qty},${t.isBuyerMaker ? 1 : 0}\n`;
}

/** Column definition for DuckDB's read_csv over a segment. */
export const walColumns = "{'id': 'BIGINT', 'time': 'BIGINT', 'price': 'DOUBLE', 'qty': 'DOUBLE', 'maker': 'BOOLEAN'}";

/**
 * DuckDB's read_csv over a segment. A line is under 100 bytes, so a 2 MiB read buffer (the default is
 * 32 MiB, and DuckDB keeps several) does: publishing a million-line segment then takes ~30 MB, not ~110.
 */
export function walSource(quotedPath: string): string {
  return `read_csv(${quotedPath}, header = false, auto_detect = false, buffer_size = 2097152, max_line_size = 1024, columns = ${walColumns})`;
}

/**
 * One symbol's open segment. Lines are copied into a byte buffer as they arrive, then written and
 * fsynced by `sync`. Bytes, not an array of strings: at 100k trades/s the strings would live past a
 * young-generation collection and pile up in V8's old space until a full GC.
 */
export class WalSegment {
  private buffer = Buffer.allocUnsafe(1 << 16);
  /** The buffer a sync in progress is writing; reused by the next one. */
  private spare = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private bufferedRows = 0;
  private writingRows = 0;
  rows = 0;

  private constructor(readonly path: string, private readonly handle: FileHandle) {}

  static async create(dir: string, seq: number): Promise<WalSegment> {
    await mkdir(dir, {recursive: true});
    const path = join(dir, `${String(seq).padStart(12, "0")}.csv`);
    return new WalSegment(path, await open(path, "a"));
  }

  /** Lines appended but not yet fsynced (a sync in progress counts until it is done). */
  get unsynced(): number {
    return this.bufferedRows + this.writingRows;
  }

  /** Appends one line (ASCII, as `walLine` makes). */
  append(line: string): void {
    if (this.used + line.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + line.length));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    this.used += this.buffer.write(line, this.used, "latin1");
    this.bufferedRows++;
    this.rows++;
  }

  /** Writes buffered lines and fsyncs them: after this resolves they survive a crash. Callers serialise syncs. */
  async sync(): Promise<void> {
    if (this.used === 0 && this.writingRows === 0) return;
    const full = this.buffer, bytes = this.used;
    this.buffer = this.spare; // appends during the write go to the other buffer (it grows as needed)
    this.used = 0;
    // Rows of a failed sync stay counted here until a later sync succeeds.
    this.writingRows += this.bufferedRows;
    this.bufferedRows = 0;
    let offset = 0;
    try {
      while (offset < bytes) offset += (await this.handle.write(full, offset, bytes - offset)).bytesWritten;
      await this.handle.datasync();
    } catch (error) {
      // Keep what was not written, in front of what arrived meanwhile, so the next sync writes it;
      // what was written is not written twice (the next sync's fsync covers it).
      const rest = bytes - offset, merged = Buffer.allocUnsafe(Math.max(full.length, rest + this.used));
      full.copy(merged, 0, offset, bytes);
      this.buffer.copy(merged, rest, 0, this.used);
      this.buffer = merged;
      this.used += rest;
      throw error;
    }
    this.writingRows = 0;
    this.spare = full;
  }

  async close(): Promise<void> {
    await this.sync();
    await this.handle.close();
  }
}

/** Segments left on disk (sorted, oldest first), e.g. by a crash; a torn last line is cut off. */
export async function leftoverSegments(lake: string, symbol: string): Promise<string[]> {
  const dir = walDir(lake, symbol);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^\d{12}\.csv$/.test(n)).sort();
  } catch {
    return [];
  }
  const paths = names.map((n) => join(dir, n));
  for (const path of paths) {
    const text = await readFile(path, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
  }
  return paths;
}

/** Next segment number after the leftovers. */
export function nextSeq(leftovers: readonly string[]): number {
  const last = leftovers[leftovers.length - 1];
  return last ? Number(last.slice(-16, -4)) + 1 : 1;
}
