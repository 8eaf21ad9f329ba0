// The write-ahead log: every accepted trade is appended to its symbol's open segment
// (`<lake>/wal/<SYMBOL>/<seq>.csv`, one `id,time,price,qty,buyerMaker,eventDelta,receiveDelta` line per
// trade; the last two are empty when unknown, and absent from lines written before lake format 2) and fsynced
// within `syncMs`; a publish turns closed segments into Parquet and deletes them. After a crash the
// segments still on disk are published on the next start (lake/recover.ts), so an accepted trade is never lost.
//
// Storage faults: lines a write could not take (ENOSPC, EROFS, EIO) stay in memory and are written
// by the next sync. A segment is trusted only after an fsync succeeded AND its path still leads to
// its file: writes to a file that was deleted (rm -rf of the lake) or moved succeed and are lost
// with it. Such a segment, or one whose fsync failed, is "broken" and is relocated: its bytes are
// read back through its still-open handle (an unlinked file stays readable while open) into a new
// file, recreating the folders. Its lines are kept that way until they are published.
import {mkdir, open, rm, stat, type FileHandle} from "node:fs/promises";
import {dirname} from "node:path";
import type {Trade} from "../src/lib/bars.js";
import {segmentPath} from "./layout.js";
import {fsync} from "./publish.js";
import {maxWalLineBytes, writeWalLine} from "./walLineBytes.js";

/**
 * A trade as the lake takes it: with the exchange's event time (`E` of the stream) and the local
 * wall-clock time its frame arrived, both ms since the UTC epoch, when known (not for REST backfills
 * or imports).
 */
export interface LakeTrade extends Trade {
  readonly eventTime?: number;
  readonly receiveTime?: number;
  /** A USD-M aggregate trade's first and last trade ids (`f`, `l`); its `id` is the aggregate id. */
  readonly firstId?: number;
  readonly lastId?: number;
}

/**
 * The line a trade takes in a segment; numbers print in their shortest round-trip form. The event and
 * receive times are written as ms after the trade time (a few digits, where the times themselves take
 * 13 each): at 100,000 trades/s the log is written and fsynced at ~7 MB/s instead of ~10.
 */
export function walLine(t: LakeTrade): string {
  const e = t.eventTime === undefined ? "" : t.eventTime - t.time,
    r = t.receiveTime === undefined ? "" : t.receiveTime - t.time;
  const line = `${t.id},${t.time},${t.price},${t.qty},${t.isBuyerMaker ? 1 : 0},${e},${r}`;
  return t.firstId === undefined ? `${line}\n` : `${line},${t.firstId},${t.lastId}\n`;
}

/**
 * Column definition for DuckDB's read_csv over a segment (see `walTimes` for the deltas). A USD-M
 * aggregate's line adds its first and last trade ids; shorter lines read them as null.
 */
export const walColumns =
  "{'id': 'BIGINT', 'time': 'BIGINT', 'price': 'DOUBLE', 'qty': 'DOUBLE', 'maker': 'BOOLEAN', 'event_delta': 'BIGINT', 'receive_delta': 'BIGINT', 'first_trade_id': 'BIGINT', 'last_trade_id': 'BIGINT'}";

/** SQL for the event and receive times of a segment's row, ms since the epoch (null when unknown). */
export const walTimes = {event: '"time" + event_delta', receive: '"time" + receive_delta'} as const;

/**
 * DuckDB's read_csv over a segment. A line is under 100 bytes, so a 2 MiB read buffer (the default is
 * 32 MiB, and DuckDB keeps several) does: publishing a million-line segment then takes ~30 MB, not ~110.
 * `null_padding`: a line of a log written before format 2 has five fields, a spot line seven; what they lack reads as null.
 */
export function walSource(quotedPath: string): string {
  return `read_csv(${quotedPath}, header = false, auto_detect = false, null_padding = true, buffer_size = 2097152, max_line_size = 1024, columns = ${walColumns})`;
}

/** A segment's line buffers start this large and double as needed. */
const initialBufferBytes = 1 << 16;
/**
 * After a sync, a buffer grown past this is dropped rather than kept for reuse: a stall (a slow fsync,
 * a burst after a reconnect) grows it to tens of MB, and kept, that peak stayed in memory for good.
 * Steady state at 200,000 trades/s is ~1 MB per symbol per sync, well under it.
 */
