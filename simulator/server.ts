import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {WebSocketServer} from "ws";
import {type FaultKind, type FaultOptions, type FaultRates, type FaultRecord, type FaultRecordOf, FaultSchedule} from "./faults.js";
import {IdRanges, type IdSummary} from "./idRanges.js";
import {FaultInjector} from "./injector.js";
import {defaultSymbols} from "./instruments.js";
import {Market} from "./market.js";
import {Outbound} from "./outbound.js";
import {RequestWeight} from "./requestWeight.js";
import {restHandler} from "./rest.js";
import {StreamHub} from "./streamHub.js";
import {parseStreamPath} from "./streamRequest.js";
import {TradeHistory} from "./tradeHistory.js";
import type {TradeSource} from "./tradeSource.js";

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
  /** Trades kept per symbol for historicalTrades, oldest dropped first; default 1 000 000. */
  historyCapacity?: number;
  /** Incoming frames per second per connection before it is dropped; default 5 as on Binance. */
  maxIncomingPerSecond?: number;
  /** A client whose unsent backlog exceeds this is dropped, like a slow reader on Binance; default 64 MiB. */
  maxBufferedBytes?: number;
}

export interface Simulator {
  readonly port: number;
  /** ws://HOST:PORT — append /ws/<stream> or /stream?streams=…. */
  readonly wsUrl: string;
  /** http://HOST:PORT — append /api/v3/…. */
  readonly restUrl: string;
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
 * cointegrated market (market.ts). Rejects with the listen error (e.g. code EADDRINUSE) if the port
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
  const source: TradeSource = options.source ?? new Market({symbols, startMs: now(), seed, rate, idsPerMs: fast ? 1000 : 1});
  const instruments = source.instruments;
  const histories = new Map(instruments.map((i) => [i.symbol, new TradeHistory(historyCapacity)]));
  const historyByIndex = instruments.map((i) => histories.get(i.symbol)!);
  const written = instruments.map(() => new IdRanges());

  const hub = new StreamHub({
    instruments,
    pingIntervalMs,
    pongTimeoutMs,
    maxIncomingPerSecond,
    maxBufferedBytes,
    onWritten: (k, id) => written[k].add(id),
  });
  const injector = new FaultInjector({
    instruments,
    hub,
    now,
    histories: historyByIndex,
    schedule: options.faults ? new FaultSchedule(options.faults, seed) : undefined,
    defaults: options.faultDefaults,
  });
  const server = createServer(
    restHandler({
      instruments: new Map(instruments.map((i) => [i.symbol, i])),
      histories,
      weight: new RequestWeight(),
      now,
      refuse: (pathname) => injector.refuse(pathname),
    }),
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
    wss.handleUpgrade(request, socket, head, (ws) => hub.accept(ws, socket, path.combined, path.streams));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => (server.off("error", reject), resolve()));
    });
  } catch (error) {
    await hub.close();
    throw error;
  }

  let generated = 0,
    exhausted = false,
    lastTick = performance.now();
  const out = new Outbound(instruments.map((i) => i.symbol));
  const tick = () => {
    const t = now(),
      real = performance.now();
    injector.randomFaults(real - lastTick);
    lastTick = real;
    if (maxConnectionAgeMs < Infinity) injector.rotateAged(maxConnectionAgeMs);
    if (exhausted) return;
    if (!source.waitForSubscriber || hub.hadSubscriber) {
      // A replay at full speed goes no faster than its slowest subscriber reads.
      const batch = source.advanceTo(t, hub.backlogged(replayBacklogBytes) ? 0 : replayChunk);
      out.clear();
      for (let i = 0; i < batch.length; ++i) {
        const k = batch.symbol[i],
          id = batch.id[i];
        const fate = injector.fate(k, id);
        if (fate === "hole") continue;
        historyByIndex[k].append(id, batch.time[i], batch.price[i], batch.qty[i], batch.isBuyerMaker[i]);
        ++generated;
        if (fate === "gap") continue;
        const eventTime = batch.eventTime[i];
        out.pushTrade(
          k,
          eventTime === eventTime ? eventTime : t,
          id,
          batch.price[i],
          batch.qty[i],
          batch.time[i],
          batch.isBuyerMaker[i] === 1,
        );
        injector.streamed(k, id);
      }
      hub.publish(out);
    }
    if (source.exhausted) {
      exhausted = true;
      onExhausted?.();
    }
  };
  const ticker = setInterval(tick, tickMs);

  const actualPort = (server.address() as AddressInfo).port;
  const origin = `${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  let closing: Promise<void> | undefined;
  return {
    port: actualPort,
    wsUrl: `ws://${origin}`,
    restUrl: `http://${origin}`,
    sent() {
      const out: Record<string, IdSummary> = {};
      instruments.forEach((i, k) => {
        const summary = written[k].summary();
        if (summary) out[i.symbol] = summary;
      });
      return out;
    },
    stats: () => ({generated, clients: hub.clientCount}),
    inject: (kind, faultOptions) => injector.inject(kind, faultOptions),
    faultLog: () => injector.records(),
    close() {
      return (closing ??= (async () => {
        clearInterval(ticker);
        await hub.close();
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      })());
    },
  };
}
