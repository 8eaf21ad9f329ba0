import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {WebSocketServer} from "ws";
import {type FaultKind, type FaultOptions, type FaultRates, type FaultRecord, type FaultRecordOf, FaultSchedule} from "./faults.js";
import type {IdSummary} from "./idRanges.js";
import {defaultSymbols} from "./instruments.js";
import {archiveHandler, takePast} from "./archive.js";
import {Market} from "./market.js";
import {RequestWeight} from "./requestWeight.js";
import {restHandler} from "./rest.js";
import {spotEndpoints} from "./spotRest.js";
import {parseStreamPath} from "./streamRequest.js";
import type {TradeSource} from "./tradeSource.js";
import {UsdmMarket, type UsdmOptions} from "./usdmMarket.js";
import {Venue} from "./venue.js";

// Full-speed replays hand out at most this many trades a tick, and none while a subscriber has this much unsent.
const replayChunk = 20_000,
  replayBacklogBytes = 4 * 1024 * 1024;

export interface SimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port for both REST and WebSocket; 0 (the default) picks a free one. */
  port?: number;
  /** Uppercase `[A-Z0-9]+USDT` symbols; default BTCUSDT, ETHUSDT, SOLUSDT, BNBUSDT. */
  symbols?: string[];
  /** PRNG seed; default 1. */
  seed?: number;
  /** Mean trades per second per symbol; default 15. */
  rate?: number;
  /**
   * Benchmark mode: ids advance 1000 per wall-clock millisecond instead of 1 (see firstTradeId), so
   * rates up to 1 000 000 trades/s per symbol never reuse an id across restarts. Such ids are far
   * above a normal run's: do not record both kinds of run into one lake.
   */
  fast?: boolean;
  /** Where trades come from instead of the synthetic market (symbols, seed, rate and fast are then ignored): a replay. */
  source?: TradeSource;
  /** Called once when `source` has given its last trade and it has been handed to the sockets. */
  onExhausted?: () => void;
  /** Random faults: events per second per kind (throttle: share of historicalTrades requests refused). */
  faults?: FaultRates;
  /** Options of the random faults (e.g. {stall: {ms: 8000}}); symbols are drawn at random. */
  faultDefaults?: Partial<FaultOptions>;
  /** Connections older than this are closed with 1000, as Binance does at 24 h; default Infinity (never). */
  maxConnectionAgeMs?: number;
  /** Server ping period, ms; default 20 000 as on Binance. */
  pingIntervalMs?: number;
  /** Drop a client that has not ponged for this long, ms; default 60 000. */
  pongTimeoutMs?: number;
  /** Market clock, ms since the epoch; default Date.now. Trades are generated up to now() on each tick. */
  now?: () => number;
  /** Generation period, ms: each tick sends the trades since the previous one; default 25. */
  tickMs?: number;
  /** A past: the synthetic markets (spot and USD-M) opened this long (ms) before the start, served by REST and the archive (archive.ts). */
  pastMs?: number;
  /** Trades kept per symbol for historicalTrades, oldest dropped first; default 1 000 000. */
  historyCapacity?: number;
  /** Incoming frames per second per connection before it is dropped; default 5 as on Binance. */
  maxIncomingPerSecond?: number;
  /** A client whose unsent backlog exceeds this is dropped, like a slow reader on Binance; default 64 MiB. */
  maxBufferedBytes?: number;
  /**
   * USD-M futures beside spot on the same port (REST /fapi/v1/…, streams /market/ws and
   * /market/stream); default on, with perpetuals of the spot symbols (off for a replay unless its
   * symbols are given). false: spot only.
   */
  usdm?: UsdmOptions | false;
}

/** The USD-M side of a running simulator; the same faults as spot, applied to its streams and REST. */
export interface UsdmSimulator {
  /** ws://HOST:PORT — append /market/ws/<stream> or /market/stream?streams=… (fstream's /market route). */
  readonly wsUrl: string;
  /** http://HOST:PORT — append /fapi/v1/…. */
  readonly restUrl: string;
  /** Simulated ms between fundings. */
  readonly fundingIntervalMs: number;
  /** Per perpetual, the aggregate ids `a` written to at least one client socket. */
  sent(): Record<string, IdSummary>;
  /** Aggregate trades generated so far (holes excluded). */
  stats(): {generated: number; clients: number};
  /** As Simulator.inject, on the futures streams and REST (throttle refuses /fapi/v1/aggTrades by default). */
  inject<K extends FaultKind>(kind: K, options?: FaultOptions[K]): FaultRecordOf<K>;
  faultLog(): readonly FaultRecord[];
}

