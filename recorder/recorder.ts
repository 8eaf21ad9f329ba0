// The recorder daemon: Binance trade streams → id sequencer (REST backfill) → lake writer (log,
// Parquet, gaps) + live hub, with health. One Sequencer per symbol; one connection per 1024 streams.
import {LakeWriter} from "../lake/writer.js";
import {lakeAccess} from "../lake/access.js";
import {acquireLakeLock} from "../lake/lock.js";
import {checkLakeSource, recordingSource, rememberLakeSource} from "../lake/source.js";
import {lastStoredTrades} from "../lake/storedNeighbours.js";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import type {ConnectionState, RecorderHealth, SymbolHealth} from "../src/protocol/health.js";
import {TradeHistoryClient, validateSymbols} from "./binance/rest.js";
import {AttemptLimiter, runTradeStream} from "./binance/stream.js";
import {handleAlerts} from "./alerts/api.js";
import {AlertEngine} from "./alerts/engine.js";
import {repairHoles} from "./lakeHoles.js";
import {LiveHub} from "./liveHub.js";
import {Sequencer} from "./sequencer.js";

/** GET /health (src/protocol/health.ts); `pairbook status` imports it from here. */
export type {RecorderHealth};

export interface RecorderConfig {
  symbols: readonly string[];
  lake: string;
  wsUrl: string;
  restUrl: string;
  liveHost: string;
  livePort: number;
  /** Page origins allowed to use the live feed and API besides http pages on localhost (--allow-origin). */
  allowOrigins?: readonly string[];
  /** Required on every live-feed request and upgrade when set; needed off loopback (--token). */
  token?: string;
  /** How often the write-ahead log is published as Parquet (ms). */
  publishMs: number;
  /** How often the write-ahead log is fsynced (ms): the durability delay. Default 200. */
  syncMs?: number;
  /** Bytes of accepted trades held in memory while the log cannot take them, past which the exchange is no longer read (the hole is backfilled later). Default 256 MiB. */
  maxBufferedBytes?: number;
  /** Replace a socket silent for this long (ms). Default 30 s. */
  silenceMs?: number;
  /** Rotate connections older than this (ms). Default 23.5 h. */
  maxConnectionAgeMs?: number;
  /** Streams per connection (Binance allows 1024). */
  streamsPerConnection?: number;
  /** Alert rules file (created on the first rule saved through the API). Default: no alerts. */
  alertsFile?: string;
  /** POST each alert event here as JSON. */
  webhookUrl?: string;
  webhookRetryDelayMs?: (attempt: number) => number;
  log: (line: string) => void;
}

export interface Recorder {
  readonly livePort: number;
  readonly alerts: AlertEngine | undefined;
  health(): RecorderHealth;
  /**
   * Stops streaming, fsyncs every received trade to the log, closes the live feed and publishes the
   * log as Parquet — or, past `publishWithinMs`, leaves the rest of the log for the next start.
   */
  stop(options?: {publishWithinMs?: number}): Promise<{trades: number; files: number; published: boolean}>;
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
    for (; this.second < s && s - this.second <= 10; ) this.counts[++this.second % 10] = 0;
    if (s - this.second > 10) (this.counts.fill(0), (this.second = s));
  }
}

