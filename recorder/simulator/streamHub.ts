import type {WebSocket} from "ws";
import {formatUnits} from "./decimal.js";
import type {Instrument} from "./instruments.js";
import type {TradeBatch} from "./market.js";
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
  /** Called once per message the kernel accepted for a client socket. */
  readonly onWritten: (symbolIndex: number, id: number) => void;
}

class Client {
  readonly streams = new Set<string>();
  lastPong = performance.now();
  windowStart = 0;
  windowCount = 0;
  constructor(readonly socket: WebSocket, public combined: boolean) {}
}

/**
 * The WebSocket half of the simulator: tracks each client's subscriptions, answers control
 * messages, pings, enforces Binance's connection rules, and fans trades out one message per trade
 * (payload formatted once per trade, whatever the number of clients).
 */
export class StreamHub {
  private readonly clients = new Set<Client>();
  // Clients subscribed to each instrument's trade stream, by instrument index.
  private readonly tradeSubscribers: Set<Client>[];
  private readonly tradeStreams: Map<string, number>;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(private readonly options: StreamHubOptions) {
    this.tradeSubscribers = options.instruments.map(() => new Set());
    this.tradeStreams = new Map(options.instruments.map((i, k) => [`${i.symbol.toLowerCase()}@trade`, k]));
    this.pingTimer = setInterval(() => this.pingAll(), options.pingIntervalMs);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over an upgraded socket, subscribed to the streams named in its URL. */
  accept(socket: WebSocket, combined: boolean, streams: readonly string[]): void {
    const client = new Client(socket, combined);
    this.clients.add(client);
    this.subscribe(client, streams);
    socket.on("message", (data, isBinary) => {
      if (this.overLimit(client)) return;
      // Binance answers anything but a JSON text frame with an error too.
      this.control(client, isBinary ? "" : data.toString());
    });
    socket.on("ping", () => this.overLimit(client));
    socket.on("pong", () => (client.lastPong = performance.now()));
    socket.on("error", () => socket.terminate());
    socket.on("close", () => this.drop(client));
  }

  /** Sends every trade of `batch` to the clients subscribed to its symbol's trade stream. */
  publish(batch: TradeBatch, eventTime: number): void {
    const {instruments, maxBufferedBytes, onWritten} = this.options;
    for (let i = 0; i < batch.length; ++i) {
      const k = batch.symbol[i];
      const subscribers = this.tradeSubscribers[k];
      if (subscribers.size === 0) continue;
      const id = batch.id[i];
      const symbol = instruments[k].symbol;
      const payload = `{"e":"trade","E":${eventTime},"s":"${symbol}","t":${id},"p":"${formatUnits(batch.price[i])}","q":"${formatUnits(batch.qty[i])}","T":${batch.time[i]},"m":${batch.isBuyerMaker[i] === 1},"M":true}`;
      let wrapped: string | undefined;
      const written = (error?: Error) => {
        if (!error) onWritten(k, id);
      };
      for (const client of subscribers) {
        const {socket} = client;
        if (socket.readyState !== socket.OPEN) continue;
        if (socket.bufferedAmount > maxBufferedBytes) {
          socket.terminate();
          continue;
        }
        const message = client.combined ? (wrapped ??= `{"stream":"${symbol.toLowerCase()}@trade","data":${payload}}`) : payload;
        socket.send(message, written);
      }
    }
  }

  /** Stops pinging and closes every client with a normal close frame once its queued messages are out. */
  async close(timeoutMs = 5000): Promise<void> {
    clearInterval(this.pingTimer);
    await Promise.all([...this.clients].map(({socket}) => new Promise<void>((resolve) => {
      if (socket.readyState === socket.CLOSED) return resolve();
      const timer = setTimeout(() => socket.terminate(), timeoutMs);
      socket.once("close", () => (clearTimeout(timer), resolve()));
      socket.close(1000, "simulator closing");
    })));
  }

  private control(client: Client, text: string): void {
    const request = parseControl(text);
    const reply = (body: unknown) => client.socket.send(JSON.stringify(body));
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
        return reply({result: null, id});
      case "GET_PROPERTY":
        return reply({result: client.combined, id});
      default:
        return unreachable(request);
    }
  }

  private subscribe(client: Client, streams: readonly string[]): void {
    for (const stream of streams) {
      client.streams.add(stream);
      const k = this.tradeStreams.get(stream);
      if (k !== undefined) this.tradeSubscribers[k].add(client);
    }
  }

  private unsubscribe(client: Client, streams: readonly string[]): void {
    for (const stream of streams) {
      client.streams.delete(stream);
      const k = this.tradeStreams.get(stream);
      if (k !== undefined) this.tradeSubscribers[k].delete(client);
    }
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    for (const subscribers of this.tradeSubscribers) subscribers.delete(client);
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
      if (now - client.lastPong > this.options.pongTimeoutMs) {
        client.socket.terminate();
        this.drop(client);
      } else if (client.socket.readyState === client.socket.OPEN) {
        client.socket.ping();
      }
    }
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled control request ${JSON.stringify(value)}`);
}

