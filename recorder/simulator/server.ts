import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {WebSocketServer} from "ws";
import {IdRanges, type IdSummary} from "./idRanges.js";
import {defaultSymbols} from "./instruments.js";
import {Market} from "./market.js";
import {RequestWeight} from "./requestWeight.js";
import {restHandler} from "./rest.js";
import {StreamHub} from "./streamHub.js";
import {parseStreamPath} from "./streamRequest.js";
import {TradeHistory} from "./tradeHistory.js";

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
  /** Trades generated so far and clients connected, for status lines. */
  stats(): {generated: number; clients: number};
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
    host = "127.0.0.1", port = 0, symbols = [...defaultSymbols], seed = 1, rate = 15,
    pingIntervalMs = 20_000, pongTimeoutMs = 60_000, now = Date.now, tickMs = 25,
    historyCapacity = 1_000_000, maxIncomingPerSecond = 5, maxBufferedBytes = 64 * 1024 * 1024
  } = options;
  for (const [name, value] of Object.entries({pingIntervalMs, pongTimeoutMs, tickMs, maxIncomingPerSecond, maxBufferedBytes})) {
    if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`startSimulator: invalid ${name} ${value} (expected a positive number)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`startSimulator: invalid port ${port}`);
  const market = new Market({symbols, startMs: now(), seed, rate});
  const instruments = market.instruments;
  const histories = new Map(instruments.map((i) => [i.symbol, new TradeHistory(historyCapacity)]));
  const historyByIndex = instruments.map((i) => histories.get(i.symbol)!);
  const written = instruments.map(() => new IdRanges());

  const hub = new StreamHub({
    instruments, pingIntervalMs, pongTimeoutMs, maxIncomingPerSecond, maxBufferedBytes,
    onWritten: (k, id) => written[k].add(id)
  });
  const server = createServer(restHandler({instruments: new Map(instruments.map((i) => [i.symbol, i])), histories, weight: new RequestWeight(), now}));
  const wss = new WebSocketServer({noServer: true, clientTracking: false, maxPayload: 64 * 1024});
  server.on("upgrade", (request, socket, head) => {
    const path = parseStreamPath(request.url ?? "/");
    if ("error" in path) {
      const body = JSON.stringify({code: -1, msg: path.error});
      socket.end(`HTTP/1.1 ${path.status} ${path.status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => hub.accept(ws, path.combined, path.streams));
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

  let generated = 0;
  const tick = () => {
    const t = now();
    const batch = market.advanceTo(t);
    for (let i = 0; i < batch.length; ++i) {
      historyByIndex[batch.symbol[i]].append(batch.id[i], batch.time[i], batch.price[i], batch.qty[i], batch.isBuyerMaker[i]);
    }
    generated += batch.length;
    hub.publish(batch, t);
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
    }
  };
}
