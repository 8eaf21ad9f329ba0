// The recorder's local live feed: pages subscribe to symbols and a bar interval over WebSocket, get a
// snapshot of recent bars, then every bar change. Bars come from src/lib/bars.ts, the same definition
// the loaders use. Every request and upgrade passes the access policy (access.ts: Host, Origin,
// token); every client frame is validated (clientMessages.ts) and every client is bounded
// (liveLimits.ts). A slow or hostile client is closed with a reason; it never slows the recorder down,
// and nothing it sends can throw out of here. Unfilled gaps go to the subscribers of their symbol as
// they are recorded, and with every snapshot (the latest `maxGapsKept` per symbol), so pages flag
// their buckets as the loaders flag the lake's gap records.
import {createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES} from "node:http";
import type {Duplex} from "node:stream";
import {WebSocketServer, type WebSocket} from "ws";
import {type Bar, intervalMs, type Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import type {LiveFeedHealth} from "../src/protocol/health.js";
import {type LiveGap, type LiveGapMessage, type LiveMessage, toWire} from "../src/protocol/liveWire.js";
import {type AccessOptions, AccessPolicy} from "./access.js";
import {fromSeconds, upsert} from "./barSeries.js";
import {LiveClient} from "./liveClient.js";
import {maxClients, maxConnections, maxFrameBytes, requestTimeoutMs, slowClientBytes} from "./liveLimits.js";

export interface LiveHubOptions {
  host: string;
  port: number;
  /** Symbols the recorder records; subscriptions to others are refused. */
  symbols: readonly string[];
  /** JSON for GET /health (the recorder's part: src/protocol/health.ts); the hub adds its LiveFeedHealth. */
  health: () => unknown;
  /** Further HTTP routes (the alerts API): return true when the request was handled. */
  http?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** Origins and token beyond the defaults (see access.ts). */
  access?: Omit<AccessOptions, "host">;
  /** Recent bars kept per symbol and interval for snapshots. */
  maxBars?: number;
  /** A client whose unsent bytes stay above this (default `slowClientBytes`) for `stuckMs` (default 10 s) is disconnected. */
  maxBufferedBytes?: number;
  stuckMs?: number;
  log?: (line: string) => void;
}

/** Unfilled gaps kept per symbol for snapshots (the latest; older ones are still in the lake's gap records). */
export const maxGapsKept = 100;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {"content-type": "application/json"});
  res.end(JSON.stringify(body));
}

function parseUrl(text: string | undefined): URL | null {
  try {
    return new URL(text ?? "/", "http://localhost");
  } catch {
    return null; // e.g. "//": a request no client of ours sends
  }
}

export class LiveHub {
  private readonly bars = new Map<string, Bar[]>(); // "SYMBOL|interval" → recent bars, by start
  private readonly bySymbol = new Map<string, {key: string; list: Bar[]; interval: number}[]>(); // the same, per symbol, for the hot path
  private readonly clients = new Set<LiveClient>();
  private readonly symbols: Set<string>;
  private readonly gaps = new Map<string, LiveGap[]>(); // per symbol, unfilled gaps recorded since start, oldest first
  private readonly access: AccessPolicy;
  private readonly sweeper: NodeJS.Timeout;
  private flushScheduled = false;
  messagesSent = 0;
  /** Clients closed for breaking a limit, and requests or upgrades refused by the access policy. */
  clientsDropped = 0;
  requestsRefused = 0;

