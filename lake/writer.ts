// The lake writer: accepted trades go to the write-ahead log at once (durable within `syncMs`) and
// are published as Parquet every `publishMs` (atomic: hidden temp file, fsync, rename), then small
// files are compacted (lake/compact.ts). A restart publishes whatever the log still holds.
import type {DuckDBConnection, DuckDBInstance as Instance} from "@duckdb/node-api";
import {DuckDBInstance} from "@duckdb/node-api";
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from "node:fs";
import {readdir, rm, stat, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {Trade} from "../src/lib/bars.js";
import {compactPartition} from "./compact.js";
import {quotedString} from "./duckdb.js";
import {scanTickFiles, tickFiles} from "./files.js";
import {type GapRecord, gapsGlob, writeGap} from "./gaps.js";
import {batchFileName, partitionDir} from "./layout.js";
import {publishFile} from "./publish.js";
import {leftoverSegments, nextSeq, walDir, walLine, WalSegment, walSource} from "./wal.js";

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
  log?: (line: string) => void;
}

interface SymbolState {
  lastId: number | undefined;
  /** Highest id published as Parquet. */
  storedLast: number | undefined;
  segment: WalSegment | undefined;
  seq: number;
  /** Closed segments not yet published (oldest first); a failed publish leaves them here. */
  closed: string[];
}

export class LakeWriter {
  private readonly symbols = new Map<string, SymbolState>();
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  filesPublished = 0;
  tradesPublished = 0;
  compactions = 0;
  gapsRecorded = 0;
  /** Trades accepted but not yet published as Parquet. */
  unpublished = 0;
  lastSyncAt = 0;
  lastPublishAt = 0;
  /** The last error of a background sync or publish, until one succeeds. */
  lastError: Error | undefined;

  private constructor(readonly lake: string, private readonly instance: Instance, private readonly connection: DuckDBConnection, private readonly options: Required<LakeWriterOptions>) {}

