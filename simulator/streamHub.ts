import type {Duplex} from "node:stream";
import type {WebSocket} from "ws";
import type {Instrument} from "./instruments.js";
import type {Outbound} from "./outbound.js";
import {StreamClient} from "./streamClient.js";
import {streamEnvelopes, type TradeFrames, tradeFrames} from "./tradeFrames.js";

export interface StreamHubOptions {
  readonly instruments: readonly Instrument[];
  /** The trade stream type: spot's `<symbol>@trade` or USD-M's `<symbol>@aggTrade`; default "trade". */
  readonly tradeStream?: "trade" | "aggTrade";
  /** Server ping period; Binance pings every 20 s. */
  readonly pingIntervalMs: number;
  /** A client silent (no pong) this long is dropped; Binance allows 1 minute. */
  readonly pongTimeoutMs: number;
  /** Incoming frames per second (text, binary, pings) before a client is disconnected; Binance: 5. */
  readonly maxIncomingPerSecond: number;
  /** A client whose unsent backlog exceeds this many bytes is dropped, as an exchange drops slow readers. */
  readonly maxBufferedBytes: number;
  /** Called once per trade message the kernel accepted for a client socket. */
  readonly onWritten: (symbolIndex: number, id: number) => void;
}

/** What a fault did to the connected clients: how many it touched. */
export interface ClientCount {
  readonly clients: number;
}

/**
 * The WebSocket half of the simulator: holds the clients (each keeps its subscriptions and answers
 * its control messages, simulator/streamClient.ts), pings, enforces Binance's connection rules, and
 * fans trades out one message per trade. Each tick's frames are built once per distinct (combined?,
 * subscriptions) shape (simulator/tradeFrames.ts) and written with one socket write per client. Also
 * the fault surface for connections (drop, stall, rotate, garbage).
 */
