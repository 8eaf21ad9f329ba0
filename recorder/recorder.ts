// The recorder daemon: start and stop. Binance trade streams feed the trade pipeline (pipeline.ts: id
// sequencer with REST backfill → lake writer, health, live hub, alerts); health.ts assembles /health.
// One connection per 1024 streams; holes inside the lake are repaired in the background.
import {LakeWriter} from "../lake/writer.js";
import {lakeAccess} from "../lake/access.js";
import {acquireLakeLock} from "../lake/lock.js";
import {checkLakeSource, LakeSourceError, recordingSource, rememberLakeSource} from "../lake/source.js";
import {lastStoredTrades} from "../lake/storedNeighbours.js";
import type {RecorderHealth} from "../src/protocol/health.js";
import {handleAlerts} from "./alerts/api.js";
import {AlertEngine} from "./alerts/engine.js";
import {type StreamConnection, HealthMonitor} from "./health.js";
import {type HistoryConfig, type HistoryRun, recordHistory} from "./history/startHistory.js";
import {repairHoles} from "./lakeHoles.js";
import {FundingRecorder} from "./fundingRecorder.js";
import {LiveHub} from "./liveHub.js";
import {
  binanceUsdmRestUrl,
  binanceUsdmWsUrl,
  connectionGroups,
  marketAttempts,
  type MarketEndpoints,
  MarketHistory,
  runMarketStream,
  splitMarkets,
  validateMarketSymbols,
} from "./markets.js";
import {TradePipeline} from "./pipeline.js";

/** GET /health (src/protocol/health.ts); `pairbook status` imports it from here. */
export type {RecorderHealth};