  private constructor(private readonly options: LiveHubOptions, private readonly server: Server, private readonly wss: WebSocketServer) {
    this.symbols = new Set(options.symbols);
    this.access = new AccessPolicy({host: options.host, ...options.access});
    // 1-second bars are always kept, so the first subscriber already gets a snapshot.
    for (const symbol of options.symbols) this.series(symbol, "1s");
    // Clients that stopped reading are found even when nothing is sent to them.
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, (options.stuckMs ?? 10_000) / 2)).unref();
  }

  /** Starts listening; rejects with a clear error when the port is taken or the address is not this machine's. */
  static async start(options: LiveHubOptions): Promise<LiveHub> {
    const server = createServer({requestTimeout: requestTimeoutMs});
    server.maxConnections = maxConnections;
    const wss = new WebSocketServer({noServer: true, maxPayload: maxFrameBytes});
    const hub = new LiveHub(options, server, wss); // (AccessPolicy throws here on a bad origin or token)
    server.on("request", (req, res) => hub.handleHttp(req, res).catch((error: Error) => hub.failed(res, error)));
    server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    let listening = false;
    await new Promise<void>((resolve, reject) => {
      // One listener for the server's whole life: an 'error' after listen (e.g. EMFILE on accept) is logged, never thrown.
      server.on("error", (error: NodeJS.ErrnoException) => {
        if (listening) return options.log?.(`live feed: server error: ${error.message}`);
        clearInterval(hub.sweeper);
        const where = `${options.host}:${options.port}`;
        reject(new Error(error.code === "EADDRINUSE" ? `live feed port ${where} is already in use (another recorder running? use --live-port)` : `live feed cannot listen on ${where}: ${error.message}`));
      });
      server.listen(options.port, options.host, () => ((listening = true), resolve()));
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
      for (const client of this.clients) client.touch(key, bar, receivedAt);
    }
    this.scheduleFlush();
  }

  /**
   * An unfilled gap recorded (a restart's hole, one the exchange cannot fill): sent at once to the
   * clients subscribed to its symbol, and kept (the latest `maxGapsKept`) for the next snapshots.
   * Filled gaps change no bar and are not sent.
   */
  onGap(gap: Pick<GapRecord, "symbol" | "fromTime" | "toTime" | "filled">): void {
    if (gap.filled || !this.symbols.has(gap.symbol)) return;
    const range: LiveGap = {from: gap.fromTime, to: gap.toTime};
    let list = this.gaps.get(gap.symbol);
    if (!list) this.gaps.set(gap.symbol, (list = []));
    list.push(range);
    if (list.length > maxGapsKept) list.shift();
    const text = JSON.stringify({type: "gap", symbol: gap.symbol, ...range} satisfies LiveGapMessage);
    for (const client of this.clients) this.messagesSent += Number(client.sendGap(gap.symbol, text));
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

  /** Closes every client (1001; those that do not answer within 1 s are cut) and the server. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const sockets = [...this.wss.clients];
    const closed = Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.readyState === socket.CLOSED ? resolve(null) : socket.once("close", resolve)))));
    for (const socket of sockets) socket.close(1001, "recorder stopping");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    for (const socket of this.wss.clients) socket.terminate(); // a client that stopped reading never answers
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Recent bars of a symbol and interval, created (from the 1 s bars) on first use. */
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
  broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const client of this.clients) this.messagesSent += Number(client.sendText(text));
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("vary", "origin");
    const url = parseUrl(req.url);
    if (!url) return json(res, 400, {error: "malformed request URL"});
    const decision = this.access.check(req.method ?? "GET", req.headers, url);
    if (!decision.ok) return (this.requestsRefused++, json(res, decision.status, {error: decision.error}));
    for (const [name, value] of Object.entries(AccessPolicy.corsHeaders(decision.origin, req.headers))) res.setHeader(name, value);
    if (req.method === "OPTIONS") return void (res.writeHead(204), res.end());
    if (this.options.http && (await this.options.http(req, res, url))) return;
    if (url.pathname === "/health") {
      const live: LiveFeedHealth = {liveClients: this.clients.size, liveClientsDropped: this.clientsDropped, liveRequestsRefused: this.requestsRefused};
      return json(res, 200, {...(this.options.health() as object), ...live});
    }
    json(res, 404, {error: "not found; try GET /health, /alerts/rules, /alerts/events or a WebSocket connection"});
  }

  /** A route that threw: 500 with its message (or the connection cut if the answer had started). */
  private failed(res: ServerResponse, error: Error): void {
    this.options.log?.(`live feed: ${error.message}`);
    try {
      if (res.headersSent) res.destroy();
      else json(res, 500, {error: error.message});
    } catch {
      res.destroy();
    }
  }

  /** Checks an upgrade before the handshake: refused ones get a JSON HTTP answer and never become WebSockets. */
  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {}); // a peer that resets mid-handshake is not our error
    const url = parseUrl(req.url);
    const decision = url ? this.access.check("GET", req.headers, url) : {ok: false as const, status: 400 as const, error: "malformed request URL"};
    if (!decision.ok) this.requestsRefused++;
    const refusal = !decision.ok ? decision : this.clients.size >= maxClients ? {status: 503, error: `too many live clients (limit ${maxClients}); try again later`} : null;
    if (refusal) {
      const body = JSON.stringify({error: refusal.error});
      const head = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nvary: origin\r\nconnection: close\r\n\r\n`;
      return void socket.end(head + body, () => socket.destroy());
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.handleClient(ws));
  }

  private handleClient(socket: WebSocket): void {
    const {maxBufferedBytes = slowClientBytes, stuckMs = 10_000} = this.options;
    let client: LiveClient | undefined = undefined;
    client = new LiveClient(socket, {
      symbols: this.symbols, series: (symbol, interval) => this.series(symbol, interval).map(toWire), gaps: (symbol) => this.gaps.get(symbol) ?? [], maxBufferedBytes, stuckMs,
      onSent: () => this.messagesSent++,
      onClose: (reason) => {
        if (client) this.clients.delete(client);
        if (reason === null) return;
        // Logged, but not every one: a page that reconnects in a loop must not fill the disk with lines.
        if (++this.clientsDropped <= 20 || this.clientsDropped % 1000 === 0) this.options.log?.(`live feed: closed client #${this.clientsDropped}: ${reason}`);
      },
      log: (line) => this.options.log?.(line)
    });
    this.clients.add(client);
  }

  private sweep(): void {
    const now = Date.now();
    for (const client of this.clients) client.sweep(now);
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
    const now = Date.now();
    for (const client of this.clients) {
      const oldest = client.flush(now);
      if (oldest === null) continue;
      const latency = performance.now() - oldest;
      this.latencies[Math.min(this.latencies.length - 1, Math.floor(latency * 100))]++;
      if (latency > this.latencyMax) this.latencyMax = latency;
    }
  }
}
