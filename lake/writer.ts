// The lake writer: accepted trades go to the write-ahead log at once (durable within `syncMs`) and
// are published as Parquet every `publishMs` (atomic: hidden temp file, fsync, rename), then small
// files are compacted (lake/compact.ts). A restart publishes whatever the log still holds
// (lake/recover.ts). This class wires the pieces: each symbol's log (lake/symbolLog.ts), the DuckDB
// side that publishes, compacts and stores gap records (lake/lakePublisher.ts), and the timers.
//
// Storage faults (ENOSPC, EIO, EACCES, EROFS, a deleted lake folder) at any step lose no accepted
// trade: it stays in the log, whose segments are kept open until published and rewritten when their
// file vanished (lake/wal.ts), or in memory; each failing stage (log, publish, compaction, gaps) is
// retried with capped backoff and reported in `lakeError` until that stage works again
// (lake/stageErrors.ts). Gap records that cannot be stored are kept and retried. Past
// `maxBufferedBytes` of trades held in memory, `full` asks the recorder to stop reading the exchange
// until the log has taken them (`whenRoom`).
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import {BackgroundSteps} from "./backgroundSteps.js";
import {GapQueue} from "./gapQueue.js";
import type {UnfilledGap} from "./gaps.js";
import {LakePublisher} from "./lakePublisher.js";
import {resolveLeftovers} from "./leftovers.js";
import {recoverSymbol} from "./recover.js";
import {type Backoff, StageErrors} from "./stageErrors.js";
import type {LakeTrade} from "./wal.js";
import {type AddResult, WriteAheadLog} from "./writeAheadLog.js";

/**
 * Gap records stored per background step; the rest wait for the next tick. Each is a file with its
 * fsyncs, and the steps share DuckDB's queue with the publishes: after a reconnect at 200,000 trades/s
 * hundreds of records (bench:record --usdm) held every publish back for minutes.
 */
const gapsPerStep = 16;

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

export class LakeWriter {
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  /** Trades accepted but not yet published as Parquet. */
  unpublished = 0;
  private readonly log: WriteAheadLog;
  private readonly gaps = new GapQueue();
  private readonly steps = new BackgroundSteps<"sync" | "flush" | "gaps">(() => this.closed);

  private constructor(
    readonly lake: string,
    private readonly errors: StageErrors,
    private readonly publisher: LakePublisher,
    private readonly options: Required<LakeWriterOptions>,
  ) {
    this.log = new WriteAheadLog(lake, errors, options.maxBufferedBytes);
  }

  /**
   * Opens a writer on `lake` for `symbols`: cleans up after an interrupted publish or compaction,
   * publishes log segments a crash left behind, and learns each symbol's last stored trade id.
   */
  static async open(lake: string, symbols: readonly string[], options: LakeWriterOptions = {}): Promise<LakeWriter> {
    // The writer owns the lake: a format-1 lake is migrated (lake/migrate.ts), every interrupted
    // compaction is resolved (lake/leftovers.ts), the same cleanup readers do, plus intents whose
    // output was never published.
    await resolveLeftovers(lake, {owner: true, log: options.log});
    const o: Required<LakeWriterOptions> = {
      syncMs: options.syncMs ?? 200,
      publishMs: options.publishMs ?? 10_000,
      compact: options.compact ?? true,
      maxBufferedBytes: options.maxBufferedBytes ?? 256 * 2 ** 20,
      retry: options.retry ?? {initialMs: 200, maxMs: 5000},
      log: options.log ?? (() => {}),
    };
    const errors = new StageErrors(o.log, o.retry);
    // Called once the writer exists (by recovery and publishes).
    const published = (count: number) => void (writer.unpublished = Math.max(0, writer.unpublished - count));
    const publisher = await LakePublisher.open(lake, errors, {compact: o.compact, published});
    const writer = new LakeWriter(lake, errors, publisher, o);
    try {
      for (const symbol of symbols) writer.log.symbols.set(symbol, await recoverSymbol(lake, symbol, publisher, o.log));
      await publisher.compact();
    } catch (error) {
      publisher.close();
      throw error;
    }
    writer.timers.push(setInterval(() => writer.tick(), o.syncMs));
    if (o.publishMs > 0)
      writer.timers.push(
        setInterval(() => writer.errors.isFailing("publish") || writer.steps.run("flush", () => writer.flush()), o.publishMs),
      );
    return writer;
  }

  get filesPublished(): number {
    return this.publisher.filesPublished;
  }

  get tradesPublished(): number {
    return this.publisher.tradesPublished;
  }

  get compactions(): number {
    return this.publisher.compactions;
  }

  get lastPublishAt(): number {
    return this.publisher.lastPublishAt;
  }

  /** Trades accepted but not yet durable in a log file that exists. */
  get unsynced(): number {
    return this.log.unsynced;
  }

  get lastSyncAt(): number {
    return this.log.lastSyncAt;
  }

  /** The highest trade id accepted for `symbol` (stored, logged or buffered), if any. */
  lastId(symbol: string): number | undefined {
    return this.log.symbols.get(symbol)?.lastId;
  }

