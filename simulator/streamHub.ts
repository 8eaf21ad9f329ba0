import type {Duplex} from "node:stream";
import type {WebSocket} from "ws";
import {frameHeaderLength, writeTextFrameHeader} from "./frames.js";
import type {Instrument} from "./instruments.js";
import type {Outbound} from "./outbound.js";
import {maxStreamsPerConnection, parseControl} from "./streamRequest.js";

export interface StreamHubOptions {
  readonly instruments: readonly Instrument[];
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

class Client {
  readonly streams = new Set<string>();
  /** 1 for each instrument whose trade stream the client is subscribed to. */
  readonly wants: Uint8Array;
  /** Clients with the same key receive the same bytes for a tick. */
  key = "";
  tradeStreams = 0;
  readonly openedAt = performance.now();
  lastPong = performance.now();
  /** Stall fault: nothing is sent (trades, pings, pongs, replies) before this time. */
  silentUntil = 0;
  windowStart = 0;
  windowCount = 0;
  constructor(readonly socket: WebSocket, readonly raw: Duplex, public combined: boolean, instruments: number) {
    this.wants = new Uint8Array(instruments);
  }
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }
  silent(now: number): boolean {
    return now < this.silentUntil;
  }
}

/** What a fault did to the connected clients: how many it touched. */
export interface ClientCount {
  readonly clients: number;
}

/**
 * The WebSocket half of the simulator: tracks each client's subscriptions, answers control
 * messages, pings, enforces Binance's connection rules, and fans trades out one message per trade.
 * Each tick's frames are built once per distinct (combined?, subscriptions) shape and written with
 * one socket write per client. Also the fault surface for connections (drop, stall, rotate, garbage).
 */
export class StreamHub {
  private readonly clients = new Set<Client>();
  private readonly tradeStreams: Map<string, number>;
  private readonly streamNames: string[];
  // `{"stream":"<symbol>@trade","data":` per instrument: the combined-stream envelope's head.
  private readonly envelopes: Buffer[];
  private readonly pingTimer: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Whether any client ever subscribed to a trade stream (replays start then). */
  hadSubscriber = false;

