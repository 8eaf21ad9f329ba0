// The recorder's local live feed: pages subscribe to symbols and a bar interval over WebSocket, get a
// snapshot of recent bars, then every bar change. Bars come from src/lib/bars.ts, the same definition
// the loaders use. A slow client gets coalesced updates and is dropped if it stays stuck; it never
// slows the recorder down.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import {WebSocketServer, type WebSocket} from "ws";
import {addTrade, type Bar, barOf, bucketStart, intervalMs, type Trade} from "../src/lib/bars.js";

export interface LiveHubOptions {
  host: string;
  port: number;
  /** Symbols the recorder records; subscriptions to others are refused. */
  symbols: readonly string[];
  /** JSON for GET /health. */
  health: () => unknown;
  /** Further HTTP routes (the alerts API): return true when the request was handled. */
  http?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** Recent bars kept per symbol and interval for snapshots. */
  maxBars?: number;
  /** A client whose unsent bytes stay above this for `stuckMs` is disconnected. */
  maxBufferedBytes?: number;
  stuckMs?: number;
  log?: (line: string) => void;
}

interface Client {
  socket: WebSocket;
  subscriptions: Set<string>; // "SYMBOL|interval"
  dirty: Map<string, Bar>; // "SYMBOL|interval|start" → bar, latest state wins
  /** Receive time (performance.now) of the oldest trade waiting in `dirty`. */
  oldest: number;
  stuckSince?: number;
}

/** Wire format of a bar: the public fields of src/lib's Bar. */
export type WireBar = Omit<Bar, "firstId" | "lastId" | "openTime" | "closeTime">;

export function toWire(bar: Bar): WireBar {
  const {start, open, high, low, close, volume, quoteVolume, count, vwap, takerBuyVolume} = bar;
  return {start, open, high, low, close, volume, quoteVolume, count, vwap, takerBuyVolume};
}

export class LiveHub {
  private readonly bars = new Map<string, Bar[]>(); // "SYMBOL|interval" → recent bars, by start
  private readonly bySymbol = new Map<string, {key: string; list: Bar[]; interval: number}[]>(); // the same, per symbol, for the hot path
  private readonly clients = new Set<Client>();
  private readonly symbols: Set<string>;
  private flushScheduled = false;
  messagesSent = 0;

  private constructor(private readonly options: LiveHubOptions, private readonly server: Server, private readonly wss: WebSocketServer) {
    this.symbols = new Set(options.symbols);
    // 1-second bars are always kept, so the first subscriber already gets a snapshot.
    for (const symbol of options.symbols) this.series(symbol, "1s");
  }

  /** Starts listening; rejects with a clear error when the port is taken. */
  static async start(options: LiveHubOptions): Promise<LiveHub> {
    const server = createServer();
    const wss = new WebSocketServer({server, maxPayload: 64 * 1024});
    const hub = new LiveHub(options, server, wss);
    server.on("request", (req, res) => void hub.handleHttp(req, res));
    wss.on("connection", (socket) => hub.handleClient(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(error.code === "EADDRINUSE" ? new Error(`live feed port ${options.host}:${options.port} is already in use (another recorder running? use --live-port)`) : error)
      );
      server.listen(options.port, options.host, () => resolve());
    });
    return hub;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Folds a stored trade into the bars of every interval someone has subscribed to (1s always).
   * `receivedAt` (performance.now() when its frame arrived) feeds the receive → send latency figures.
   */
  onTrade(symbol: string, trade: Trade, receivedAt = performance.now()): void {
    const series = this.bySymbol.get(symbol);
    if (!series) return;
    for (const {key, list, interval} of series) {
      const bar = upsert(list, trade, interval, this.options.maxBars ?? 3600);
      if (!bar || this.clients.size === 0) continue;
      for (const client of this.clients) {
        if (!client.subscriptions.has(key)) continue;
        if (client.dirty.size === 0 || receivedAt < client.oldest) client.oldest = receivedAt;
        client.dirty.set(`${key}|${bar.start}`, bar);
      }
    }
    this.scheduleFlush();
  }

  /** Receive → send latency of live updates, ms: {count, p50, p99, max} since the last reset. */
  latency(reset = false): {count: number; p50: number; p99: number; max: number} {
    const h = this.latencies;
    const count = h.reduce((a, b) => a + b, 0);
    const quantile = (q: number) => {
      let seen = 0;
      for (let i = 0; i < h.length; ++i) if ((seen += h[i]) >= q * count) return (i + 1) / 100;
      return Infinity;
    };
    const result = {count, p50: count ? quantile(0.5) : NaN, p99: count ? quantile(0.99) : NaN, max: this.latencyMax};
    if (reset) (h.fill(0), (this.latencyMax = 0));
    return result;
  }

  private readonly latencies = new Float64Array(10_000); // 0.01 ms buckets up to 100 ms (last = overflow)
  private latencyMax = 0;