const maxKeptBufferBytes = 1 << 22;

/**
 * One symbol's segment. Lines are copied into a byte buffer as they arrive, then written and
 * fsynced by `sync`. Bytes, not an array of strings: at 100k trades/s the strings would live past a
 * young-generation collection and pile up in V8's old space until a full GC.
 */
export class WalSegment {
  private buffer = Buffer.allocUnsafe(initialBufferBytes);
  /** The buffer a sync in progress is writing; reused by the next one. */
  private spare = Buffer.allocUnsafe(initialBufferBytes);
  private used = 0;
  private bufferedRows = 0;
  private writingRows = 0;
  /** Bytes in the file (written; fsynced once `unsynced` is 0). */
  private written = 0;
  private removed = false;
  /** Closed for appends (rotated): once its lines are written, its buffers are let go. */
  private sealed = false;
  rows = 0;
  /** Why the file cannot be trusted (fsync failed, deleted, moved): `relocate` must copy it first. */
  broken: string | undefined;

  private constructor(
    public path: string,
    private handle: FileHandle,
    private ino: number,
    private dev: number,
  ) {}

  /** Creates segment number `seq` in `dir` (and the folders up to it). */
  static async create(dir: string, seq: number): Promise<WalSegment> {
    const path = segmentPath(dir, seq);
    // Readable too (see relocate). The folder is not fsynced: under a heavy write load that forces
    // a journal commit of every dirty file and stalls the log for seconds at each publish.
    const handle = await createFile(path, "a+", {syncDir: false});
    const {ino, dev} = await handle.stat();
    return new WalSegment(path, handle, ino, dev);
  }

  /** Lines not yet durable: appended but not fsynced, or all of them while the file is broken. */
  get unsynced(): number {
    return this.broken ? this.rows : this.bufferedRows + this.writingRows;
  }

  /** Bytes of memory the segment's line buffers take (in use or kept for reuse). */
  get heldBytes(): number {
    return this.buffer.length + this.spare.length;
  }

  /** Bytes of lines held only in memory (not yet written to the file). */
  get bufferedBytes(): number {
    return this.used;
  }

  /** Every line is fsynced in a file that still exists (as of the last sync). */
  get durable(): boolean {
    return !this.broken && this.unsynced === 0;
  }

  /** Closed (published, or shutdown): nothing more is written. */
  get released(): boolean {
    return this.removed;
  }

  /** No more lines come (rotated out): its buffers go once its lines are written (closed segments wait for a publish). */
  seal(): void {
    this.sealed = true;
  }

