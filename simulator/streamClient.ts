// One WebSocket client of the simulator's stream hub: its subscriptions (as Binance keeps them per
// connection), its answers to control messages (SUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY…), its
// incoming-frame budget and its fault state (a stall).
import type {Duplex} from "node:stream";
import type {WebSocket} from "ws";
import {maxStreamsPerConnection, parseControl} from "./streamRequest.js";

export class StreamClient {
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
  private windowStart = 0;
  private windowCount = 0;

  /** `tradeStreamIndex` maps each instrument's trade stream name (`btcusdt@trade`) to its index. */
  constructor(
    readonly socket: WebSocket,
    readonly raw: Duplex,
    public combined: boolean,
    private readonly tradeStreamIndex: ReadonlyMap<string, number>,
    /** On a route that carries none of the served streams: subscriptions are kept but get no data. */
    readonly deaf = false,
  ) {
    this.wants = new Uint8Array(tradeStreamIndex.size);
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  silent(now: number): boolean {
    return now < this.silentUntil;
  }

  subscribe(streams: readonly string[]): void {
    for (const stream of streams) this.streams.add(stream);
    this.rekey();
  }

  unsubscribe(streams: readonly string[]): void {
    for (const stream of streams) this.streams.delete(stream);
    this.rekey();
  }

  /** Counts one incoming frame; true past `maxPerSecond` in the current one-second window. */
  overLimit(maxPerSecond: number): boolean {
    const now = performance.now();
    if (now - this.windowStart >= 1000) ((this.windowStart = now), (this.windowCount = 0));
    return ++this.windowCount > maxPerSecond;
  }

  /** Answers a control message (`text`; "" for a binary frame) as Binance does, unless stalled. */
  control(text: string): void {
    const request = parseControl(text);
    const reply = (body: unknown) => {
      if (!this.silent(performance.now())) this.socket.send(JSON.stringify(body));
    };
    if (!("method" in request)) return reply(request);
    const {id} = request;
    switch (request.method) {
      case "SUBSCRIBE": {
        const added = request.params.filter((s) => !this.streams.has(s)).length;
        if (this.streams.size + added > maxStreamsPerConnection)
          return reply({code: 2, msg: `Invalid request: too many streams (at most ${maxStreamsPerConnection} per connection)`, id});
        this.subscribe(request.params);
        return reply({result: null, id});
      }
      case "UNSUBSCRIBE":
        this.unsubscribe(request.params);
        return reply({result: null, id});
      case "LIST_SUBSCRIPTIONS":
        return reply({result: [...this.streams], id});
      case "SET_PROPERTY":
        this.combined = request.value;
        this.rekey();
        return reply({result: null, id});
      case "GET_PROPERTY":
        return reply({result: this.combined, id});
      default:
        return unreachable(request);
    }
  }

  private rekey(): void {
    this.wants.fill(0);
    for (const stream of this.streams) {
      const k = this.tradeStreamIndex.get(stream);
      if (k !== undefined) this.wants[k] = 1;
    }
    this.tradeStreams = this.wants.reduce((n, w) => n + w, 0);
    this.key = `${this.combined ? "c" : "r"}${this.wants.join("")}`;
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled control request ${JSON.stringify(value)}`);
}
