// The live analytics channel, ws /api/v1/live on `pairbook serve`'s HTTP server: clients subscribe to
// a pair with the report's settings and get its rows (time, closes, β, spread, z, position, signal),
// seeded from the lake, then pushed as the recorder's live feed (liveUpstream.ts) changes them. Every
// upgrade passes the same gate as the HTTP API (Host, Origin, token) before the handshake: a refused
// one gets a JSON HTTP answer and never becomes a WebSocket, and no origin is ever echoed.
import type {IncomingMessage} from "node:http";
import {STATUS_CODES} from "node:http";
import type {Duplex} from "node:stream";
import {WebSocketServer} from "ws";
import {type ChannelLimits, defaultChannelLimits, maxClientFrameBytes} from "./channelLimits.js";
import {LiveSocket, type LiveSocketHost} from "./liveSocket.js";
import type {LiveSubscription} from "./liveSubscription.js";
import {LiveUpstream} from "./liveUpstream.js";
import type {RouteContext, ServeLimits} from "./route.js";
import type {RequestGate} from "./server.js";

/** The channel's path. */
export const livePath = "/api/v1/live";

/** The recorder's live feed when serve is not told otherwise (`pairbook record`'s default --live-port). */
export const defaultLiveUrl = "ws://127.0.0.1:8787";

export interface LiveChannelOptions {
  readonly lake: string;
  readonly gate: RequestGate;
  readonly limits: ServeLimits;
  readonly now: () => number;
  /** The recorder's live-feed URL (default `defaultLiveUrl`). */
  readonly liveUrl?: string;
  /** Reconnect backoff, first and largest delay in ms (default 500 and 30 000). */
  readonly backoffMs?: readonly [number, number];
  /** Lower bounds than channelLimits.ts's (tests, benches); each one not given keeps its default. */
  readonly channelLimits?: Partial<ChannelLimits>;
  readonly log: (line: string) => void;
}

export class LiveChannel {
  private readonly wss = new WebSocketServer({noServer: true, maxPayload: maxClientFrameBytes});
  private readonly sockets = new Set<LiveSocket>();
  private readonly upstream: LiveUpstream;
  private readonly host: LiveSocketHost;
  private flushing = false;
  private readonly sweeper: NodeJS.Timeout;
  private readonly bounds: ChannelLimits;

  constructor(private readonly options: LiveChannelOptions) {
    const bounds = (this.bounds = {...defaultChannelLimits, ...options.channelLimits});
    this.upstream = new LiveUpstream({
      url: options.liveUrl ?? defaultLiveUrl,
      backoffMs: options.backoffMs,
      log: options.log,
      onStatus: (status) => {
        // Rows of the bars received before the change go first.
        this.flush();
        for (const socket of this.sockets) socket.send({type: "status", ...status});
      },
      onBars: (symbol, interval, bars) => this.each((sub) => sub.interval === interval && sub.addBars(symbol, bars)),
      onGap: (symbol, gap) => this.each((sub) => sub.addGap(symbol, gap)),
      onFunding: (symbol, events) => this.each((sub) => sub.addFunding(symbol, events)),
    });
    const {lake, limits, now} = options;
    const upstream = this.upstream;
    this.host = {
      total: 0,
      limits: bounds,
      context: (params): RouteContext => ({lake, limits, now, params}),
      attach(sub) {
        for (const symbol of sub.symbols) {
          const kept = upstream.want(symbol, sub.interval);
          for (const gap of kept.gaps) sub.addGap(symbol, gap);
          sub.addFunding(symbol, kept.funding);
          sub.addBars(symbol, kept.bars);
        }
        const missing = sub.symbols.filter((s) => upstream.recording && !upstream.recording.has(s));
        return missing.length ? `the recorder at ${upstream.shown} does not record ${missing.join(", ")}: no live bars for it` : null;
      },
      detach: (sub) => sub.symbols.forEach((symbol) => upstream.release(symbol, sub.interval)),
      status: () => ({...upstream.status}),
      log: options.log,
    };
    // Clients that stopped reading are found even when no live bar comes.
    this.sweeper = setInterval(() => this.flush(), bounds.sweepMs).unref();
  }

  /** Takes an upgrade of `livePath`: checked by the gate first, then handed to ws. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {}); // a peer that resets mid-handshake is not our error
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return refuse(socket, 400, "malformed request URL");
    }
    const decision = this.options.gate.check("GET", req.headers, url);
    const refusal = !decision.ok
      ? decision
      : url.pathname !== livePath
        ? {status: 404, error: `no WebSocket at ${url.pathname.slice(0, 120)} (the live channel is ${livePath})`}
        : this.sockets.size >= this.bounds.sockets
          ? {status: 503, error: `too many live channel clients (limit ${this.bounds.sockets}); try again later`}
          : null;
    if (refusal) return refuse(socket, refusal.status, refusal.error);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new LiveSocket(ws, this.host, () => this.sockets.delete(client));
      this.sockets.add(client);
    });
  }

  /** Closes every client (1001) and the recorder connection. */
  close(): void {
    clearInterval(this.sweeper);
    this.upstream.close();
    for (const ws of this.wss.clients) ws.close(1001, "pairbook serve stopping");
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  /** Runs `f` on every subscription, then sends what changed (once per turn of the event loop). */
  private each(f: (sub: LiveSubscription) => unknown): void {
    for (const socket of this.sockets) for (const sub of socket.subscriptions.values()) f(sub);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => ((this.flushing = false), this.flush()));
  }

  private flush(): void {
    const now = Date.now();
    for (const socket of this.sockets) socket.flush(now);
  }
}

/** A refused upgrade: a JSON HTTP answer, then the connection closed. */
function refuse(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({error});
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}