  /** Appends a trade's line (`walLine`'s bytes); returns its length. */
  append(trade: LakeTrade): number {
    if (this.used + maxWalLineBytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + maxWalLineBytes));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    const start = this.used;
    this.used = writeWalLine(this.buffer, start, trade);
    this.bufferedRows++;
    this.rows++;
    return this.used - start;
  }

  /**
   * Writes buffered lines, fsyncs them and checks the file is still where it was: after this
   * resolves they survive a crash. Throws on any failure, keeping every line (a broken segment must
   * be relocated first). Callers serialise syncs.
   */
  async sync(): Promise<void> {
    if (this.removed) return;
    if (this.broken) throw new Error(`${this.path}: ${this.broken}`);
    const full = this.buffer,
      bytes = this.used;
    this.buffer = this.spare; // appends during the write go to the other buffer (it grows as needed)
    this.used = 0;
    // Rows of a failed sync stay counted here until a later sync succeeds.
    this.writingRows += this.bufferedRows;
    this.bufferedRows = 0;
    let offset = 0;
    try {
      while (offset < bytes) {
        const n = (await this.handle.write(full, offset, bytes - offset)).bytesWritten;
        offset += n;
        this.written += n;
      }
    } catch (error) {
      // Keep what was not written, in front of what arrived meanwhile, so the next sync writes it;
      // what was written is not written twice. In place: a backlog of many MB is not copied at every
      // failed retry, only the lines that arrived during it.
      const rest = bytes - offset;
      if (offset > 0) full.copy(full, 0, offset, bytes);
      let merged = full;
      if (rest + this.used > full.length) {
        merged = Buffer.allocUnsafe(Math.max(2 * full.length, rest + this.used));
        full.copy(merged, 0, 0, rest);
      }
      this.buffer.copy(merged, rest, 0, this.used);
      this.spare = this.buffer;
      this.buffer = merged;
      this.used += rest;
      throw error;
    }
    this.spare = full.length > maxKeptBufferBytes ? Buffer.allocUnsafe(initialBufferBytes) : full;
    if (this.sealed && this.used === 0) this.buffer = this.spare = Buffer.alloc(0);
    if (this.writingRows > 0) {
      try {
        await this.handle.datasync();
      } catch (error) {
        // After a failed fsync the kernel may report the next one clean without the data being on
        // disk: never trust this file again.
        if (!this.removed) this.broken = `fsync failed (${(error as Error).message})`;
        throw error;
      }
    }
    await this.verify();
    this.writingRows = 0;
  }

  /**
   * Copies the file's bytes (read back through the open handle: it works after the file was
   * deleted) into a new file at `path`, which replaces it; buffered lines are written by the next
   * `sync`. The old file, if its name still leads to it, is deleted. Throws (keeping this one) on failure.
   */
  async relocate(path: string): Promise<void> {
    const handle = await createFile(path, "wx+", {syncDir: true});
    try {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, this.written)));
      for (let pos = 0; pos < this.written;) {
        const {bytesRead} = await this.handle.read(chunk, 0, Math.min(chunk.length, this.written - pos), pos);
        if (bytesRead === 0) throw new Error(`${this.path}: only ${pos} of its ${this.written} bytes could be read back`);
        for (let off = 0; off < bytesRead;) off += (await handle.write(chunk, off, bytesRead - off)).bytesWritten;
        pos += bytesRead;
      }
      await handle.datasync();
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(path, {force: true}).catch(() => {});
      throw error;
    }
    const old = this.handle,
      oldPath = this.path,
      stillThere = await this.leadsHere().catch(() => false);
    const {ino, dev} = await handle.stat();
    Object.assign(this, {handle, path, ino, dev, broken: undefined});
    await old.close().catch(() => {});
    if (stillThere) await rm(oldPath, {force: true}).catch(() => {}); // its lines are all in the new file
  }

  /** Writes and fsyncs what is buffered, then closes the file. */
  async close(): Promise<void> {
    await this.sync();
    await this.release();
  }

  /** Closes the file without writing anything (a published segment, or shutdown). Idempotent. */
  async release(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await this.handle.close().catch(() => {});
  }

  /** Closes and deletes the file (its lines are published). */
  async remove(): Promise<void> {
    await this.release();
    await rm(this.path, {force: true});
  }

  /** Throws, marking the segment broken, when the path no longer leads to this file. */
  private async verify(): Promise<void> {
    let here: boolean;
    try {
      here = await this.leadsHere();
    } catch (error) {
      if (this.removed) return;
      throw error; // e.g. EACCES on a folder: not known to be gone, just not verified
    }
    if (here || this.removed) return;
    this.broken = "the file was deleted or moved (was the lake folder removed?)";
    throw new Error(`${this.path}: ${this.broken}`);
  }

  /** Whether the path names this open file (false once deleted, moved or replaced). */
  private async leadsHere(): Promise<boolean> {
    const file = await this.handle.stat();
    if (file.nlink === 0) return false;
    try {
      const entry = await stat(this.path);
      return entry.ino === this.ino && entry.dev === this.dev;
    } catch (error) {
      if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return false;
      throw error;
    }
  }
}

/** Creates a file (and its folders), making its name durable with `syncDir`. */
async function createFile(path: string, flags: "a+" | "wx+", {syncDir}: {syncDir: boolean}): Promise<FileHandle> {
  await mkdir(dirname(path), {recursive: true});
  const handle = await open(path, flags);
  try {
    if (syncDir) await fsync(dirname(path));
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, {force: true}).catch(() => {});
    throw error;
  }
  return handle;
}
