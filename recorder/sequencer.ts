// Per-symbol trade-id continuity: trades leave in id order with no id twice; a hole in the live
// stream is backfilled from REST (historicalTrades) before later trades are released, and whatever
// REST cannot supply is reported as an unfilled gap. Ids only ever increase on Binance spot. Live
// trades wait in memory meanwhile, up to a bound: a stream REST cannot keep up with (USD-M's budget
// backfills ~2,000 ids/s) has the rest of its hole deferred to a background refill (pipeline.ts).
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import {type FetchTrades, fetchWithRetries} from "./retryFetch.js";

export type GapCause = "stream" | "reconnect" | "restart";

/** The cause suffix of a hole the sequencer stopped backfilling because the live stream outran REST. */
export const deferredBackfill = "backfill deferred: the live stream outran REST";

export interface SequencerOptions {
  symbol: string;
  /** Last id already stored, if any: the next trade should be lastId + 1. */
  lastId: number | undefined;
  /**
   * Time (ms) of the trade with `lastId`: a hole found at restart is recorded as starting there.
   * Null or absent when unknown (the gap record's from_time is then null; loaders fall back to the
   * stored trades either side of its ids, see lake/gaps.ts withGapTimes).
   */
  lastTime?: number | null;
  fetchTrades: FetchTrades;
  /** Receives every trade, in id order, exactly once. */
  emit: (trade: Trade) => void;
  /** Receives each hole once its backfill is over: filled parts and unfilled parts separately. */
  onGap: (gap: GapRecord) => void;
  /** How long to wait for a hole to close by itself (reordering across overlapping sockets), ms. */
  graceMs?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Backfill retries before a hole is recorded as unfilled (REST down). */
  maxAttempts?: number;
  /**
   * Live trades held while a backfill runs, at most (~150 bytes each). A stream faster than REST
   * (USD-M backfills ~2,000 ids/s) would otherwise grow the queue without end: past the bound, the
   * rest of the hole is recorded as a deferred, unfilled gap (refilled in the background, see
   * lakeHoles.ts) and the queued trades are released. Default 50,000 (~7 MB).
   */
  maxQueued?: number;
  retryDelayMs?: (attempt: number) => number;
}

export class Sequencer {
  private last: number | undefined;
  private lastTime: number | null;
  private readonly queue = new Map<number, Trade>(); // early trades, by id, while a hole is open
  private busy = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private outrun: AbortController | undefined; // aborted when the queue passes maxQueued mid-backfill
  private pendingCause: GapCause | undefined;
  /** The hole being waited for or backfilled, for health. */
  openGap: {fromId: number; toId: number; since: number} | undefined;
  duplicates = 0;
  backfilled = 0;

  constructor(private readonly options: SequencerOptions) {
    this.last = options.lastId;
    this.lastTime = options.lastTime ?? null;
    if (options.lastId !== undefined) this.pendingCause = "restart";
  }

  get lastId(): number | undefined {
    return this.last;
  }

  /** The next live trades may follow a reconnect: a hole before them is labelled so. */
  markReconnect(): void {
    if (this.pendingCause !== "restart") this.pendingCause = "reconnect";
  }

  /** Takes a live trade (any order, duplicates allowed). */
  push(trade: Trade): void {
    if (this.last !== undefined && trade.id <= this.last) {
      this.duplicates++;
      return;
    }
    if (this.busy || this.graceTimer) {
      if (this.queue.has(trade.id)) this.duplicates++;
      else this.queue.set(trade.id, trade);
      if (this.busy && this.queue.size > (this.options.maxQueued ?? 50_000)) this.outrun?.abort();
      if (this.graceTimer && this.queue.has(this.last! + 1)) this.drain(); // the hole closed by itself
      return;
    }
    if (this.last === undefined || trade.id === this.last + 1) {
      this.accept(trade);
      this.pendingCause = undefined;
      return;
    }
    this.queue.set(trade.id, trade);
    this.openGap = {fromId: this.last + 1, toId: trade.id - 1, since: this.now()};
    // A hole right after a (re)connect cannot close by itself: backfill at once.
    if (this.pendingCause) void this.backfill();
    else this.graceTimer = setTimeout(() => void this.backfill(), this.options.graceMs ?? 250);
  }

