// The lake writer: accepted trades go to the write-ahead log at once (durable within `syncMs`) and
// are published as Parquet every `publishMs` (atomic: hidden temp file, fsync, rename), then small
// files are compacted (lake/compact.ts). A restart publishes whatever the log still holds.
//
// Storage faults (ENOSPC, EIO, EACCES, EROFS, a deleted lake folder) at any step lose no accepted
// trade: it stays in the log, whose segments are kept open until published and rewritten when their
// file vanished (lake/wal.ts), or in memory; each failing stage (log, publish, compaction, gaps) is
// retried with capped backoff and reported in `lakeError` until that stage works again
// (lake/stageErrors.ts). Gap records that cannot be stored are kept and retried. Past
// `maxBufferedBytes` of trades held in memory, `full` asks the recorder to stop reading the exchange
// until the log has taken them (`whenRoom`).
import type {DuckDBConnection, DuckDBInstance as Instance} from "@duckdb/node-api";
import {DuckDBInstance} from "@duckdb/node-api";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import {anchorPath, readAnchor, writeAnchor} from "./anchor.js";
import {compactPartition, finishCompactions} from "./compact.js";
import {quotedString} from "./duckdb.js";
import {tickFiles} from "./files.js";
import {GapQueue} from "./gapQueue.js";
import {resolveLeftovers} from "./leftovers.js";
import {gapsGlob, writeGap} from "./gaps.js";
import {partitionDir} from "./layout.js";
import {MemoryBound} from "./memoryBound.js";
import {fsync, UnsyncedPublishError} from "./publish.js";
import {publishLog, type PublishedFile} from "./publishLog.js";
import {type Backoff, StageErrors} from "./stageErrors.js";
import {removeFillFiles, removeTempFiles} from "./tempFiles.js";
import {leftoverSegments, nextSeq, segmentPath, walDir, walLine, WalSegment} from "./wal.js";

/** What the writer did with a trade handed to `add`. */
export type AddResult = "accepted" | "duplicate";

export interface FlushResult {
  readonly files: readonly string[];
  readonly trades: number;
}

export interface LakeWriterOptions {
  /** Write and fsync the log this often (ms); the durability delay. Default 200. */
  syncMs?: number;
  /** Publish the log as Parquet this often (ms). Default 10,000. 0 disables the timer (publish on flush/close). */
  publishMs?: number;
  /** Merge small files after each publish. Default true. */
  compact?: boolean;
  /** Bytes of accepted trades held in memory (the log cannot take them) at which `full` turns true. Default 256 MiB. */
  maxBufferedBytes?: number;
  /** Pacing of the retries of a failing stage. Default 0.2 s, doubling up to 5 s. */
  retry?: Backoff;
  log?: (line: string) => void;
}

interface SymbolState {
  lastId: number | undefined;
  /** Highest id published as Parquet. */
  storedLast: number | undefined;
  /** The open segment, taking new trades. */
  segment: WalSegment;
  seq: number;
  /** Closed segments not yet published (oldest first), kept open until they are. */
  closed: WalSegment[];
  /** The anchor to write (the first attempt failed). */
  anchor: number | undefined;
}

interface Published {
  files: string[];
  trades: number;
}

export class LakeWriter {
  private readonly symbols = new Map<string, SymbolState>();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  filesPublished = 0;
  tradesPublished = 0;
  compactions = 0;
  /** Trades accepted but not yet published as Parquet. */
  unpublished = 0;
  lastSyncAt = 0;
  lastPublishAt = 0;
  /** The longest an accepted trade has waited to be durable in the log since open, ms (see `syncLagMs`). */
  private worstLag = 0;
  /** When the oldest trade not yet durable was accepted (or the log was found broken). */
  private unsyncedSince: number | undefined;
  private readonly memory: MemoryBound;
  private readonly errors: StageErrors;
  private readonly gaps = new GapQueue();
  /** Folders whose fsync after a rename failed; fsynced before anything else is published. */
  private readonly dirsToSync = new Set<string>();
  /** Partitions published to and not yet compacted (kept while compaction fails). */
  private readonly toCompact = new Map<string, {symbol: string; day: string}>();
  private readonly running = {sync: false, flush: false, gaps: false};
  private readonly again: Partial<Record<keyof LakeWriter["running"], () => Promise<unknown>>> = {};

  private constructor(readonly lake: string, private readonly instance: Instance, private readonly connection: DuckDBConnection, private readonly options: Required<LakeWriterOptions>) {
    this.errors = new StageErrors(options.log, options.retry);
    this.memory = new MemoryBound(options.maxBufferedBytes);
  }

