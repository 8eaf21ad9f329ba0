// GET /health of the recorder: recorder/recorder.ts builds it, recorder/liveHub.ts adds its client
// counts and serves it, and the Overview and System pages (fetched by src/client/health.ts, shown by
// src/components/health.ts) and `pairbook status` read it.

/** State of one exchange connection (recorder/binance/stream.ts). */
export type ConnectionState = "connecting" | "open" | "rotating" | "reconnecting" | "closed";

export interface SymbolHealth {
  lastId: number | null;
  /** Wall-clock arrival of the latest trade, ms. */
  receivedAt: number | null;
  lastTime: number | null;
  /** Receive time minus trade time of the latest trade, ms. */
  receiveLagMs: number | null;
  trades: number;
  tradesPerSecond: number;
  duplicates: number;
  backfilled: number;
  openGap: {fromId: number; toId: number; since: number} | null;
  gapsFilled: number;
  gapsUnfilled: number;
}

/** The alert engine's part (recorder/alerts/alertsHealth.ts). */
export interface AlertsHealth {
  rules: number;
  active: number;
  /** Rules the recorder paused because they overran their evaluation budget, with the reason. */
  overrun: {id: string; reason: string}[];
  events: number;
  evaluation: {
    queuedBars: number;
    skippedBars: number;
    backlogSeconds: number;
    busyShare: number;
    maxSliceMs: number;
    slowest: {rule: string; ms: number} | null;
  };
  webhook: {sent: number; failed: number; pending: number} | null;
}

/** The live feed's part, added by recorder/liveHub.ts when recorder/liveServer.ts serves /health. */
export interface LiveFeedHealth {
  liveClients: number;
  /** Clients closed for breaking a limit, and requests or upgrades refused by the access policy. */
  liveClientsDropped: number;
  liveRequestsRefused: number;
}

/** Loading of one symbol's recent past (`pairbook record --history`, recorder/history/). */
export interface SymbolHistory {
  /** waiting: for the lake's first trade; loading: archive days or REST pages; done; failed (see detail). */
  state: "waiting" | "loading" | "done" | "failed";
  /** The window asked for starts here (ms); it ends at the live stream. */
  windowStart: number;
  /** Time of the oldest trade held in the window so far (ms); null until the lake holds one. */
  coveredFrom: number | null;
  /** Window time not yet loaded (coveredFrom − windowStart, ms); 0 when done. */
  remainingMs: number;
  /** Estimated wall-clock ms until done at the rate so far; null while unknown. */
  etaMs: number | null;
  /** Trades stored and REST requests made by the history so far. */
  trades: number;
  requests: number;
  /** Archive days of the window (UTC dates): imported, and those that fell back to REST (missing, corrupt). */
  archiveDays: {total: number; imported: string[]; fellBack: string[]};
  /** What it is doing or why it stopped ("archive 2026-11-30", "REST", an error). */
  detail: string | null;
}

/** `record --history`: the window, whether any symbol is still loading (pages show a notice), and each symbol's progress. */
export interface HistoryHealth {
  windowMs: number;
  loading: boolean;
  symbols: Record<string, SymbolHistory>;
}

/** The recorder's own part of /health (recorder/recorder.ts). */
export interface RecorderHealth {
  uptimeSeconds: number;
  lake: string;
  connections: {symbols: string[]; state: ConnectionState; detail?: string; since: number}[];
  symbols: Record<string, SymbolHealth>;
  rejectedFrames: number;
  lastRejected: string | null;
  /** Accepted trades not yet fsynced to the log, and not yet published as Parquet. */
  unsyncedTrades: number;
  pendingTrades: number;
  filesPublished: number;
  tradesPublished: number;
  compactions: number;
  gapsRecorded: number;
  lastPublishAt: number | null;
  /** Every failing storage stage and its error ("publish: EACCES: …"), until that stage works again. */
  lakeError: string | null;
  /** Last log fsync (ms); how long the oldest accepted trade not yet durable has waited, and the worst wait since start (ms). */
  lastSyncAt: number | null;
  syncLagMs: number;
  worstSyncLagMs: number;
  /** Accepted trades held in memory because the log cannot take them (bytes), and the bound past which the exchange is no longer read. */
  bufferedBytes: number;
  maxBufferedBytes: number;
  /** Gap records waiting to be stored (kept and retried while storage fails). */
  gapsPending: number;
  rest: {requests: number; rateLimited: number};
  /** Frame arrival → live-feed send, ms. */
  liveLatencyMs: {count: number; p50: number; p99: number; max: number} | null;
  alerts: AlertsHealth | null;
  /** The recent past being loaded, when recording with --history; null without. */
  history: HistoryHealth | null;
  /** The recorder process's memory, bytes: resident set, V8 heap in use, and memory outside it (buffers). */
  memory: {rss: number; heapUsed: number; external: number};
}

/** The answer of GET /health. */
export type Health = RecorderHealth & LiveFeedHealth;
