// The recorder's part of GET /health (src/protocol/health.ts): per-symbol counters kept as trades are
// accepted, and the document assembled on request from them, the writer, the REST client, the
// connections, the live hub and the alert engine. recorder/liveHub.ts adds its client counts, liveServer.ts serves it.
import type {LakeWriter} from "../lake/writer.js";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import type {HistoryHealth, RecorderHealth, SymbolHealth} from "../src/protocol/health.js";
import type {AlertEngine} from "./alerts/engine.js";
import type {TradeHistoryClient} from "./binance/rest.js";
import type {LiveHub} from "./liveHub.js";
import type {Sequencer} from "./sequencer.js";

/** One exchange connection as /health shows it (recorder.ts updates it in place). */
export type StreamConnection = Omit<RecorderHealth["connections"][number], "symbols"> & {readonly symbols: readonly string[]};

/** What the document is read from, at each request (the parts started later through functions). */
export interface HealthSources {
  lake: string;
  writer: LakeWriter;
  rest: Pick<TradeHistoryClient, "requests" | "rateLimited">;
  connections: readonly StreamConnection[];
  sequencer: (symbol: string) => Pick<Sequencer, "duplicates" | "backfilled" | "openGap"> | undefined;
  hub: () => Pick<LiveHub, "latency"> | undefined;
  alerts: () => Pick<AlertEngine, "health"> | undefined;
  /** `record --history` progress, when loading the past was asked for. */
  history?: () => HistoryHealth | null;
}

export class HealthMonitor {
  private readonly startedAt = Date.now();
  private readonly stats = new Map<string, SymbolHealth>();
  private readonly meters = new Map<string, RateMeter>();
  private rejected = 0;
  private lastRejected: string | null = null;

  constructor(
    symbols: readonly string[],
    private readonly sources: HealthSources,
  ) {
    for (const symbol of symbols) {
      const lastId = sources.writer.lastId(symbol) ?? null;
      this.stats.set(symbol, {
        lastId,
        receivedAt: null,
        lastTime: null,
        receiveLagMs: null,
        trades: 0,
        tradesPerSecond: 0,
        duplicates: 0,
        backfilled: 0,
        openGap: null,
        gapsFilled: 0,
        gapsUnfilled: 0,
      });
      this.meters.set(symbol, new RateMeter());
    }
  }

  /** Counts a trade the writer accepted (on the trade path: O(1)). */
  accepted(symbol: string, trade: Trade): void {
    const s = this.stats.get(symbol)!,
      now = Date.now();
    ((s.lastId = trade.id), (s.lastTime = trade.time), (s.receiveLagMs = now - trade.time), s.trades++);
    this.meters.get(symbol)!.add(now);
    s.receivedAt = now;
  }

  gap(gap: GapRecord): void {
    const s = this.stats.get(gap.symbol)!;
    if (gap.filled) s.gapsFilled++;
    else s.gapsUnfilled++;
  }

  /** Counts a frame the stream client rejected; returns how many so far. */
  rejectedFrame(reason: string, frame: string): number {
    this.lastRejected = `${reason}: ${frame}`;
    return ++this.rejected;
  }

  /** When a symbol's latest trade arrived (wall clock, ms), or null. */
  receivedAt(symbol: string): number | null {
    return this.stats.get(symbol)?.receivedAt ?? null;
  }

  /** The recorder's part of GET /health, as it is now. */
  report(): RecorderHealth {
    const now = Date.now(),
      {writer, rest, connections} = this.sources;
    for (const [symbol, s] of this.stats) {
      const sequencer = this.sources.sequencer(symbol);
      s.tradesPerSecond = this.meters.get(symbol)!.perSecond(now);
      if (sequencer)
        ((s.duplicates = sequencer.duplicates), (s.backfilled = sequencer.backfilled), (s.openGap = sequencer.openGap ?? null));
    }
    return {
      uptimeSeconds: (now - this.startedAt) / 1000,
      lake: this.sources.lake,
      connections: connections.map((c) => ({...c, symbols: [...c.symbols]})),
      symbols: Object.fromEntries([...this.stats].map(([symbol, s]) => [symbol, {...s}])),
      rejectedFrames: this.rejected,
      lastRejected: this.lastRejected,
      unsyncedTrades: writer.unsynced,
      pendingTrades: writer.pending,
      filesPublished: writer.filesPublished,
      tradesPublished: writer.tradesPublished,
      compactions: writer.compactions,
      gapsRecorded: writer.gapsRecorded,
      lastPublishAt: writer.lastPublishAt || null,
      lakeError: writer.lakeError,
      lastSyncAt: writer.lastSyncAt || null,
      syncLagMs: writer.syncLagMs,
      worstSyncLagMs: writer.worstSyncLagMs,
      bufferedBytes: writer.bufferedBytes,
      maxBufferedBytes: writer.maxBufferedBytes,
      gapsPending: writer.gapsPending,
      rest: {requests: rest.requests, rateLimited: rest.rateLimited},
      liveLatencyMs: this.sources.hub()?.latency() ?? null,
      alerts: this.sources.alerts()?.health() ?? null,
      history: this.sources.history?.() ?? null,
      // `external` already holds `arrayBuffers` (every Buffer): adding them counted each buffer twice.
      memory: (({rss, heapUsed, external}) => ({rss, heapUsed, external}))(process.memoryUsage()),
    };
  }
}

/** Counts events per second over the last 10 s without storing each event. */
class RateMeter {
  private readonly counts = new Float64Array(10);
  private second = 0;
  add(now: number): void {
    this.roll(now);
    this.counts[this.second % 10]++;
  }
  perSecond(now: number): number {
    this.roll(now);
    let sum = 0;
    for (let i = 1; i <= 9; ++i) sum += this.counts[(this.second - i + 10) % 10];
    return sum / 9; // the 9 complete seconds before this one
  }
  private roll(now: number): void {
    const s = Math.floor(now / 1000);
    if (this.second === 0) this.second = s;
    for (; this.second < s && s - this.second <= 10;) this.counts[++this.second % 10] = 0;
    if (s - this.second > 10) (this.counts.fill(0), (this.second = s));
  }
}