export interface RecorderConfig {
  /** As pairbook names them: `BTCUSDT` (spot), `usdm:BTCUSDT` (USD-M perpetual). */
  symbols: readonly string[];
  lake: string;
  wsUrl: string;
  restUrl: string;
  /** USD-M endpoints, used when a symbol is `usdm:` (default: Binance's fstream and fapi, markets.ts). */
  usdmWsUrl?: string;
  usdmRestUrl?: string;
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
  /** Live trades a symbol's sequencer holds while a backfill runs; past it the hole is refilled in the background (sequencer.ts). */
  maxQueued?: number;
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
  /** Load this much of the recent past below what the lake holds, in the background (--history). */
  history?: HistoryConfig;
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

/**
 * The lake's source for a recording of `symbols`: one source (lake/source.ts) whatever the markets,
 * so a perpetual read from Binance and a spot symbol from a simulator never share a lake.
 */
function recordingSources(config: RecorderConfig & MarketEndpoints): ReturnType<typeof recordingSource> {
  const {spot, usdm} = splitMarkets(config.symbols);
  const spotSource = recordingSource(config.wsUrl, config.restUrl),
    usdmSource = recordingSource(config.usdmWsUrl, config.usdmRestUrl);
  if (usdm.length === 0) return spotSource;
  if (spot.length === 0) return usdmSource;
  if (spotSource.source !== usdmSource.source)
    throw new LakeSourceError(
      `the spot endpoints (${config.restUrl}) and the USD-M endpoints (${config.usdmRestUrl}) are not the same source; a lake records one`,
    );
  return spotSource;
}

/** Validates the symbols, opens the lake and the live feed, then streams until `stop`. */
export async function startRecorder(config: RecorderConfig): Promise<Recorder> {
  const {symbols, log} = config;
  const endpoints: MarketEndpoints = {
    wsUrl: config.wsUrl,
    restUrl: config.restUrl,
    usdmWsUrl: config.usdmWsUrl ?? binanceUsdmWsUrl,
    usdmRestUrl: config.usdmRestUrl ?? binanceUsdmRestUrl,
  };
  // One writer per lake, and one source: LakeLockedError, LakeSourceError, LakeAccessError (lake/).
  const source = recordingSources({...config, ...endpoints});
  const lock = await acquireLakeLock(config.lake, {command: "pairbook record"});
  if (lock.tookOver)
    log(
      `lake: took over the lock of ${lock.tookOver.command} (pid ${lock.tookOver.pid}, since ${lock.tookOver.since}), which no longer runs`,
    );
  let writer: LakeWriter;
  try {
    await checkLakeSource(config.lake, source, "record");
    await validateMarketSymbols(endpoints, symbols);
    await rememberLakeSource(config.lake, source, "pairbook record");
    writer = await lakeAccess(config.lake, "write", () =>
      LakeWriter.open(config.lake, symbols, {
        publishMs: config.publishMs,
        syncMs: config.syncMs ?? 200,
        maxBufferedBytes: config.maxBufferedBytes,
        log,
      }),
    );
  } catch (error) {
    await lock.release().catch(() => {});
    throw error;
  }
  // The lock goes once the writer has published and closed (never while a publish may still run).
  const closeWriter = () => writer.close().finally(() => lock.release().catch(() => {}));
  const rest = new MarketHistory(endpoints);
  const connections: StreamConnection[] = connectionGroups(symbols, config.streamsPerConnection).map((group) => ({
    symbols: group,
    state: "connecting",
    since: Date.now(),
  }));
  // Started below; until then /health and the alert engine's clock see none of them (closures read them before they are set).
  let pipeline: TradePipeline | undefined = undefined,
    hub: LiveHub | undefined,
    alerts: AlertEngine | undefined,
    history: HistoryRun | undefined;
  const health = new HealthMonitor(symbols, {
    lake: config.lake,
    writer,
    rest,
    connections,
    sequencer: (symbol) => pipeline?.sequencers.get(symbol),
    hub: () => hub,
    alerts: () => alerts,
    history: () => history?.health() ?? null,
  });

  if (config.alertsFile) {
    try {
      alerts = await AlertEngine.open({
        lake: config.lake,
        rulesFile: config.alertsFile,
        symbols,
        log,
        webhookUrl: config.webhookUrl,
        webhookRetryDelayMs: config.webhookRetryDelayMs,
        feedState: () =>
          Object.fromEntries(
            symbols.map((symbol) => [
              symbol,
              {lastReceivedAt: health.receivedAt(symbol), openGaps: pipeline?.sequencers.get(symbol)?.openGap ? 1 : 0},
            ]),
          ),
        onEvent: (event) => hub?.broadcast({type: "alert", event}),
      });
    } catch (error) {
      await closeWriter();
      throw error;
    }
  }
  // Each symbol's last stored trade: a hole found at restart starts there (its gap record says so, the bars between are flagged).
  const lastStored = await lastStoredTrades(config.lake, symbols).catch((error: Error) => {
    log(`lake: could not read the last stored trades (${error.message}); a hole at restart is recorded without its start time`);
    return new Map<string, {id: number; time: number} | null>();
  });
  const trades = (pipeline = new TradePipeline({
    symbols,
    writer,
    health,
    alerts,
    lastStored,
    log,
    fetchTrades: rest.fetchTrades,
    maxQueued: config.maxQueued,
  }));

  try {
    hub = await LiveHub.start({
      host: config.liveHost,
      port: config.livePort,
      symbols,
      health: () => health.report(),
      log,
      access: {allowOrigins: config.allowOrigins, token: config.token},
      http: (req, res, url) => handleAlerts(alerts, req, res, url),
    });
  } catch (error) {
    await alerts?.close();
    await closeWriter();
    throw error;
  }
  trades.hub = hub;

  const controller = new AbortController();
  const attempts = marketAttempts();
  // Funding of the perpetuals: settled history now, then each funding time as it passes.
  const perpetuals = symbols.filter((s) => s.startsWith("usdm:"));
  const funding =
    perpetuals.length > 0
      ? new FundingRecorder({lake: config.lake, symbols: perpetuals, rest: rest.usdm, log, signal: controller.signal, live: hub})
      : undefined;
  const fundingHistory = funding?.backfill();
  const streaming = Promise.all(
    connections.map((connection) =>
      runMarketStream(connection.symbols, {
        endpoints,
        signal: controller.signal,
        attempts,
        silenceMs: config.silenceMs,
        maxAgeMs: config.maxConnectionAgeMs,
        backpressure: writer, // past its memory bound, sockets close until the log takes the trades
        onState: (state, detail) => {
          Object.assign(connection, {state, detail, since: Date.now()});
          const from = connection.symbols[0].startsWith("usdm:") ? endpoints.usdmWsUrl : endpoints.wsUrl;
          if (state === "open") log(`stream open${detail ? ` (${detail})` : ""}: ${connection.symbols.join(", ")} from ${from}`);
          else if (state !== "connecting") log(`stream ${state}${detail ? `: ${detail}` : ""}`);
        },
        onReconnect: () => trades.reconnected(connection.symbols),
        // The trade carries the exchange's event time and the frame's wall-clock arrival for the lake.
        onTrade: (symbol, trade, receivedAt) => trades.received(symbol, trade, receivedAt),
        onMarkPrice: (symbol, mark) => funding?.onMarkPrice(symbol, mark),
        onRejected: (reason, frame) => {
          const rejected = health.rejectedFrame(reason, frame);
          if (rejected <= 20 || rejected % 1000 === 0) log(`rejected frame #${rejected} (${reason}): ${frame}`);
        },
      }),
    ),
  );

  // Holes inside the stored ids that no gap record explains (an import past where recording stopped,
  // a backfill cut short) are backfilled in the background, sharing the REST weight budget.
  const repairing = Promise.all(
    symbols.map((symbol) =>
      repairHoles({
        lake: config.lake,
        symbol,
        writer,
        log,
        signal: controller.signal,
        onGap: (gap) => trades.gap(gap, "missing inside the lake"),
        fetchTrades: rest.fetchTrades,
      }).catch((error: Error) => log(`${symbol}: looking for holes in the lake failed: ${error.message}`)),
    ),
  );

  // The recent past below what the lake holds (--history), in the background once the hole repair is over.
  if (config.history?.windowMs)
    history = recordHistory({...config.history, ...config, rest, writer, trades, after: repairing, signal: controller.signal});

  return {
    livePort: hub.port,
    alerts,
    health: () => health.report(),
    async stop({publishWithinMs = Infinity}: {publishWithinMs?: number} = {}) {
      controller.abort();
      await streaming;
      await repairing;
      await history?.done;
      await fundingHistory;
      await funding?.close();
      await trades.stop();
      await hub.close();
      await alerts?.close();
      const before = writer.filesPublished;
      // Everything received is in the fsynced log once sync resolves; publishing it as Parquet can
      // take seconds at high rates, and whatever does not finish in time is published at next start.
      await writer.sync().catch(() => {}); // what the log cannot take is named by close()
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        closeWriter().then(() => true),
        // (no timer at all when unbounded: setTimeout treats Infinity as 1 ms)
        new Promise<boolean>(
          (resolve) => void (Number.isFinite(publishWithinMs) && (timer = setTimeout(() => resolve(false), publishWithinMs))),
        ),
      ]);
      clearTimeout(timer);
      if (!finished) log(`every received trade is in the write-ahead log; the rest of it is published as Parquet at the next start`);
      return {trades: writer.tradesPublished, files: writer.filesPublished - before, published: finished};
    },
  };
}