export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private readonly tradeStreams: Map<string, number>;
  private readonly streamNames: string[];
  /** The combined-stream envelope's head per instrument (streamEnvelopes); the Venue's Outbound writes them too. */
  readonly envelopes: Buffer[];
  private readonly pingTimer: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Whether any client ever subscribed to a trade stream (replays start then). */
  hadSubscriber = false;

  constructor(private readonly options: StreamHubOptions) {
    this.streamNames = options.instruments.map((i) => `${i.symbol.toLowerCase()}@${options.tradeStream ?? "trade"}`);
    this.tradeStreams = new Map(this.streamNames.map((s, k) => [s, k]));
    this.envelopes = streamEnvelopes(this.streamNames);
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Takes over an upgraded socket (`raw` is its TCP socket), subscribed to the streams named in its
   * URL. A `deaf` client (one on a USD-M route other than /market) keeps its subscriptions but gets no
   * data on them, as fstream silently sends nothing for `@aggTrade` there.
   */
  accept(socket: WebSocket, raw: Duplex, combined: boolean, streams: readonly string[], deaf = false): void {
    const client = new StreamClient(socket, raw, combined, deaf ? new Map() : this.tradeStreams, deaf);
    this.clients.add(client);
    client.subscribe(streams);
    this.noteSubscriber(client);
    socket.on("message", (data, isBinary) => {
      if (this.overLimit(client)) return;
      // Binance answers anything but a JSON text frame with an error too.
      client.control(
        isBinary ? "" : (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString(),
      );
      this.noteSubscriber(client);
    });
    // The server is made with autoPong off, so that a stalled connection does not pong either.
    socket.on("ping", (data) => {
      if (!this.overLimit(client) && !client.silent(performance.now())) socket.pong(data);
    });
    socket.on("pong", () => (client.lastPong = performance.now()));
    socket.on("error", () => socket.terminate());
    socket.on("close", () => this.drop(client));
  }

  /** Whether some subscribed client has more than `bytes` queued (a replay at full speed waits for it). */
  backlogged(bytes: number): boolean {
    for (const client of this.clients) if (client.tradeStreams > 0 && client.open && client.socket.bufferedAmount > bytes) return true;
    return false;
  }

  /** Sends each message of `out` to the clients subscribed to its symbol's trade stream. */
  publish(out: Outbound): void {
    if (out.length === 0) return;
    const {maxBufferedBytes, onWritten} = this.options;
    const now = performance.now();
    const built = new Map<string, TradeFrames>();
    // The Outbound's own bytes go back to it once the last socket write of them completed (and this loop is over).
    let wired: Buffer | undefined,
      writing = 1;
    const written = () => void (--writing === 0 && wired && out.recycle(wired));
    for (const client of this.clients) {
      if (client.tradeStreams === 0 || !client.open || client.silent(now)) continue;
      if (client.socket.bufferedAmount > maxBufferedBytes) {
        client.socket.terminate();
        continue;
      }
      let frames = built.get(client.key);
      if (!frames) built.set(client.key, (frames = tradeFrames(out, client.wants, client.combined, this.envelopes)));
      if (frames.id.length === 0) continue;
      const {symbol, id, wire} = frames;
      if (wire) ((wired = frames.bytes), ++writing);
      client.raw.write(frames.bytes, (error) => {
        if (!error) for (let i = 0; i < id.length; ++i) onWritten(symbol[i], id[i]);
        if (wire) written();
      });
    }
    written();
  }

  /**
   * Sends one JSON `payload` (a low-rate stream such as `btcusdt@markPrice@1s`) to every client
   * subscribed to `stream`, bare or wrapped in the combined envelope.
   */
  publishText(stream: string, payload: string): void {
    const now = performance.now();
    for (const client of this.clients) {
      if (client.deaf || !client.open || client.silent(now) || !client.streams.has(stream)) continue;
      client.socket.send(client.combined ? `{"stream":"${stream}","data":${payload}}` : payload);
    }
  }

  /** Drops every connection abruptly: TCP torn down, no close frame. */
  disconnectAll(): ClientCount {
    const clients = [...this.clients];
    for (const client of clients) client.socket.terminate();
    return {clients: clients.length};
  }

  /** Keeps every current connection open but sends it nothing (no trades, pings, pongs or replies) for `ms`. */
  stall(ms: number): ClientCount {
    const until = performance.now() + ms;
    for (const client of this.clients) {
      client.silentUntil = until;
      client.lastPong = until; // the pong deadline starts over when pings resume
    }
    return {clients: this.clients.size};
  }

  /** Closes (1000, like Binance's 24-hour limit) every connection at least `ageMs` old. */
  rotate(ageMs: number): ClientCount {
    const now = performance.now();
    let clients = 0;
    for (const client of this.clients) {
      if (client.open && now - client.openedAt >= ageMs) {
        client.socket.close(1000, "connection lifetime exceeded");
        ++clients;
      }
    }
    return {clients};
  }

  /**
   * Sends every connection the serverShutdown event `payload` — bare, wrapped as a combined-stream
   * message (`{"stream":"serverShutdown","data":…}`) on combined connections, or both — then closes
   * those connections with 1001 after `graceMs`. Connections opened meanwhile are left alone.
   */
  shutdown(payload: string, format: "bare" | "wrapped" | "both", graceMs: number): ClientCount {
    const clients = [...this.clients].filter((c) => c.open);
    for (const client of clients) {
      if (format !== "wrapped" || !client.combined) client.socket.send(payload);
      if (format !== "bare" && client.combined) client.socket.send(`{"stream":"serverShutdown","data":${payload}}`);
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      for (const client of clients) if (client.open) client.socket.close(1001, "server shutdown");
    }, graceMs);
    this.timers.add(timer);
    return {clients: clients.length};
  }

  /** Sends raw (garbage) messages, text or binary as given, to every open, non-stalled connection. */
  sendRaw(messages: (combined: boolean) => ReadonlyArray<string | Uint8Array>): ClientCount {
    const now = performance.now();
    let clients = 0;
    for (const client of this.clients) {
      if (!client.open || client.silent(now)) continue;
      for (const message of messages(client.combined)) client.socket.send(message, {binary: typeof message !== "string"});
      ++clients;
    }
    return {clients};
  }

  /** Stops pinging and closes every client with a normal close frame once its queued messages are out. */
  async close(timeoutMs = 5000): Promise<void> {
    clearInterval(this.pingTimer);
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(
      [...this.clients].map(
        ({socket}) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            const timer = setTimeout(() => socket.terminate(), timeoutMs);
            socket.once("close", () => (clearTimeout(timer), resolve()));
            socket.close(1000, "simulator closing");
          }),
      ),
    );
  }

  /** Replays start once any client subscribed to a trade stream. */
  private noteSubscriber(client: StreamClient): void {
    if (client.tradeStreams > 0) this.hadSubscriber = true;
  }

  private drop(client: StreamClient): void {
    this.clients.delete(client);
  }

  /** Counts one incoming frame; past the per-second limit the client is disconnected, as Binance does. */
  private overLimit(client: StreamClient): boolean {
    if (!client.overLimit(this.options.maxIncomingPerSecond)) return false;
    client.socket.close(1008, "Too many requests");
    this.drop(client);
    return true;
  }

  private pingAll(): void {
    const now = performance.now();
    for (const client of this.clients) {
      if (client.silent(now)) continue;
      if (now - client.lastPong > this.options.pongTimeoutMs) {
        client.socket.terminate();
        this.drop(client);
      } else if (client.open) {
        client.socket.ping();
      }
    }
  }
}