  constructor(private readonly options: StreamHubOptions) {
    this.streamNames = options.instruments.map((i) => `${i.symbol.toLowerCase()}@trade`);
    this.tradeStreams = new Map(this.streamNames.map((s, k) => [s, k]));
    this.envelopes = this.streamNames.map((s) => Buffer.from(`{"stream":"${s}","data":`, "latin1"));
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over an upgraded socket (`raw` is its TCP socket), subscribed to the streams named in its URL. */
  accept(socket: WebSocket, raw: Duplex, combined: boolean, streams: readonly string[]): void {
    const client = new Client(socket, raw, combined, this.options.instruments.length);
    this.clients.add(client);
    this.subscribe(client, streams);
    socket.on("message", (data, isBinary) => {
      if (this.overLimit(client)) return;
      // Binance answers anything but a JSON text frame with an error too.
      this.control(client, isBinary ? "" : data.toString());
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
    const built = new Map<string, {bytes: Buffer; symbol: number[]; id: number[]}>();
    for (const client of this.clients) {
      if (client.tradeStreams === 0 || !client.open || client.silent(now)) continue;
      if (client.socket.bufferedAmount > maxBufferedBytes) {
        client.socket.terminate();
        continue;
      }
      let frames = built.get(client.key);
      if (!frames) built.set(client.key, (frames = this.build(out, client)));
      if (frames.id.length === 0) continue;
      const {symbol, id} = frames;
      client.raw.write(frames.bytes, (error) => {
        if (!error) for (let i = 0; i < id.length; ++i) onWritten(symbol[i], id[i]);
      });
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
    await Promise.all([...this.clients].map(({socket}) => new Promise<void>((resolve) => {
      if (socket.readyState === socket.CLOSED) return resolve();
      const timer = setTimeout(() => socket.terminate(), timeoutMs);
      socket.once("close", () => (clearTimeout(timer), resolve()));
      socket.close(1000, "simulator closing");
    })));
  }

  /** The frames of `out` this client gets, as one buffer, with the ids they carry. */
  private build(out: Outbound, client: Client) {
    const {wants, combined} = client;
    const {envelopes} = this;
    const symbol: number[] = [], id: number[] = [];
    let size = 0;
    for (let i = 0; i < out.length; ++i) {
      const k = out.symbol[i];
      if (wants[k] === 0) continue;
      const length = out.end[i] - out.start[i] + (combined ? envelopes[k].length + 1 : 0);
      size += frameHeaderLength(length) + length;
      symbol.push(k), id.push(out.id[i]);
    }
    const bytes = Buffer.allocUnsafe(size), source = out.bytes;
    let o = 0;
    for (let i = 0; i < out.length; ++i) {
      const k = out.symbol[i];
      if (wants[k] === 0) continue;
      const start = out.start[i], end = out.end[i];
      if (combined) {
        const envelope = envelopes[k];
        o = writeTextFrameHeader(bytes, o, end - start + envelope.length + 1);
        o += envelope.copy(bytes, o);
        o += source.copy(bytes, o, start, end);
        bytes[o++] = 0x7d; // "}"
      } else {
        o = writeTextFrameHeader(bytes, o, end - start);
        o += source.copy(bytes, o, start, end);
      }
    }
    return {bytes, symbol, id};
  }

  private control(client: Client, text: string): void {
    const request = parseControl(text);
    const reply = (body: unknown) => {
      if (!client.silent(performance.now())) client.socket.send(JSON.stringify(body));
    };
    if (!("method" in request)) return reply(request);
    const {id} = request;
    switch (request.method) {
      case "SUBSCRIBE": {
        const added = request.params.filter((s) => !client.streams.has(s)).length;
        if (client.streams.size + added > maxStreamsPerConnection) return reply({code: 2, msg: `Invalid request: too many streams (at most ${maxStreamsPerConnection} per connection)`, id});
        this.subscribe(client, request.params);
        return reply({result: null, id});
      }
      case "UNSUBSCRIBE":
        this.unsubscribe(client, request.params);
        return reply({result: null, id});
      case "LIST_SUBSCRIPTIONS":
        return reply({result: [...client.streams], id});
      case "SET_PROPERTY":
        client.combined = request.value;
        this.rekey(client);
        return reply({result: null, id});
      case "GET_PROPERTY":
        return reply({result: client.combined, id});
      default:
        return unreachable(request);
    }
  }

  private subscribe(client: Client, streams: readonly string[]): void {
    for (const stream of streams) client.streams.add(stream);
    this.rekey(client);
  }

  private unsubscribe(client: Client, streams: readonly string[]): void {
    for (const stream of streams) client.streams.delete(stream);
    this.rekey(client);
  }

  private rekey(client: Client): void {
    client.wants.fill(0);
    for (const stream of client.streams) {
      const k = this.tradeStreams.get(stream);
      if (k !== undefined) client.wants[k] = 1;
    }
    client.tradeStreams = client.wants.reduce((n, w) => n + w, 0);
    if (client.tradeStreams > 0) this.hadSubscriber = true;
    client.key = `${client.combined ? "c" : "r"}${client.wants.join("")}`;
  }

  private drop(client: Client): void {
    this.clients.delete(client);
  }

  /** Counts one incoming frame; past the per-second limit the client is disconnected, as Binance does. */
  private overLimit(client: Client): boolean {
    const now = performance.now();
    if (now - client.windowStart >= 1000) (client.windowStart = now), (client.windowCount = 0);
    if (++client.windowCount <= this.options.maxIncomingPerSecond) return false;
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

function unreachable(value: never): never {
  throw new Error(`unhandled control request ${JSON.stringify(value)}`);
}
