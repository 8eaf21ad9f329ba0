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

/** One symbol's open segment: lines are buffered, then written and fsynced by `sync`. */
export class WalSegment {
  private pending: string[] = [];
  rows = 0;

  private constructor(readonly path: string, private readonly handle: FileHandle) {}

  static async create(dir: string, seq: number): Promise<WalSegment> {
    await mkdir(dir, {recursive: true});
    const path = join(dir, `${String(seq).padStart(12, "0")}.csv`);
    return new WalSegment(path, await open(path, "a"));
  }

  /** Lines appended but not yet written and fsynced. */
  get unsynced(): number {
    return this.pending.length;
  }

  append(line: string): void {
    this.pending.push(line);
    this.rows++;
  }

  /** Writes buffered lines and fsyncs them: after this resolves they survive a crash. */
  async sync(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    await this.handle.write(text);
    await this.handle.datasync();
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