/** Validates the symbols, opens the lake and the live feed, then streams until `stop`. */
export async function startRecorder(config: RecorderConfig): Promise<Recorder> {
  const {symbols, log} = config;
  // One writer per lake, and one source: LakeLockedError, LakeSourceError, LakeAccessError (lake/).
  const source = recordingSource(config.wsUrl, config.restUrl);
  const lock = await acquireLakeLock(config.lake, {command: "pairbook record"});
  if (lock.tookOver) log(`lake: took over the lock of ${lock.tookOver.command} (pid ${lock.tookOver.pid}, since ${lock.tookOver.since}), which no longer runs`);
  let writer: LakeWriter;
  try {
    await checkLakeSource(config.lake, source, "record");
    await validateSymbols(config.restUrl, symbols);
    await rememberLakeSource(config.lake, source, "pairbook record");
    writer = await lakeAccess(config.lake, "write", () => LakeWriter.open(config.lake, symbols, {publishMs: config.publishMs, syncMs: config.syncMs ?? 200, maxBufferedBytes: config.maxBufferedBytes, log}));
  } catch (error) {
    await lock.release().catch(() => {});
    throw error;
  }
  // The lock goes once the writer has published and closed (never while a publish may still run).
  const closeWriter = () => writer.close().finally(() => lock.release().catch(() => {}));
  const rest = new TradeHistoryClient(config.restUrl);
  const startedAt = Date.now();
  const stats = new Map<string, SymbolHealth>();
  const meters = new Map<string, RateMeter>();
  let rejected = 0, lastRejected: string | null = null;
  let receivedAt: number | undefined; // arrival time of the frame being handled, for live latency

  let hub: LiveHub | undefined;
  const sequencers = new Map<string, Sequencer>();
  let alerts: AlertEngine | undefined;
  if (config.alertsFile) {
    try {
      alerts = await AlertEngine.open({
        lake: config.lake, rulesFile: config.alertsFile, symbols, log, webhookUrl: config.webhookUrl, webhookRetryDelayMs: config.webhookRetryDelayMs,
        feedState: () => Object.fromEntries(symbols.map((symbol) => [symbol, {lastReceivedAt: stats.get(symbol)?.receivedAt ?? null, openGaps: sequencers.get(symbol)?.openGap ? 1 : 0}])),
        onEvent: (event) => hub?.broadcast({type: "alert", event})
      });
    } catch (error) {
      await closeWriter();
      throw error;
    }
  }
  const onGap = (gap: GapRecord, what: string) => {
    const s = stats.get(gap.symbol)!;
    if (gap.filled) s.gapsFilled++;
    else s.gapsUnfilled++;
    log(`${gap.symbol}: ids ${gap.fromId}..${gap.toId} (${gap.toId - gap.fromId + 1}) ${what} (${gap.cause}): ${gap.filled ? "backfilled from REST" : "not available from REST either; recorded as an unfilled gap"}`);
    void writer.recordGap(gap); // kept and retried by the writer until stored, never dropped
    hub?.onGap(gap); // pages flag an unfilled gap's buckets in their live bars
  };
  // The time of each symbol's last stored trade: a hole found at restart starts there (its gap record
  // says so, and the bars in between are flagged). Unknown (null) only when the lake cannot be read.
  const lastStored = await lastStoredTrades(config.lake, symbols).catch((error: Error) => {
    log(`lake: could not read the last stored trades (${error.message}); a hole at restart is recorded without its start time`);
    return new Map<string, {id: number; time: number} | null>();
  });
  for (const symbol of symbols) {
    const s: SymbolHealth = {lastId: writer.lastId(symbol) ?? null, receivedAt: null, lastTime: null, receiveLagMs: null, trades: 0, tradesPerSecond: 0, duplicates: 0, backfilled: 0, openGap: null, gapsFilled: 0, gapsUnfilled: 0};
    stats.set(symbol, s);
    const meter = new RateMeter();
    meters.set(symbol, meter);
    sequencers.set(symbol, new Sequencer({
      symbol,
      lastId: writer.lastId(symbol),
      lastTime: ((t) => (t && t.id === writer.lastId(symbol) ? t.time : null))(lastStored.get(symbol)),
      // A backfill waits while memory holds the writer's bound of trades the log could not take (the
      // sockets are closed then, so live trades stop queueing in the sequencer too).
      fetchTrades: async (sym, fromId, signal) => (writer.full && (await writer.whenRoom(signal)), rest.historicalTrades(sym, fromId, {signal})),
      emit: (trade: Trade) => {
        if (writer.add(symbol, trade) !== "accepted") return;
        const now = Date.now();
        s.lastId = trade.id, s.lastTime = trade.time, s.receiveLagMs = now - trade.time, s.trades++;
        meter.add(now);
        s.receivedAt = now;
        hub?.onTrade(symbol, trade, receivedAt ?? performance.now());
        alerts?.onTrade(symbol, trade);
      },
      onGap: (gap) => onGap(gap, "missing from the stream"),
      log
    }));
  }

  const health = (): RecorderHealth => {
    const now = Date.now();
    for (const [symbol, s] of stats) {
      const sequencer = sequencers.get(symbol)!;
      s.tradesPerSecond = meters.get(symbol)!.perSecond(now);
      s.duplicates = sequencer.duplicates;
      s.backfilled = sequencer.backfilled;
      s.openGap = sequencer.openGap ?? null;
    }
    return {
      uptimeSeconds: (now - startedAt) / 1000,
      lake: config.lake,
      connections: connections.map((c) => ({...c, symbols: [...c.symbols]})),
      symbols: Object.fromEntries([...stats].map(([symbol, s]) => [symbol, {...s}])),
      rejectedFrames: rejected,
      lastRejected,
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
      liveLatencyMs: hub?.latency() ?? null,
      alerts: alerts?.health() ?? null,
      memory: (({rss, heapUsed, external, arrayBuffers}) => ({rss, heapUsed, external: external + arrayBuffers}))(process.memoryUsage())
    };
  };

  try {
    hub = await LiveHub.start({host: config.liveHost, port: config.livePort, symbols, health, log, access: {allowOrigins: config.allowOrigins, token: config.token}, http: (req, res, url) => handleAlerts(alerts, req, res, url)});
  } catch (error) {
    await alerts?.close();
    await closeWriter();
    throw error;
  }

  const controller = new AbortController();
  const attempts = new AttemptLimiter();
  const perConnection = config.streamsPerConnection ?? 1024;
  const connections: {symbols: readonly string[]; state: ConnectionState; detail?: string; since: number}[] = [];
  for (let i = 0; i < symbols.length; i += perConnection) connections.push({symbols: symbols.slice(i, i + perConnection), state: "connecting", since: Date.now()});
  const streaming = Promise.all(connections.map((connection) =>
    runTradeStream({
      wsUrl: config.wsUrl,
      symbols: connection.symbols,
      signal: controller.signal,
      attempts,
      silenceMs: config.silenceMs,
      maxAgeMs: config.maxConnectionAgeMs,
      backpressure: writer, // past its memory bound, sockets close until the log takes the trades
      onState: (state, detail) => {
        Object.assign(connection, {state, detail, since: Date.now()});
        if (state === "open") log(`stream open${detail ? ` (${detail})` : ""}: ${connection.symbols.join(", ")} from ${config.wsUrl}`);
        else if (state !== "connecting") log(`stream ${state}${detail ? `: ${detail}` : ""}`);
      },
      onReconnect: () => connection.symbols.forEach((symbol) => sequencers.get(symbol)!.markReconnect()),
      onEvent: (event) => {
        if (event.type === "trade") {
          receivedAt = event.receivedAt;
          sequencers.get(event.symbol)!.push(event.trade);
          receivedAt = undefined;
        }
        else if (event.type === "rejected") {
          lastRejected = `${event.reason}: ${event.frame}`;
          if (rejected++ < 20 || rejected % 1000 === 0) log(`rejected frame #${rejected} (${event.reason}): ${event.frame}`);
        }
      }
    })
  ));

  // Holes inside the stored ids that no gap record explains (an import past where recording stopped,
  // a backfill cut short) are backfilled in the background, sharing the REST weight budget.
  const repairing = Promise.all(symbols.map((symbol) =>
    repairHoles({lake: config.lake, symbol, writer, log, signal: controller.signal, onGap: (gap) => onGap(gap, "missing inside the lake"),
      fetchTrades: (sym, fromId, signal) => rest.historicalTrades(sym, fromId, {signal})})
      .catch((error: Error) => log(`${symbol}: looking for holes in the lake failed: ${error.message}`))
  ));

  return {
    livePort: hub.port,
    alerts,
    health,
    async stop({publishWithinMs = Infinity}: {publishWithinMs?: number} = {}) {
      controller.abort();
      await streaming;
      await repairing;
      for (const sequencer of sequencers.values()) sequencer.stop();
      await hub!.close();
      await alerts?.close();
      const before = writer.filesPublished;
      // Everything received is in the fsynced log once sync resolves; publishing it as Parquet can
      // take seconds at high rates, and whatever does not finish in time is published at next start.
      await writer.sync().catch(() => {}); // what the log cannot take is named by close()
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        closeWriter().then(() => true),
        // (no timer at all when unbounded: setTimeout treats Infinity as 1 ms)
        new Promise<boolean>((resolve) => void (Number.isFinite(publishWithinMs) && (timer = setTimeout(() => resolve(false), publishWithinMs))))
      ]);
      clearTimeout(timer);
      if (!finished) log(`every received trade is in the write-ahead log; the rest of it is published as Parquet at the next start`);
      return {trades: writer.tradesPublished, files: writer.filesPublished - before, published: finished};
    }
  };
}