export interface Simulator {
  readonly port: number;
  /** ws://HOST:PORT — append /ws/<stream> or /stream?streams=…. */
  readonly wsUrl: string;
  /** http://HOST:PORT — append /api/v3/…. */
  readonly restUrl: string;
  /** USD-M futures on the same port, unless turned off. */
  readonly usdm?: UsdmSimulator;
  /**
   * Per symbol, the ids written to (accepted by the kernel for) at least one client socket; symbols
   * with none are absent. A client dropped later (slow reader, missed pongs) may not have read them all.
   */
  sent(): Record<string, IdSummary>;
  /** Trades generated so far (holes excluded) and clients connected, for status lines. */
  stats(): {generated: number; clients: number};
  /**
   * Injects one fault now and returns its log record (see faults.ts for what each does). Gap and
   * hole records list their ids as the next trades of the symbol are generated.
   *
   *   sim.inject("gap", {symbol: "BTCUSDT", count: 3}); sim.inject("disconnect");
   */
  inject<K extends FaultKind>(kind: K, options?: FaultOptions[K]): FaultRecordOf<K>;
  /** Every fault injected so far, by call or at random, in order. */
  faultLog(): readonly FaultRecord[];
  /** Stops generating, drains queued messages, closes sockets with 1000 and the server. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local server speaking Binance's spot market-data protocol (trade streams, control
 * messages, pings; REST exchangeInfo, historicalTrades, ping, time) on one port, fed by a seeded
 * cointegrated market (market.ts), and USD-M's beside it (usdmMarket.ts). Rejects with the listen error (e.g. code EADDRINUSE) if the port
 * is taken, and with RangeError for invalid options.
 *
 *   const sim = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"]});
 *   new WebSocket(`${sim.wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`);
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const {
    host = "127.0.0.1",
    port = 0,
    symbols = [...defaultSymbols],
    seed = 1,
    rate = 15,
    pingIntervalMs = 20_000,
    pongTimeoutMs = 60_000,
    now = Date.now,
    tickMs = 25,
    historyCapacity = 1_000_000,
    maxIncomingPerSecond = 5,
    maxBufferedBytes = 64 * 1024 * 1024,
    fast = false,
    maxConnectionAgeMs = Infinity,
    onExhausted,
    pastMs = 0,
  } = options;
  for (const [name, value] of Object.entries({
    pingIntervalMs,
    pongTimeoutMs,
    tickMs,
    maxIncomingPerSecond,
    maxBufferedBytes,
    maxConnectionAgeMs,
  })) {
    if (!(value > 0 && (Number.isFinite(value) || name === "maxConnectionAgeMs")))
      throw new RangeError(`startSimulator: invalid ${name} ${value} (expected a positive number)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`startSimulator: invalid port ${port}`);
  if (!(pastMs >= 0 && pastMs <= 30 * 86_400_000)) throw new RangeError(`startSimulator: invalid pastMs ${pastMs} (0 to 30 days)`);
  const synthetic = options.source ? undefined : new Market({symbols, startMs: now() - pastMs, seed, rate, idsPerMs: fast ? 1000 : 1});
  const source: TradeSource = options.source ?? synthetic!;
  const {instruments} = source;
  const hubRules = {pingIntervalMs, pongTimeoutMs, maxIncomingPerSecond, maxBufferedBytes};
  const schedule = (offset: number) => (options.faults ? new FaultSchedule(options.faults, seed + offset) : undefined);
  const spot = new Venue({
    instruments,
    hub: hubRules,
    historyCapacity,
    now,
    schedule: schedule(0),
    faultDefaults: options.faultDefaults,
    aggregate: false,
  });
  const hub = spot.hub;
  const usdmSymbols = options.usdm === false ? [] : (options.usdm?.symbols ?? (synthetic ? symbols : []));
  let usdm: UsdmMarket | undefined;
  try {
    usdm =
      usdmSymbols.length === 0
        ? undefined
        : new UsdmMarket({
            usdm: options.usdm || {},
            symbols: usdmSymbols,
            startMs: now() - (synthetic ? pastMs : 0), // with spot's past
            seed,
            idsPerMs: fast ? 1000 : 1,
            now,
            historyCapacity,
            maxBufferedBytes,
            spot,
            follow: synthetic,
            schedule: schedule(1),
            faultDefaults: options.faultDefaults,
          });
  } catch (error) {
    void hub.close(); // stops its ping timer at once
    throw error;
  }
  if (synthetic && pastMs > 0) takePast(spot, synthetic, now() - pastMs, now(), usdm);
  const spotHandler = restHandler({
    endpoints: spotEndpoints({instruments: new Map(instruments.map((i) => [i.symbol, i])), histories: spot.historyBySymbol, now}),
    weight: new RequestWeight(),
    now,
    refuse: (pathname) => spot.injector.refuse(pathname),
  });
  const archive = archiveHandler({spot: spot.historyBySymbol, usdm: usdm?.venue.historyBySymbol}, now);
  const server = createServer(
    (request, response) =>
      archive(request, response) || (usdm && request.url?.startsWith("/fapi/") ? usdm.handler : spotHandler)(request, response),
  );
  // Compression off (as on Binance's trade streams) so the hub may write frames to the TCP socket itself;
  // autoPong off so that a stalled connection does not answer pings either.
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
    autoPong: false,
  });
  server.on("upgrade", (request, socket, head) => {
    const path = parseStreamPath(request.url ?? "/");
    if ("error" in path) {
      const body = JSON.stringify({code: -1, msg: path.error});
      socket.end(
        `HTTP/1.1 ${path.status} ${path.status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    // USD-M's routes reach the futures hub (only /market carries its streams); without USD-M they carry nothing.
    const target = path.route === "spot" ? hub : (usdm?.venue.hub ?? hub);
    const deaf = path.route !== "spot" && (path.route !== "market" || !usdm);
    wss.handleUpgrade(request, socket, head, (ws) => target.accept(ws, socket, path.combined, path.streams, deaf));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => (server.off("error", reject), resolve()));
    });
  } catch (error) {
    await Promise.all([hub.close(), usdm?.venue.hub.close()]);
    throw error;
  }

  let exhausted = false,
    lastTick = performance.now();
  const venues = usdm ? [spot, usdm.venue] : [spot];
  const tick = () => {
    const t = now(),
      real = performance.now();
    for (const venue of venues) {
      venue.injector.randomFaults(real - lastTick);
      if (maxConnectionAgeMs < Infinity) venue.injector.rotateAged(maxConnectionAgeMs);
    }
    lastTick = real;
    if (!exhausted && (!source.waitForSubscriber || hub.hadSubscriber)) {
      // A replay at full speed goes no faster than its slowest subscriber reads.
      spot.take(source.advanceTo(t, hub.backlogged(replayBacklogBytes) ? 0 : replayChunk), t);
    }
    if (!exhausted && source.exhausted) {
      exhausted = true;
      onExhausted?.();
    }
    // After spot, so that the perpetuals price on spot's common factor as of t.
    usdm?.advanceTo(t);
  };
  const ticker = setInterval(tick, tickMs);

  const actualPort = (server.address() as AddressInfo).port;
  const origin = `${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  let closing: Promise<void> | undefined;
  return {
    port: actualPort,
    wsUrl: `ws://${origin}`,
    restUrl: `http://${origin}`,
    usdm: usdm && {
      wsUrl: `ws://${origin}`,
      restUrl: `http://${origin}`,
      fundingIntervalMs: usdm.funding.intervalMs,
      sent: () => usdm.venue.sent(),
      stats: () => ({generated: usdm.venue.generated, clients: usdm.venue.hub.clientCount}),
      inject: (kind, faultOptions) => usdm.venue.injector.inject(kind, faultOptions),
      faultLog: () => usdm.venue.injector.records(),
    },
    sent: () => spot.sent(),
    stats: () => ({generated: spot.generated, clients: hub.clientCount}),
    inject: (kind, faultOptions) => spot.injector.inject(kind, faultOptions),
    faultLog: () => spot.injector.records(),
    close() {
      return (closing ??= (async () => {
        clearInterval(ticker);
        await Promise.all([hub.close(), usdm?.venue.hub.close()]);
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      })());
    },
  };
}