  async close(): Promise<void> {
    for (const client of this.clients) client.socket.close(1001, "recorder stopping");
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private series(symbol: string, interval: string): Bar[] {
    const key = `${symbol}|${interval}`;
    let list = this.bars.get(key);
    if (!list) {
      this.bars.set(key, (list = interval === "1s" ? [] : fromSeconds(this.bars.get(`${symbol}|1s`) ?? [], intervalMs(interval))));
      let entries = this.bySymbol.get(symbol);
      if (!entries) this.bySymbol.set(symbol, (entries = []));
      entries.push({key, list, interval: intervalMs(interval)});
    }
    return list;
  }

  /** Sends a message to every connected page (alert events). */
  broadcast(message: unknown): void {
    for (const client of this.clients) this.send(client, message);
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    // Pages served from the preview or a static server on another port use this API too.
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "content-type");
    if (req.method === "OPTIONS") {
      res.writeHead(204);
      res.end();
      return;
    }
    if (this.options.http && (await this.options.http(req, res, url))) return;
    if (path === "/health") {
      res.writeHead(200, {"content-type": "application/json"});
      res.end(JSON.stringify({...(this.options.health() as object), liveClients: this.clients.size}));
      return;
    }
    res.writeHead(404, {"content-type": "application/json"});
    res.end(JSON.stringify({error: "not found; try GET /health, /alerts/rules, /alerts/events or a WebSocket connection"}));
  }

  private handleClient(socket: WebSocket): void {
    const client: Client = {socket, subscriptions: new Set(), dirty: new Map(), oldest: 0};
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on("error", () => this.clients.delete(client));
    socket.on("message", (data) => {
      let message: {type?: unknown; symbols?: unknown; interval?: unknown};
      try {
        message = JSON.parse(data.toString());
      } catch {
        return this.send(client, {type: "error", message: "malformed JSON"});
      }
      if (message.type !== "subscribe") return this.send(client, {type: "error", message: `unknown message type ${JSON.stringify(message.type)}`});
      const interval = typeof message.interval === "string" ? message.interval : "1s";
      try {
        intervalMs(interval);
      } catch (error) {
        return this.send(client, {type: "error", message: (error as Error).message});
      }
      const symbols = Array.isArray(message.symbols) ? message.symbols.map(String) : [];
      for (const symbol of symbols) {
        if (!this.symbols.has(symbol)) {
          this.send(client, {type: "error", message: `not recording ${symbol} (recording ${[...this.symbols].join(", ")})`});
          continue;
        }
        client.subscriptions.add(`${symbol}|${interval}`);
        this.send(client, {type: "snapshot", symbol, interval, bars: this.series(symbol, interval).map(toWire)});
      }
    });
    this.send(client, {type: "hello", symbols: [...this.symbols]});
  }

  private send(client: Client, message: unknown): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(JSON.stringify(message));
    this.messagesSent++;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const {maxBufferedBytes = 4 << 20, stuckMs = 10_000} = this.options;
    const now = Date.now();
    for (const client of this.clients) {
      if (client.dirty.size === 0) continue;
      if (client.socket.bufferedAmount > maxBufferedBytes) {
        client.stuckSince ??= now;
        if (now - client.stuckSince > stuckMs) {
          this.options.log?.("live feed: disconnecting a client that stopped reading");
          client.socket.close(1008, "client too slow: stopped reading the live feed");
          this.clients.delete(client);
        }
        continue; // keep the dirty bars: they coalesce until the client catches up
      }
      client.stuckSince = undefined;
      for (const [key, bar] of client.dirty) {
        const [symbol, interval] = key.split("|");
        this.send(client, {type: "bar", symbol, interval, bar: toWire(bar)});
      }
      const latency = performance.now() - client.oldest;
      this.latencies[Math.min(this.latencies.length - 1, Math.floor(latency * 100))]++;
      if (latency > this.latencyMax) this.latencyMax = latency;
      client.dirty.clear();
    }
  }
}

/** Adds a trade to the bar list (sorted by start), creating its bar if needed. Returns the bar touched. */
function upsert(list: Bar[], trade: Trade, interval: number, maxBars: number): Bar | undefined {
  const start = bucketStart(trade.time, interval);
  for (let i = list.length - 1; i >= 0; --i) {
    if (list[i].start === start) return addTrade(list[i], trade);
    if (list[i].start < start) {
      const bar = barOf(trade, interval);
      list.splice(i + 1, 0, bar);
      if (list.length > maxBars) list.shift();
      return bar;
    }
  }
  if (list.length >= maxBars) return undefined; // older than anything kept
  const bar = barOf(trade, interval);
  list.unshift(bar);
  return bar;
}

/**
 * Bars of a coarser interval built from the 1-second bars kept so far, so a first subscriber to 1m
 * also gets a snapshot. Folding bars (first open, last close, extremes, sums) gives exactly the bar
 * the same trades would give, since every 1 s bucket lies inside one coarser bucket.
 */
function fromSeconds(seconds: readonly Bar[], interval: number): Bar[] {
  const out: Bar[] = [];
  for (const bar of seconds) {
    const start = bucketStart(bar.start, interval);
    const last = out[out.length - 1];
    if (!last || last.start !== start) {
      out.push({...bar, start});
      continue;
    }
    if (bar.openTime < last.openTime || (bar.openTime === last.openTime && bar.firstId < last.firstId)) (last.open = bar.open), (last.openTime = bar.openTime), (last.firstId = bar.firstId);
    if (bar.closeTime > last.closeTime || (bar.closeTime === last.closeTime && bar.lastId > last.lastId)) (last.close = bar.close), (last.closeTime = bar.closeTime), (last.lastId = bar.lastId);
    last.high = Math.max(last.high, bar.high);
    last.low = Math.min(last.low, bar.low);
    last.volume += bar.volume;
    last.quoteVolume += bar.quoteVolume;
    last.count += bar.count;
    last.takerBuyVolume += bar.takerBuyVolume;
    last.vwap = last.quoteVolume / last.volume;
  }
  return out;
}
