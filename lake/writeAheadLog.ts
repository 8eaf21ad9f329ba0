// The lake writer's log stage: every symbol's write-ahead log (lake/symbolLog.ts), written and
// fsynced one step at a time, with how long accepted trades wait to be durable and how many bytes of
// them only memory holds (lake/memoryBound.ts). A failure is the "log" stage's (lake/stageErrors.ts):
// the lines are kept and the next sync writes them.
import {rm} from "node:fs/promises";
import {writeAnchor} from "./anchor.js";
import {MemoryBound} from "./memoryBound.js";
import {SerialQueue} from "./serialQueue.js";
import type {StageErrors} from "./stageErrors.js";
import type {SymbolLog} from "./symbolLog.js";
import type {LakeTrade} from "./wal.js";

/** What the writer did with a trade handed to `add`. */
export type AddResult = "accepted" | "duplicate";

export class WriteAheadLog {
  readonly symbols = new Map<string, SymbolLog>();
  readonly memory: MemoryBound;
  lastSyncAt = 0;
  /** The longest an accepted trade has waited to be durable in the log since open, ms (see `syncLagMs`). */
  private worstLag = 0;
  /** When the oldest trade not yet durable was accepted (or the log was found broken). */
  private unsyncedSince: number | undefined;
  private readonly queue = new SerialQueue();

  constructor(
    private readonly lake: string,
    private readonly errors: StageErrors,
    maxBufferedBytes: number,
  ) {
    this.memory = new MemoryBound(maxBufferedBytes);
  }

  /** Trades accepted but not yet durable in a log file that exists. */
  get unsynced(): number {
    let n = 0;
    for (const log of this.symbols.values()) n += log.unsynced;
    return n;
  }

  /** How long the oldest accepted trade not yet durable has waited, ms (0 when all are). */
  get syncLagMs(): number {
    return this.unsyncedSince === undefined ? 0 : Date.now() - this.unsyncedSince;
  }

  /** The longest any accepted trade has waited to be durable since open, ms (the current wait included). */
  get worstSyncLagMs(): number {
    return Math.max(this.worstLag, this.syncLagMs);
  }

  /** Appends a trade whose id is above the symbol's last id to its open segment; drops others. */
  add(symbol: string, trade: LakeTrade): AddResult {
    const log = this.symbols.get(symbol);
    if (!log) throw new RangeError(`LakeWriter: symbol ${symbol} was not opened`);
    if (log.lastId !== undefined && trade.id <= log.lastId) return "duplicate";
    // The very first trade of a symbol in this lake: make its id durable at once, so a crash before
    // the first log fsync still leaves an anchor to backfill from (otherwise nothing would say where
    // recording began). If storage fails, the log stage retries it.
    if (log.lastId === undefined) {
      try {
        writeAnchor(this.lake, symbol, trade.id);
      } catch (error) {
        log.anchor = trade.id;
        this.errors.failed("log", error as Error);
      }
    }
    log.lastId = trade.id;
    this.memory.bytes += log.segment.append(trade);
    this.unsyncedSince ??= Date.now();
    return "accepted";
  }

  /** Writes and fsyncs every symbol's log; rejects if any line is not durable yet (it is kept). */
  sync(): Promise<void> {
    return this.queue.run(async () => {
      const since = this.unsyncedSince;
      this.unsyncedSince = undefined;
      let failure: Error | undefined;
      // The symbols' logs are independent files: fsynced together, the kernel commits their journal
      // entries at once instead of one after another (four symbols took four journal commits a cycle).
      await Promise.all([...this.symbols.values()].map((log) => log.sync().catch((error: Error) => void (failure ??= error))));
      let buffered = 0;
      for (const log of this.symbols.values()) buffered += log.bufferedBytes;
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

  /**
   * Closes each open segment holding lines and starts a new one, so the closed ones can be published;
   * not while the log fails (a new one would only hold more lines in memory). Resolves with the first
   * failure to create one (that symbol's open segment goes on), if any.
   */
  rotate(): Promise<Error | undefined> {
    return this.queue.run(async () => {
      let failure: Error | undefined;
      for (const log of this.symbols.values()) {
        if (log.segment.rows === 0 || this.errors.isFailing("log")) continue;
        await log.rotate().catch((error: Error) => void (failure ??= error));
      }
      return failure;
    });
  }

  /** Closes every segment without writing (shutdown), deleting the empty ones; returns the lines not durable. */
  release(): Promise<number> {
    return this.queue.run(async () => {
      let notDurable = 0;
      for (const log of this.symbols.values()) {
        for (const segment of log.segments) {
          notDurable += segment.unsynced;
          await segment.release();
          if (segment.rows === 0) await rm(segment.path, {force: true}).catch(() => {}); // empty: everything was published
        }
      }
      return notDurable;
    });
  }
}