  /** Number of trades accepted but not yet published as Parquet. */
  get pending(): number {
    return this.unpublished;
  }

  /** How long the oldest accepted trade not yet durable has waited, ms (0 when all are). */
  get syncLagMs(): number {
    return this.log.syncLagMs;
  }

  /** The longest any accepted trade has waited to be durable since open, ms (the current wait included). */
  get worstSyncLagMs(): number {
    return this.log.worstSyncLagMs;
  }

  /** Every stage that fails now and its error ("log: ENOSPC: …; gaps: …"), or null. */
  get lakeError(): string | null {
    return this.errors.message();
  }

  /** Bytes of accepted trades held only in memory (the log has not taken them yet). */
  get bufferedBytes(): number {
    return this.log.memory.bytes;
  }

  get maxBufferedBytes(): number {
    return this.log.memory.max;
  }

  /** Memory holds `maxBufferedBytes` of trades the log could not take: stop feeding `add`. */
  get full(): boolean {
    return this.log.memory.full;
  }

  /** Resolves once at most half of `maxBufferedBytes` is held in memory (at once if so), or on abort. */
  whenRoom(signal: AbortSignal): Promise<void> {
    return this.log.memory.whenRoom(signal);
  }

  /** Gap records stored, and waiting to be stored. */
  get gapsRecorded(): number {
    return this.gaps.stored;
  }

  get gapsPending(): number {
    return this.gaps.size;
  }

  /** Accepts a trade (with its event and receive times when known) whose id is above the symbol's last id (callers feed ids in order); drops others. */
  add(symbol: string, trade: LakeTrade): AddResult {
    if (this.closed) throw new Error("LakeWriter: add after close");
    const result = this.log.add(symbol, trade);
    if (result === "accepted") this.unpublished++;
    return result;
  }

  /**
   * Writes and fsyncs the log, relocating segments whose file vanished; rejects if any line is not
   * durable yet (it is kept). Never waits for a publish: the log and DuckDB have their own queues.
   */
  sync(): Promise<void> {
    return this.log.sync();
  }

  /** Publishes everything durable in the log as Parquet, then compacts. Rejects if a publish step failed. */
  async flush(): Promise<FlushResult> {
    // Close the open segments and start new ones…
    const failure = await this.log.rotate();
    // …make the closed ones durable (a failure is the log stage's: they wait for the next round)…
    await this.sync().catch(() => {});
    // …then publish them, oldest first, while new trades keep going to the log.
    return this.publisher.publishAll(this.log.symbols.values(), failure);
  }

  /**
   * Publishes `trades` (sorted by id, all at or below the symbol's stored ids: a hole being filled) as
   * their own files, one per UTC day, then compacts.
   */
  publishFill(symbol: string, trades: readonly Trade[]): Promise<readonly string[]> {
    if (!this.log.symbols.has(symbol)) throw new RangeError(`LakeWriter: symbol ${symbol} was not opened`);
    return this.publisher.publishFill(symbol, trades);
  }

  /** Unfilled gap records of `symbol` (exchange-side holes and backfills that failed). */
  unfilledGaps(symbol: string): Promise<UnfilledGap[]> {
    return this.publisher.unfilledGaps(symbol);
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
    if (!this.errors.isFailing("gaps")) this.steps.run("gaps", () => this.publisher.storeGaps(this.gaps, gapsPerStep));
    return stored;
  }

  /** Publishes what is left and releases DuckDB; says what could not be made durable or published. */
  async close(): Promise<FlushResult> {
    for (const timer of this.timers) clearInterval(timer);
    const result = await this.flush().catch((): FlushResult => ({files: [], trades: 0}));
    this.closed = true;
    if (this.gaps.size > 0) await this.publisher.storeGaps(this.gaps).catch(() => {});
    const notDurable = await this.log.release();
    await this.publisher.run(async () => {}); // gap records still being written
    const why = this.errors.message();
    if (notDurable > 0)
      this.options.log(
        `lake: stopping with ${notDurable} accepted trades the log could not take (${why}): the next start backfills them from REST (it resumes after the last stored id)`,
      );
    if (this.unpublished > notDurable)
      this.options.log(
        `lake: stopping with ${this.unpublished - notDurable} trades in the write-ahead log not yet published (${why}): the next start publishes them`,
      );
    const gapsLeft = this.gaps.abandon();
    if (gapsLeft > 0)
      this.options.log(
        `lake: stopping with ${gapsLeft} gap record(s) not stored (${why}): holes they describe that remain in the lake are found and recorded again at the next start`,
      );
    this.publisher.close();
    return result;
  }

  /** Runs what is due every `syncMs`: the log sync, and retries of failing stages once their backoff is over. */
  private tick(): void {
    if (this.errors.due("log")) this.steps.run("sync", () => this.sync());
    if (
      (this.errors.isFailing("publish") || this.errors.isFailing("compaction")) &&
      this.errors.due("publish") &&
      this.errors.due("compaction")
    )
      this.steps.run("flush", () => this.flush());
    if (this.gaps.size > 0 && this.errors.due("gaps")) this.steps.run("gaps", () => this.publisher.storeGaps(this.gaps, gapsPerStep));
  }
}