  /**
   * Opens a writer on `lake` for `symbols`: cleans up after an interrupted publish or compaction,
   * publishes log segments a crash left behind, and learns each symbol's last stored trade id.
   */
  static async open(lake: string, symbols: readonly string[], options: LakeWriterOptions = {}): Promise<LakeWriter> {
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
    const writer = new LakeWriter(lake, instance, connection, {syncMs: 200, publishMs: 10_000, compact: true, log: () => {}, ...options});
    try {
      for (const symbol of symbols) await writer.recover(symbol);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    const {syncMs, publishMs} = writer.options;
    writer.timers.push(setInterval(() => void writer.sync().catch(() => {}), syncMs));
    if (publishMs > 0) writer.timers.push(setInterval(() => void writer.flush().catch(() => {}), publishMs));
    return writer;
  }

  /** Trades accepted but not yet written and fsynced to the log. */
  get unsynced(): number {
    let n = 0;
    for (const state of this.symbols.values()) n += state.segment?.unsynced ?? 0;
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

  /** Accepts a trade whose id is above the symbol's last id (callers feed ids in order); drops others. */
  add(symbol: string, trade: Trade): AddResult {
    if (this.closed) throw new Error("LakeWriter: add after close");
    const state = this.symbols.get(symbol);
    if (!state) throw new RangeError(`LakeWriter: symbol ${symbol} was not opened`);
    if (state.lastId !== undefined && trade.id <= state.lastId) return "duplicate";
    // The very first trade of a symbol in this lake: make its id durable at once, so a crash before
    // the first log fsync still leaves an anchor to backfill from (otherwise nothing would say where
    // recording began).
    if (state.lastId === undefined) writeAnchor(this.lake, symbol, trade.id);
    state.lastId = trade.id;
    if (!state.segment) throw new Error("LakeWriter: no open log segment");
    state.segment.append(walLine(trade));
    this.unpublished++;
    return "accepted";
  }

  /** Writes and fsyncs the log. Never waits for a publish: the log and DuckDB have their own queues. */
  sync(): Promise<void> {
    return this.logQueue(async () => {
      for (const state of this.symbols.values()) await state.segment?.sync();
      this.lastSyncAt = Date.now();
    });
  }

  /** Publishes everything accepted so far as Parquet, then compacts. */
  async flush(): Promise<FlushResult> {
    // Close the open segments (after their last lines are fsynced) and start new ones…
    await this.logQueue(async () => {
      for (const [symbol, state] of this.symbols) {
        if (!state.segment || state.segment.rows === 0) continue;
        const segment = state.segment;
        state.segment = await WalSegment.create(walDir(this.lake, symbol), state.seq++);
        await segment.close();
        state.closed.push(segment.path);
      }
    });
    // …then turn closed segments into Parquet while new trades keep going to the log.
    return this.publishQueue(async () => {
      const files: string[] = [];
      let trades = 0;
      for (const [symbol, state] of this.symbols) {
        while (state.closed.length > 0) {
          const result = await this.publishSegment(symbol, state.closed[0]);
          state.closed.shift();
          files.push(...result.files);
          trades += result.trades;
          this.unpublished = Math.max(0, this.unpublished - result.trades);
          this.filesPublished += result.files.length;
          this.tradesPublished += result.trades;
        }
      }
      this.lastPublishAt = Date.now();
      return {files, trades};
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
      await writeFile(temp, trades.map(walLine).join(""));
      try {
        const files = await this.publishCsv(symbol, temp, -1);
        this.filesPublished += files.files.length;
        return files.files;
      } finally {
        await rm(temp, {force: true});
      }
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

  /** Stores a gap record in the lake. */
  recordGap(gap: GapRecord): Promise<string> {
    this.gapsRecorded++;
    return this.publishQueue(() => writeGap(this.connection, this.lake, gap));
  }

  /** Publishes what is left and releases DuckDB. */
  async close(): Promise<FlushResult> {
    for (const timer of this.timers) clearInterval(timer);
    const result = await this.flush();
    this.closed = true;
    await this.logQueue(async () => {
      for (const state of this.symbols.values()) {
        await state.segment?.close();
        if (state.segment) await rm(state.segment.path, {force: true}); // empty: everything was published
        state.segment = undefined;
      }
    });
    await this.publishQueue(async () => {}); // gap records still being written
    this.connection.closeSync();
    this.instance.closeSync();
    return result;
  }

  private logChain: Promise<unknown> = Promise.resolve();
  private publishChain: Promise<unknown> = Promise.resolve();

  private logQueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.logChain.then(step, step);
    this.logChain = this.settle(run);
    return run;
  }

  private publishQueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.publishChain.then(step, step);
    this.publishChain = this.settle(run);
    return run;
  }

  /** A failure is remembered (health) and logged once; the caller still gets it, and the next step runs. */
  private settle(run: Promise<unknown>): Promise<void> {
    return run.then(
      () => void (this.lastError = undefined),
      (error: Error) => {
        if (!this.lastError) this.options.log(`lake: ${error.message} (will retry; nothing is dropped)`);
        this.lastError = error;
      }
    );
  }

  private async recover(symbol: string): Promise<void> {
    const {files, leftovers, intents} = await scanTickFiles(this.lake, symbol);
    for (const path of leftovers) await rm(path, {force: true});
    for (const path of intents) await rm(path, {force: true});
    await removeTempFiles(join(this.lake, "ticks", `symbol=${symbol}`));
    await removeFillFiles(walDir(this.lake, symbol));
    const skip = new Set(leftovers);
    let lastId: number | undefined;
    for (const f of files) if (!skip.has(f.path) && (lastId === undefined || f.last > lastId)) lastId = f.last;
    const state: SymbolState = {lastId, storedLast: lastId, segment: undefined, seq: 1, closed: []};
    if (lastId === undefined) {
      const anchor = readAnchor(this.lake, symbol);
      if (anchor !== undefined) state.lastId = anchor - 1; // resume (and backfill) from where recording began
    }
    this.symbols.set(symbol, state);
    const segments = await leftoverSegments(this.lake, symbol);
    for (const path of segments) {
      const {trades} = await this.publishSegment(symbol, path);
      if (trades > 0) this.options.log(`lake: ${symbol}: published ${trades} trades from the log a previous run left (${path})`);
      this.tradesPublished += trades;
    }
    state.seq = nextSeq(segments);
    state.segment = await WalSegment.create(walDir(this.lake, symbol), state.seq++);
  }

  /** Publishes the rows of a closed segment with ids above what the lake holds, one file per UTC day. */
  private async publishSegment(symbol: string, segment: string): Promise<FlushResult> {
    const state = this.symbols.get(symbol)!;
    const result = await this.publishCsv(symbol, segment, state.storedLast ?? -1);
    if (result.last !== undefined) {
      state.storedLast = result.last;
      if (state.lastId === undefined || result.last > state.lastId) state.lastId = result.last;
    }
    await rm(segment, {force: true});
    if (result.files.length > 0) await rm(anchorPath(this.lake, symbol), {force: true}); // file names carry the ids now
    return result;
  }

  /** Publishes the rows of a log-format CSV with ids above `after`, one file per UTC day, and compacts. */
  private async publishCsv(symbol: string, csv: string, after: number): Promise<FlushResult & {last?: number}> {
    const source = walSource(quotedString(csv));
    const days = (await (await this.connection.runAndReadAll(
      `SELECT strftime(epoch_ms("time"), '%Y-%m-%d') AS day, min(id)::DOUBLE, max(id)::DOUBLE, count(*)::DOUBLE
       FROM ${source} WHERE id > ${after} GROUP BY day ORDER BY day`
    )).getRows()) as [string, number, number, number][];
    const files: string[] = [];
    let trades = 0, lastId: number | undefined;
    for (const [day, first, last, count] of days) {
      const path = await publishFile(partitionDir(this.lake, symbol, day), batchFileName(first, last), (temp) =>
        this.connection.run(
          `COPY (SELECT id AS trade_id, epoch_ms("time") AS "time", price, qty, maker AS is_buyer_maker FROM ${source}
                 WHERE id > ${after} AND strftime(epoch_ms("time"), '%Y-%m-%d') = ${quotedString(day)})
           TO ${quotedString(temp)} (FORMAT parquet, COMPRESSION zstd)`
        ).then(() => {})
      );
      files.push(path);
      trades += count;
      lastId = last;
      if (this.options.compact) this.compactions += await compactPartition(this.connection, await tickFiles(this.lake, symbol, {date: day}));
    }
    return {files, trades, last: lastId};
  }
}

async function storedLastId(lake: string, symbol: string): Promise<number | undefined> {
  let last: number | undefined;
  for (const f of await tickFiles(lake, symbol)) if (last === undefined || f.last > last) last = f.last;
  return last;
}

/**
 * Removes hidden `.…tmp` files an interrupted publish or compaction left in a symbol's partitions —
 * only those older than a minute, so a concurrent `pairbook import` keeps its file in progress.
 */
async function removeTempFiles(root: string): Promise<void> {
  let dates: string[];
  try {
    dates = await readdir(root);
  } catch {
    return;
  }
  for (const date of dates) {
    for (const name of await readdir(join(root, date))) {
      if (!name.startsWith(".") || !name.endsWith(".tmp")) continue;
      const path = join(root, date, name);
      if (Date.now() - (await stat(path)).mtimeMs > 60_000) await rm(path, {force: true});
    }
  }
}

/** Removes the hidden `.fill-….csv` files of an interrupted `publishFill` (the hole is simply found again). */
async function removeFillFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^\.fill-\d+\.csv$/.test(name)) await rm(join(dir, name), {force: true});
}

/** The last trade id stored for a symbol, read from published file names. */
export async function lastStoredId(lake: string, symbol: string): Promise<number | undefined> {
  return storedLastId(lake, symbol);
}

const anchorPath = (lake: string, symbol: string) => join(walDir(lake, symbol), "first-id");

function writeAnchor(lake: string, symbol: string, id: number): void {
  const dir = walDir(lake, symbol);
  mkdirSync(dir, {recursive: true});
  const fd = openSync(anchorPath(lake, symbol), "w");
  try {
    writeSync(fd, String(id));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readAnchor(lake: string, symbol: string): number | undefined {
  try {
    const id = Number(readFileSync(anchorPath(lake, symbol), "utf8"));
    return Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
