// The recorder's local live feed: pages subscribe to symbols and a bar interval over WebSocket, get a
// snapshot of recent bars, then every bar change. Bars come from src/lib/bars.ts, the same definition
// the loaders use (liveSnapshots.ts keeps them). Every request and upgrade passes the access policy
// (liveServer.ts); every client frame is validated (clientMessages.ts) and every client is bounded
// (liveLimits.ts). A slow or hostile client is closed with a reason; it never slows the recorder down,
// and nothing it sends can throw out of here. Unfilled gaps go to the subscribers of their symbol as
// they are recorded, and with every snapshot (the latest `maxGapsKept` per symbol), so pages flag
// their buckets as the loaders flag the lake's gap records. Funding events of a perpetual go the same
// way as they are stored (and the latest with every snapshot), so pages and serve charge them at once.
import type {WebSocket} from "ws";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import type {LiveFeedHealth} from "../src/protocol/health.js";
import type {FundingRecord} from "../lake/funding.js";
import {
  type LiveFunding,
  type LiveFundingMessage,
  type LiveGap,
  type LiveGapMessage,
  type LiveMessage,
  toWire,
} from "../src/protocol/liveWire.js";
import {LatencyHistogram} from "./latencyHistogram.js";
import {LiveClient} from "./liveClient.js";
import {slowClientBytes} from "./liveLimits.js";
import {type LiveServerOptions, LiveServer} from "./liveServer.js";
import {LiveSnapshots} from "./liveSnapshots.js";

export interface LiveHubOptions extends LiveServerOptions {
  /** Symbols the recorder records; subscriptions to others are refused. */
  symbols: readonly string[];
  /** Recent bars kept per symbol and interval for snapshots. */
  maxBars?: number;
  /** A client whose unsent bytes stay above this (default `slowClientBytes`) for `stuckMs` (default 10 s) is disconnected. */
  maxBufferedBytes?: number;
  stuckMs?: number;
}

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly symbols: Set<string>;
  private readonly snapshots: LiveSnapshots;
  private readonly latencies = new LatencyHistogram();
  private readonly server: LiveServer;
  private readonly sweeper: NodeJS.Timeout;
  private flushScheduled = false;
  messagesSent = 0;
  /** Clients closed for breaking a limit. */
  clientsDropped = 0;

  private constructor(private readonly options: LiveHubOptions) {
    this.symbols = new Set(options.symbols);
    this.snapshots = new LiveSnapshots(options.symbols, options.maxBars ?? 3600);
    // (LiveServer throws here on a bad origin or token.)
    this.server = new LiveServer(options, {
      clientCount: () => this.clients.size,
      accept: (socket) => this.handleClient(socket),
      live: (): LiveFeedHealth => ({
        liveClients: this.clients.size,
        liveClientsDropped: this.clientsDropped,
        liveRequestsRefused: this.server.requestsRefused,
      }),
    });
    // Clients that stopped reading are found even when nothing is sent to them.
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, (options.stuckMs ?? 10_000) / 2)).unref();
  }

  /** Starts listening; rejects with a clear error when the port is taken or the address is not this machine's. */
  static async start(options: LiveHubOptions): Promise<LiveHub> {
    const hub = new LiveHub(options);
    try {
      await hub.server.listen();
    } catch (error) {
      clearInterval(hub.sweeper);
      throw error;
    }
    return hub;
  }

  get port(): number {
    return this.server.port;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Requests and upgrades refused by the access policy. */
  get requestsRefused(): number {
    return this.server.requestsRefused;
  }

  /**
   * Folds a stored trade into the bars of every interval someone has subscribed to (1s always).
   * `receivedAt` (performance.now() when its frame arrived) feeds the receive → send latency figures.
   */
  onTrade(symbol: string, trade: Trade, receivedAt = performance.now()): void {
    this.snapshots.add(symbol, trade, (key, bar) => {
      for (const client of this.clients) client.touch(key, bar, receivedAt);
    });
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
    this.snapshots.addGap(gap.symbol, range);
    const text = JSON.stringify({type: "gap", symbol: gap.symbol, ...range} satisfies LiveGapMessage);
    for (const client of this.clients) this.messagesSent += Number(client.sendToFollowers(gap.symbol, text));
  }

  /**
   * Funding events of a perpetual just stored in the lake (fundingRecorder.ts): kept for the next
   * snapshots and sent at once to the clients subscribed to it, those that change what is kept only.
   */
  onFunding(symbol: string, records: readonly FundingRecord[]): void {
    if (!this.symbols.has(symbol) || records.length === 0) return;
    const events = records.map((r): LiveFunding => ({time: r.fundingTime, rate: r.rate, mark: r.markPrice, source: r.source}));
    if (!this.snapshots.addFunding(symbol, events)) return;
    // The kept event of each time named (as merged: a settled one is never replaced by an estimate).
    const times = new Set(events.map((e) => e.time));
    const changed = (this.snapshots.fundingOf(symbol) ?? []).filter((e) => times.has(e.time));
    const text = JSON.stringify({type: "funding", symbol, events: changed} satisfies LiveFundingMessage);
    for (const client of this.clients) this.messagesSent += Number(client.sendToFollowers(symbol, text));
  }

  /** Receive → send latency of live updates, ms: {count, p50, p99, max} since the last reset. */
  latency(reset = false): {count: number; p50: number; p99: number; max: number} {
    return this.latencies.summary(reset);
  }

  /** Sends a message to every connected page (alert events). */
  broadcast(message: LiveMessage): void {
    const text = JSON.stringify(message);
    for (const client of this.clients) this.messagesSent += Number(client.sendText(text));
  }

  /** Closes every client (1001; those that do not answer within 1 s are cut) and the server. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.server.close();
    this.clients.clear();
  }

  private handleClient(socket: WebSocket): void {
    const {maxBufferedBytes = slowClientBytes, stuckMs = 10_000} = this.options;
    let client: LiveClient | undefined = undefined;
    client = new LiveClient(socket, {
      symbols: this.symbols,
      series: (symbol, interval) => this.snapshots.series(symbol, interval).map(toWire),
      gaps: (symbol) => this.snapshots.gapsOf(symbol),
      funding: (symbol) => this.snapshots.fundingOf(symbol),
      maxBufferedBytes,
      stuckMs,
      onSent: () => this.messagesSent++,
      onClose: (reason) => {
        if (client) this.clients.delete(client);
        if (reason === null) return;
        // Logged, but not every one: a page that reconnects in a loop must not fill the disk with lines.
        if (++this.clientsDropped <= 20 || this.clientsDropped % 1000 === 0)
          this.options.log?.(`live feed: closed client #${this.clientsDropped}: ${reason}`);
      },
      log: (line) => this.options.log?.(line),
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
      if (oldest !== null) this.latencies.record(performance.now() - oldest);
    }
  }
}
