// The lake writer's DuckDB side: closed log segments and hole fills become Parquet lake files
// (lake/publishLog.ts), the partitions published to are compacted (lake/compact.ts), and gap records
// are stored (lake/gaps.ts), all on one connection, one step at a time. Each is a stage of
// StageErrors ("publish", "compaction", "gaps"): a failure is recorded there and retried by the writer.
import type {DuckDBConnection} from "@duckdb/node-api";
import {DuckDBInstance} from "@duckdb/node-api";
import {mkdir, rm, writeFile} from "node:fs/promises";
import type {Trade} from "../src/lib/bars.js";
import {compactPartition, finishCompactions} from "./compact.js";
import {tickFiles} from "./files.js";
import type {GapQueue} from "./gapQueue.js";
import {type UnfilledGap, unfilledGaps, writeGap} from "./gaps.js";
import {anchorPath, fillPath, partitionDir, spillDir, walDir} from "./layout.js";
import {utcSession} from "./duckdb.js";
import {fsync, UnsyncedPublishError} from "./publish.js";
import {publishLog, type PublishedFile} from "./publishLog.js";
import {SerialQueue} from "./serialQueue.js";
import type {StageErrors} from "./stageErrors.js";
import type {SymbolLog} from "./symbolLog.js";
import {walLine} from "./wal.js";

/** Files and trades published by one round. */
export interface Published {
  files: string[];
  trades: number;
}

export class LakePublisher {
  filesPublished = 0;
  tradesPublished = 0;
  compactions = 0;
  lastPublishAt = 0;
  /** Folders whose fsync after a rename failed; fsynced before anything else is published. */
  private readonly dirsToSync = new Set<string>();
  /** Partitions published to and not yet compacted (kept while compaction fails). */
  private readonly toCompact = new Map<string, {symbol: string; day: string}>();
  private readonly queue = new SerialQueue();

  /** `published(count)` is told of every `count` trades of the log published. */
  private constructor(
    readonly lake: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly errors: StageErrors,
    private readonly compacting: boolean,
    private readonly published: (count: number) => void,
  ) {}

  static async open(
    lake: string,
    errors: StageErrors,
    {compact, published}: {compact: boolean; published: (count: number) => void},
  ): Promise<LakePublisher> {
    // One thread: publishing competes with the stream for this machine's cores, and it has 10 s per segment.
    // The log is in id order (add() refuses anything else) and DuckDB keeps insertion order, so a
    // publish streams the segment into Parquet without sorting it: memory stays flat at any rate.
    // Memory: the allocator hands memory back after every statement above 8 MB (the default keeps up to
    // 128 MB), and a sort that must spill (a compaction over overlapping files) spills inside the lake,
    // not into a `.tmp` folder in whatever directory the recorder was started from. No external file
    // cache: DuckDB keeps the Parquet it reads in memory up to the limit, for reads that never come
    // here (a compaction reads its inputs once, then deletes them); it held ~100 MB from the first
    // large compaction on (RSS 240 → 320–360 MB after ~11 minutes at 200,000 trades/s: bench:record).
    const instance = await DuckDBInstance.create(":memory:", {
      threads: "1",
      memory_limit: "128MB",
      preserve_insertion_order: "true",
      allocator_flush_threshold: "8MB",
      enable_external_file_cache: "false",
      temp_directory: spillDir(lake),
    });
    const connection = await instance.connect();
    await utcSession(connection);
    return new LakePublisher(lake, instance, connection, errors, compact, published);
  }

  /** Runs `step` after every publisher step queued before it. */
  run<T>(step: () => Promise<T>): Promise<T> {
    return this.queue.run(step);
  }

  /**
   * Publishes every symbol's closed segments that are durable, then compacts (the publish stage).
   * `failure` (an earlier step of the same round failed) fails the round too. Rejects if a step failed.
   */
  publishAll(logs: Iterable<SymbolLog>, failure?: Error): Promise<Published> {
    return this.run(async () => {
      const out: Published = {files: [], trades: 0};
      try {
        await this.syncDirs();
        for (const log of logs) {
          try {
            await this.publishClosed(log, out);
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

  /** Publishes the rows of a log segment with ids above what the lake holds, one file per UTC day. */
  publishSegment(log: SymbolLog, path: string, out: Published): Promise<void> {
    return this.publishLog(log.symbol, path, log.storedLast ?? -1, ({path: file, last, count}) => {
      out.files.push(file);
      out.trades += count;
      log.storedLast = last;
      if (log.lastId === undefined || last > log.lastId) log.lastId = last;
      this.published(count);
      this.filesPublished++;
      this.tradesPublished += count;
    });
  }

  /**
   * Publishes `trades` of `symbol` (a hole being filled) as their own files, then compacts. Goes
   * through a hidden file in the log folder, which a crash leaves behind harmlessly (recovery deletes
   * it; the hole is found again).
   */
  publishFill(symbol: string, trades: readonly Trade[]): Promise<readonly string[]> {
    return this.run(async () => {
      if (trades.length === 0) return [];
      const temp = fillPath(this.lake, symbol, trades[0].id);
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

  /** lake/gaps.ts unfilledGaps, on this connection. */
  unfilledGaps(symbol: string): Promise<UnfilledGap[]> {
    return this.run(() => unfilledGaps(this.connection, this.lake, symbol));
  }

  /** Writes the waiting gap records, oldest first, at most `limit` of them (the gaps stage). */
  storeGaps(gaps: GapQueue, limit = Infinity): Promise<void> {
    return this.run(async () => {
      try {
        await gaps.drain(
          (gap) =>
            writeGap(this.connection, this.lake, gap).then(
              () => {},
              (error: Error) => {
                if (!(error instanceof UnsyncedPublishError)) throw error;
                this.dirsToSync.add(error.dir); // in place; its folder is fsynced with the next publish
              },
            ),
          limit,
        );
        this.errors.succeeded("gaps");
      } catch (error) {
        this.errors.failed("gaps", error as Error);
        throw error;
      }
    });
  }

  /** Compacts the partitions published to since the last successful compaction (the compaction stage). */
  async compact(): Promise<void> {
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

  /** Releases DuckDB. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** Publishes the symbol's closed segments that are durable, oldest first, deleting each once published. */
  private async publishClosed(log: SymbolLog, out: Published): Promise<void> {
    for (let segment = log.closed[0]; segment?.durable; segment = log.closed[0]) {
      const before = out.files.length;
      if (!segment.released) await this.publishSegment(log, segment.path, out);
      await segment.remove();
      log.closed.shift();
      if (out.files.length > before) await rm(anchorPath(this.lake, log.symbol), {force: true}); // file names carry the ids now
    }
  }

  /** lake/publishLog.ts, noting each file's partition for compaction and a folder left to fsync. */
  private publishLog(symbol: string, csv: string, after: number, published: (file: PublishedFile) => void): Promise<void> {
    return publishLog(this.connection, this.lake, symbol, csv, after, (file) => {
      if (this.compacting) this.toCompact.set(`${symbol}/${file.day}`, {symbol, day: file.day});
      published(file);
    }).catch((error: Error) => {
      if (error instanceof UnsyncedPublishError) this.dirsToSync.add(error.dir);
      throw error;
    });
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
}