  /**
   * Opens a writer on `lake` for `symbols`: cleans up after an interrupted publish or compaction,
   * publishes log segments a crash left behind, and learns each symbol's last stored trade id.
   */
  static async open(lake: string, symbols: readonly string[], options: LakeWriterOptions = {}): Promise<LakeWriter> {
    // The writer owns the lake: every interrupted compaction is resolved (lake/leftovers.ts), the same
    // cleanup readers do, plus intents whose output was never published.
    await resolveLeftovers(lake, {owner: true});
    // One thread: publishing competes with the stream for this machine's cores, and it has 10 s per segment.
    // The log is in id order (add() refuses anything else) and DuckDB keeps insertion order, so a
    // publish streams the segment into Parquet without sorting it: memory stays flat at any rate.
    // Memory: the allocator hands memory back after every statement above 8 MB (the default keeps up to
    // 128 MB), and a sort that must spill (a compaction over overlapping files) spills inside the lake,
    // not into a `.tmp` folder in whatever directory the recorder was started from.
    const instance = await DuckDBInstance.create(":memory:", {
      threads: "1", memory_limit: "128MB", preserve_insertion_order: "true",
      allocator_flush_threshold: "8MB", temp_directory: join(lake, "wal", ".duckdb-spill")
    });
    const connection = await instance.connect();
    const writer = new LakeWriter(lake, instance, connection, {
      syncMs: options.syncMs ?? 200, publishMs: options.publishMs ?? 10_000, compact: options.compact ?? true,
      maxBufferedBytes: options.maxBufferedBytes ?? 256 * 2 ** 20, retry: options.retry ?? {initialMs: 200, maxMs: 5000}, log: options.log ?? (() => {})
    });
    try {
      for (const symbol of symbols) await writer.recover(symbol);
      await writer.compact();
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    const {syncMs, publishMs} = writer.options;
    writer.timers.push(setInterval(() => writer.tick(), syncMs));
    if (publishMs > 0) writer.timers.push(setInterval(() => writer.errors.isFailing("publish") || writer.run("flush", () => writer.flush()), publishMs));
    return writer;
  }

  /** Trades accepted but not yet durable in a log file that exists. */
  get unsynced(): number {
    let n = 0;
    for (const state of this.symbols.values()) for (const segment of [...state.closed, state.segment]) n += segment.unsynced;
    return n;
  }

  /** The highest trade id accepted for `symbol` (stored, logged or buffered), if any. */
  lastId(symbol: string): number | undefined {
    return this.symbols.get(symbol)?.lastId;
  }

  /** Number of trades accepted but not yet published as Parquet. */
  get pending(): number {
    return this.unpublished;
  }

  /** How long the oldest accepted trade not yet durable has waited, ms (0 when all are). */
  get syncLagMs(): number {
    return this.unsyncedSince === undefined ? 0 : Date.now() - this.unsyncedSince;
  }

  /** The longest any accepted trade has waited to be durable since open, ms (the current wait included). */
  get worstSyncLagMs(): number {
    return Math.max(this.worstLag, this.syncLagMs);
  }

  /** Every stage that fails now and its error ("log: ENOSPC: …; gaps: …"), or null. */
  get lakeError(): string | null {
    return this.errors.message();
  }

  /** Bytes of accepted trades held only in memory (the log has not taken them yet). */
  get bufferedBytes(): number {
    return this.memory.bytes;
  }

  get maxBufferedBytes(): number {
    return this.memory.max;
  }

  /** Memory holds `maxBufferedBytes` of trades the log could not take: stop feeding `add`. */
  get full(): boolean {
    return this.memory.full;
  }

  /** Resolves once at most half of `maxBufferedBytes` is held in memory (at once if so), or on abort. */
  whenRoom(signal: AbortSignal): Promise<void> {
    return this.memory.whenRoom(signal);
  }

  /** Gap records stored, and waiting to be stored. */
  get gapsRecorded(): number {
    return this.gaps.stored;
  }

  get gapsPending(): number {
    return this.gaps.size;
  }

  /** Accepts a trade whose id is above the symbol's last id (callers feed ids in order); drops others. */
  add(symbol: string, trade: Trade): AddResult {
    if (this.closed) throw new Error("LakeWriter: add after close");
    const state = this.symbols.get(symbol);
    if (!state) throw new RangeError(`LakeWriter: symbol ${symbol} was not opened`);
    if (state.lastId !== undefined && trade.id <= state.lastId) return "duplicate";
    // The very first trade of a symbol in this lake: make its id durable at once, so a crash before
    // the first log fsync still leaves an anchor to backfill from (otherwise nothing would say where
    // recording began). If storage fails, the log stage retries it.
    if (state.lastId === undefined) {
      try {
        writeAnchor(this.lake, symbol, trade.id);
      } catch (error) {
        state.anchor = trade.id;
        this.errors.failed("log", error as Error);
      }
    }
    state.lastId = trade.id;
    const line = walLine(trade);
    state.segment.append(line);
    this.memory.bytes += line.length;
    this.unsyncedSince ??= Date.now();
    this.unpublished++;
    return "accepted";
  }

  /**
   * Writes and fsyncs the log, relocating segments whose file vanished; rejects if any line is not
   * durable yet (it is kept). Never waits for a publish: the log and DuckDB have their own queues.
   */
  sync(): Promise<void> {
    return this.logQueue(async () => {
      const since = this.unsyncedSince;
      this.unsyncedSince = undefined;
      let failure: Error | undefined;
      for (const [symbol, state] of this.symbols) {
        try {
          await this.syncSymbol(symbol, state);
        } catch (error) {
          failure ??= error as Error;
        }
      }
      let buffered = 0;
      for (const state of this.symbols.values()) for (const segment of [...state.closed, state.segment]) buffered += segment.bufferedBytes;
      this.memory.set(buffered);
      const now = Date.now();
      if (failure) {
        this.unsyncedSince = Math.min(since ?? now, this.unsyncedSince ?? now);
        this.errors.failed("log", failure);
        throw failure;
      }
      if (since !== undefined) this.worstLag = Math.max(this.worstLag, now - since);
      this.lastSyncAt = now;
      this.errors.succeeded("log");
    });
  }

  /** Publishes everything durable in the log as Parquet, then compacts. Rejects if a publish step failed. */
  async flush(): Promise<FlushResult> {
    // Close the open segments and start new ones (if one cannot be created, the open one goes on;
    // while the log fails, a new one would only hold more lines in memory)…
    let failure: Error | undefined;
    await this.logQueue(async () => {
      for (const [symbol, state] of this.symbols) {
        if (state.segment.rows === 0 || this.errors.isFailing("log")) continue;
        try {
          const next = await WalSegment.create(walDir(this.lake, symbol), state.seq++);
          state.closed.push(state.segment);
          state.segment = next;
        } catch (error) {
          failure ??= error as Error;
        }
      }
    });
    // …make the closed ones durable (a failure is the log stage's: they wait for the next round)…
    await this.sync().catch(() => {});
    // …then publish them, oldest first, while new trades keep going to the log.
    return this.publishQueue(async () => {
      const out: Published = {files: [], trades: 0};
      try {
        await this.syncDirs();
        for (const [symbol, state] of this.symbols) {
          try {
            await this.publishClosed(symbol, state, out);
          } catch (error) {
            failure ??= error as Error;
          }
        }
      } catch (error) {
        failure ??= error as Error;
      }
      if (failure) this.errors.failed("publish", failure);
      else this.errors.succeeded("publish");
      await this.compact();
      if (failure) throw failure;
      this.lastPublishAt = Date.now();
      return out;
    });
  }

  /**
   * Publishes `trades` (sorted by id, all at or below the symbol's stored ids: a hole being filled) as
   * their own files, one per UTC day, then compacts. Goes through a hidden file in the log folder,
   * which a crash leaves behind harmlessly (recovery deletes it; the hole is found again).
   */
  publishFill(symbol: string, trades: readonly Trade[]): Promise<readonly string[]> {
    if (!this.symbols.has(symbol)) throw new RangeError(`LakeWriter: symbol ${symbol} was not opened`);
    return this.publishQueue(async () => {
      if (trades.length === 0) return [];
      const temp = join(walDir(this.lake, symbol), `.fill-${trades[0].id}.csv`);
      const files: string[] = [];
      try {
        await mkdir(walDir(this.lake, symbol), {recursive: true});
        await writeFile(temp, trades.map(walLine).join(""));
        await this.publishLog(symbol, temp, -1, ({path}) => (files.push(path), this.filesPublished++));
      } finally {
        await rm(temp, {force: true}).catch(() => {});
      }
      await this.compact();
      return files;
    });
  }

  /** Unfilled gap records of `symbol` (exchange-side holes and backfills that failed). */
  unfilledGaps(symbol: string): Promise<{fromId: number; toId: number; cause: string}[]> {
    return this.publishQueue(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT from_id::DOUBLE, to_id::DOUBLE, cause FROM read_parquet(${quotedString(gapsGlob(this.lake))}, union_by_name = true)
         WHERE symbol = ${quotedString(symbol)} AND NOT filled ORDER BY from_id`
      ).catch((error: Error) => {
        if (/No files found/i.test(error.message)) return null; // no gap recorded yet
        throw error;
      });
      return (reader?.getRows() ?? []).map(([fromId, toId, cause]) => ({fromId: fromId as number, toId: toId as number, cause: cause as string}));
    });
  }

  /**
   * Stores a gap record in the lake. A record that cannot be written is kept and retried with
   * backoff, never dropped: resolves true once stored, false only if the writer closed first (logged).
   */
  recordGap(gap: GapRecord): Promise<boolean> {
    if (this.closed) {
      this.options.log(`lake: gap record ${gap.symbol} ${gap.fromId}..${gap.toId} arrived after close; not stored`);
      return Promise.resolve(false);
    }
    const stored = this.gaps.push(gap);
    if (!this.errors.isFailing("gaps")) this.run("gaps", () => this.storeGaps());
    return stored;
  }

  /** Publishes what is left and releases DuckDB; says what could not be made durable or published. */
  async close(): Promise<FlushResult> {
    for (const timer of this.timers) clearInterval(timer);
    const result = await this.flush().catch((): FlushResult => ({files: [], trades: 0}));
    this.closed = true;
    if (this.gaps.size > 0) await this.storeGaps().catch(() => {});
    let notDurable = 0;
    await this.logQueue(async () => {
      for (const state of this.symbols.values()) {
        for (const segment of [...state.closed, state.segment]) {
          notDurable += segment.unsynced;
          await segment.release();
          if (segment.rows === 0) await rm(segment.path, {force: true}).catch(() => {}); // empty: everything was published
        }
      }
    });
    await this.publishQueue(async () => {}); // gap records still being written
    const why = this.errors.message();
    if (notDurable > 0) this.options.log(`lake: stopping with ${notDurable} accepted trades the log could not take (${why}): the next start backfills them from REST (it resumes after the last stored id)`);
    if (this.unpublished > notDurable) this.options.log(`lake: stopping with ${this.unpublished - notDurable} trades in the write-ahead log not yet published (${why}): the next start publishes them`);
    const gapsLeft = this.gaps.abandon();
    if (gapsLeft > 0) this.options.log(`lake: stopping with ${gapsLeft} gap record(s) not stored (${why}): holes they describe that remain in the lake are found and recorded again at the next start`);
    this.connection.closeSync();
    this.instance.closeSync();
    return result;
  }

  /** Runs what is due every `syncMs`: the log sync, and retries of failing stages once their backoff is over. */
  private tick(): void {
    if (this.errors.due("log")) this.run("sync", () => this.sync());
    if ((this.errors.isFailing("publish") || this.errors.isFailing("compaction")) && this.errors.due("publish") && this.errors.due("compaction")) this.run("flush", () => this.flush());
    if (this.gaps.size > 0 && this.errors.due("gaps")) this.run("gaps", () => this.storeGaps());
  }

  /**
   * Starts a background step; if one of its kind still runs, runs it once more right after (a slow
   * fsync must not make the next one wait a whole tick). Its failure is already recorded.
   */
  private run(kind: keyof LakeWriter["running"], step: () => Promise<unknown>): void {
    if (this.closed) return;
    if (this.running[kind]) return void (this.again[kind] = step);
    this.running[kind] = true;
    void step().catch(() => {}).finally(() => {
      this.running[kind] = false;
      const next = this.again[kind];
      this.again[kind] = undefined;
      if (next) this.run(kind, next);
    });
  }

  private async syncSymbol(symbol: string, state: SymbolState): Promise<void> {
    if (state.anchor !== undefined && state.storedLast === undefined) writeAnchor(this.lake, symbol, state.anchor);
    state.anchor = undefined;
    // Oldest first, stopping at the first failure: a segment is never durable ahead of an older one.
    for (const segment of [...state.closed, state.segment]) {
      if (segment.broken) await segment.relocate(segmentPath(walDir(this.lake, symbol), state.seq++));
      await segment.sync();
    }
  }

  /** Publishes the symbol's closed segments that are durable, oldest first, deleting each once published. */
  private async publishClosed(symbol: string, state: SymbolState, out: Published): Promise<void> {
    for (let segment = state.closed[0]; segment?.durable; segment = state.closed[0]) {
      const before = out.files.length;
      if (!segment.released) await this.publishSegment(symbol, segment.path, out);
      await segment.remove();
      state.closed.shift();
      if (out.files.length > before) await rm(anchorPath(this.lake, symbol), {force: true}); // file names carry the ids now
    }
  }

  /** Publishes the rows of a log segment with ids above what the lake holds, one file per UTC day. */
  private publishSegment(symbol: string, path: string, out: Published): Promise<void> {
    const state = this.symbols.get(symbol)!;
    return this.publishLog(symbol, path, state.storedLast ?? -1, ({path: file, last, count}) => {
      out.files.push(file);
      out.trades += count;
      state.storedLast = last;
      if (state.lastId === undefined || last > state.lastId) state.lastId = last;
      this.unpublished = Math.max(0, this.unpublished - count);
      this.filesPublished++;
      this.tradesPublished += count;
    });
  }

  /** lake/publishLog.ts, noting each file's partition for compaction and a folder left to fsync. */
  private publishLog(symbol: string, csv: string, after: number, published: (file: PublishedFile) => void): Promise<void> {
    return publishLog(this.connection, this.lake, symbol, csv, after, (file) => {
      if (this.options.compact) this.toCompact.set(`${symbol}/${file.day}`, {symbol, day: file.day});
      published(file);
    }).catch((error: Error) => {
      if (error instanceof UnsyncedPublishError) this.dirsToSync.add(error.dir);
      throw error;
    });
  }

  /** Compacts the partitions published to since the last successful compaction (the compaction stage). */
  private async compact(): Promise<void> {
    if (this.toCompact.size === 0) return;
    try {
      for (const [key, {symbol, day}] of this.toCompact) {
        await finishCompactions(partitionDir(this.lake, symbol, day));
        this.compactions += await compactPartition(this.connection, await tickFiles(this.lake, symbol, {date: day}));
        this.toCompact.delete(key);
      }
      this.errors.succeeded("compaction");
    } catch (error) {
      this.errors.failed("compaction", error as Error);
    }
  }

  /** Fsyncs the folders of renames whose fsync failed (a folder deleted since has nothing left to sync). */
  private async syncDirs(): Promise<void> {
    for (const dir of this.dirsToSync) {
      await fsync(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      this.dirsToSync.delete(dir);
    }
  }

  /** Writes the waiting gap records, oldest first (the gaps stage). */
  private storeGaps(): Promise<void> {
    return this.publishQueue(async () => {
      try {
        await this.gaps.drain((gap) => writeGap(this.connection, this.lake, gap).then(() => {}, (error: Error) => {
          if (!(error instanceof UnsyncedPublishError)) throw error;
          this.dirsToSync.add(error.dir); // in place; its folder is fsynced with the next publish
        }));
        this.errors.succeeded("gaps");
      } catch (error) {
        this.errors.failed("gaps", error as Error);
        throw error;
      }
    });
  }

  private logChain: Promise<unknown> = Promise.resolve();
  private publishChain: Promise<unknown> = Promise.resolve();

  private logQueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.logChain.then(step, step);
    this.logChain = run.catch(() => {});
    return run;
  }

  private publishQueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.publishChain.then(step, step);
    this.publishChain = run.catch(() => {});
    return run;
  }

  private async recover(symbol: string): Promise<void> {
    const files = await tickFiles(this.lake, symbol); // compaction leftovers were resolved by open()
    await removeTempFiles(join(this.lake, "ticks", `symbol=${symbol}`));
    await removeFillFiles(walDir(this.lake, symbol));
    let storedLast: number | undefined;
    for (const f of files) if (storedLast === undefined || f.last > storedLast) storedLast = f.last;
    let lastId = storedLast;
    if (lastId === undefined) {
      const anchor = readAnchor(this.lake, symbol);
      if (anchor !== undefined) lastId = anchor - 1; // resume (and backfill) from where recording began
    }
    const segments = await leftoverSegments(this.lake, symbol), seq = nextSeq(segments);
    const segment = await WalSegment.create(walDir(this.lake, symbol), seq);
    const state: SymbolState = {lastId, storedLast, segment, seq: seq + 1, closed: [], anchor: undefined};
    this.symbols.set(symbol, state);
    const out: Published = {files: [], trades: 0};
    for (const path of segments) {
      const before = out.trades;
      await this.publishSegment(symbol, path, out);
      await rm(path, {force: true});
      if (out.trades > before) this.options.log(`lake: ${symbol}: published ${out.trades - before} trades from the log a previous run left (${path})`);
    }
    if (out.files.length > 0) await rm(anchorPath(this.lake, symbol), {force: true});
  }
}

async function storedLastId(lake: string, symbol: string): Promise<number | undefined> {
  let last: number | undefined;
  for (const f of await tickFiles(lake, symbol)) if (last === undefined || f.last > last) last = f.last;
  return last;
}

/** The last trade id stored for a symbol, read from published file names. */
export async function lastStoredId(lake: string, symbol: string): Promise<number | undefined> {
  return storedLastId(lake, symbol);
}