  /** Stops any backfill in progress (shutdown). Queued trades beyond the hole are released unfilled. */
  stop(): void {
    this.abort.abort();
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  /** Smallest queued id (the queue can hold 100k+ trades during a long backfill: no spread). */
  private firstQueued(): number {
    let min = Infinity;
    for (const id of this.queue.keys()) if (id < min) min = id;
    return min;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private accept(trade: Trade): void {
    this.last = trade.id;
    this.lastTime = trade.time;
    this.options.emit(trade);
  }

  /** Releases queued trades while they are contiguous; opens the next hole if one remains. */
  private drain(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    for (let next = this.queue.get(this.last! + 1); next; next = this.queue.get(this.last! + 1)) {
      this.queue.delete(next.id);
      this.accept(next);
    }
    for (const id of this.queue.keys()) if (id <= this.last!) this.queue.delete(id);
    this.openGap = undefined;
    if (this.queue.size > 0) {
      const first = this.firstQueued();
      const head = this.queue.get(first)!;
      this.queue.delete(first);
      this.push(head);
    }
  }

  private async backfill(): Promise<void> {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    if (this.busy || this.last === undefined || this.queue.size === 0) return;
    this.busy = true;
    const outrun = (this.outrun = new AbortController());
    const signal = AbortSignal.any([this.abort.signal, outrun.signal]);
    const {symbol, fetchTrades, maxAttempts = 6, retryDelayMs} = this.options;
    const cause = this.pendingCause ?? "stream";
    this.pendingCause = undefined;
    const detectedAt = this.openGap?.since ?? this.now();
    const target = this.firstQueued() - 1; // fill up to the first queued trade
    let cursor = this.last + 1;
    let filledFrom: number | undefined,
      filledFromTime: number | null = null;
    const report = (fromId: number, toId: number, fromTime: number | null, toTime: number | null, filled: boolean, why: string = cause) =>
      this.options.onGap({symbol, fromId, toId, fromTime, toTime, cause: why, filled, detectedAt});
    // The rest of the hole, [cursor, target], as unfilled; the backfill then moves past it.
    const reportRest = (why?: string) => {
      report(cursor, target, this.lastTime, this.queue.get(target + 1)?.time ?? null, false, why);
      cursor = target + 1;
    };
    try {
      while (cursor <= target && !signal.aborted) {
        let page: readonly Trade[];
        try {
          page = await fetchWithRetries(fetchTrades, symbol, cursor, signal, {maxAttempts, retryDelayMs});
        } catch (error) {
          if (signal.aborted) break;
          this.options.log?.(
            `${symbol}: backfill of ids ${cursor}..${target} failed ${maxAttempts} times (${(error as Error).message}); recording the hole as unfilled`,
          );
          reportRest(`${cause}; backfill failed: ${(error as Error).message}`);
          break;
        }
        const useful = page.filter((t) => t.id >= cursor && t.id <= target).sort((x, y) => x.id - y.id);
        if (useful.length === 0) {
          // REST has nothing in [cursor, target]: an exchange-side hole.
          reportRest();
          break;
        }
        for (const trade of useful) {
          if (trade.id !== cursor) {
            if (filledFrom !== undefined) (report(filledFrom, cursor - 1, filledFromTime, this.lastTime, true), (filledFrom = undefined));
            report(cursor, trade.id - 1, this.lastTime, trade.time, false); // missing on the exchange too
          }
          if (filledFrom === undefined) ((filledFrom = trade.id), (filledFromTime = trade.time));
          this.accept(trade);
          this.backfilled++;
          cursor = trade.id + 1;
        }
        if (page.length === 0 || page[page.length - 1].id >= target) {
          if (cursor <= target) {
            if (filledFrom !== undefined) (report(filledFrom, cursor - 1, filledFromTime, this.lastTime, true), (filledFrom = undefined));
            reportRest();
          }
          break;
        }
      }
    } finally {
      if (filledFrom !== undefined) report(filledFrom, cursor - 1, filledFromTime, this.lastTime, true);
      // Stopped mid-backfill: the rest of the hole is recorded, never invented, and the trades
      // received after it are still stored.
      if (cursor <= target && outrun.signal.aborted && !this.abort.signal.aborted) {
        this.options.log?.(
          `${symbol}: ${target - cursor + 1} ids of the hole left to refill in the background: the live stream outran REST`,
        );
        reportRest(`${cause}; ${deferredBackfill}`);
      }
      if (cursor <= target) reportRest(`${cause}; backfill interrupted by shutdown`);
      // Every id up to target is now stored or recorded as a hole: move past it.
      this.last = Math.max(this.last, target);
      this.busy = false;
      this.outrun = undefined;
      this.drain();
    }
  }
}
