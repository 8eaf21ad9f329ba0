// The one path of a trade through the daemon: the exchange stream hands it to its symbol's sequencer
// (ids in order, holes backfilled from REST); each trade the sequencer releases goes to the lake writer
// and, once accepted there, to health, the live hub and the alert engine, in that order. Each gap the
// sequencer or the hole repair finds takes the same fan-out. A hole whose backfill the live stream
// outran (sequencer.ts maxQueued) is refilled here in the background, one at a time.
import type {LakeWriter} from "../lake/writer.js";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import type {AlertEngine} from "./alerts/engine.js";
import type {HealthMonitor} from "./health.js";
import type {LiveHub} from "./liveHub.js";
import {fillHole} from "./lakeHoles.js";
import type {FetchTrades} from "./retryFetch.js";
import {deferredBackfill, Sequencer} from "./sequencer.js";

export interface TradePipelineOptions {
  symbols: readonly string[];
  writer: LakeWriter;
  health: HealthMonitor;
  alerts: AlertEngine | undefined;
  /** Trades from REST, for the sequencers' backfills. */
  fetchTrades: FetchTrades;
  /** Per symbol, the id and time of the last stored trade (a hole at restart starts there). */
  lastStored: ReadonlyMap<string, {id: number; time: number} | null>;
  log: (line: string) => void;
  /** Per sequencer (sequencer.ts maxQueued). */
  maxQueued?: number;
}

export class TradePipeline {
  readonly sequencers = new Map<string, Sequencer>();
  /** The live feed, once it listens (trades accepted before go to the lake and alerts only). */
  hub: LiveHub | undefined;
  private receivedAt: number | undefined; // arrival of the frame being handled, for live latency
  private readonly refills = new AbortController();
  private refilling = Promise.resolve(); // deferred holes being refilled, one after another

  constructor(private readonly options: TradePipelineOptions) {
    const {writer, fetchTrades, lastStored, log} = options;
    for (const symbol of options.symbols) {
      const last = lastStored.get(symbol);
      this.sequencers.set(
        symbol,
        new Sequencer({
          symbol,
          lastId: writer.lastId(symbol),
          lastTime: last && last.id === writer.lastId(symbol) ? last.time : null,
          // A backfill waits while memory holds the writer's bound of trades the log could not take (the
          // sockets are closed then, so live trades stop queueing in the sequencer too).
          fetchTrades: async (sym, fromId, signal) => (writer.full && (await writer.whenRoom(signal)), fetchTrades(sym, fromId, signal)),
          emit: (trade) => this.accept(symbol, trade),
          onGap: (gap) => (this.gap(gap, "missing from the stream"), gap.cause.endsWith(deferredBackfill) && this.refill(gap)),
          log,
          maxQueued: options.maxQueued,
        }),
      );
    }
  }

  /** A trade from the exchange stream (`receivedAt`: performance.now() at its frame's arrival, when known). */
  received(symbol: string, trade: Trade, receivedAt: number | undefined): void {
    this.receivedAt = receivedAt;
    try {
      this.sequencers.get(symbol)!.push(trade);
    } finally {
      this.receivedAt = undefined;
    }
  }

  /** The stream reconnected: the sequencers of its symbols check the next trade for a hole. */
  reconnected(symbols: readonly string[]): void {
    for (const symbol of symbols) this.sequencers.get(symbol)!.markReconnect();
  }

  /** A gap found (`what`: where), recorded in the lake and shown wherever bars are. */
  gap(gap: GapRecord, what: string): void {
    this.options.health.gap(gap);
    this.options.log(
      `${gap.symbol}: ids ${gap.fromId}..${gap.toId} (${gap.toId - gap.fromId + 1}) ${what} (${gap.cause}): ${gap.filled ? "backfilled from REST" : /backfill/.test(gap.cause) ? "recorded as an unfilled gap for now" : "not available from REST either; recorded as an unfilled gap"}`,
    );
    void this.options.writer.recordGap(gap); // kept and retried by the writer until stored, never dropped
    this.hub?.onGap(gap); // pages flag an unfilled gap's buckets in their live bars
    this.options.alerts?.onGap(gap); // and rules do not evaluate windows holding them
  }

  /** Stops the sequencers' backfills and the refills; resolves once the refills have stored what they fetched. */
  stop(): Promise<void> {
    for (const sequencer of this.sequencers.values()) sequencer.stop();
    this.refills.abort();
    return this.refilling;
  }

  /**
   * Refills a deferred hole from REST as its own files (lakeHoles.ts fillHole), after those before
   * it. What REST lacks, or a shutdown leaves, is recorded unfilled and asked for again at next start.
   */
  private refill(gap: GapRecord): void {
    const {writer, fetchTrades, log} = this.options;
    const around = {
      before: gap.fromTime === null ? null : {id: gap.fromId - 1, time: gap.fromTime},
      after: gap.toTime === null ? null : {id: gap.toId + 1, time: gap.toTime},
    };
    this.refilling = this.refilling.then(async () => {
      if (this.refills.signal.aborted) return;
      await fillHole(
        {symbol: gap.symbol, writer, fetchTrades, onGap: (g) => this.gap(g, "refilled in the background"), signal: this.refills.signal},
        gap.fromId,
        gap.toId,
        // (later than the deferred record's: a record's file is named by its ids and detection time)
        {detectedAt: Math.max(Date.now(), gap.detectedAt + 1), around, cause: "deferred hole refilled"},
      ).catch((error: Error) => log(`${gap.symbol}: refilling ids ${gap.fromId}..${gap.toId} failed: ${error.message}`));
    });
  }

  /** A trade the sequencer released: durable first, then counted, shown and watched. */
  private accept(symbol: string, trade: Trade): void {
    if (this.options.writer.add(symbol, trade) !== "accepted") return;
    this.options.health.accepted(symbol, trade);
    this.hub?.onTrade(symbol, trade, this.receivedAt ?? performance.now());
    this.options.alerts?.onTrade(symbol, trade);
  }
}
