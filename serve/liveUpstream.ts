// `pairbook serve`'s connection to the recorder's live feed (recorder/liveHub.ts, the wire of
// src/protocol/liveWire.ts): it follows the symbol × interval keys the channel's subscriptions need,
// keeps each key's recent bars (so a new subscription catches up without a new snapshot) and hands
// bars, gaps and a perpetual's funding events on. When the recorder is not running or goes away it says so (`onStatus`) and
// reconnects in an explicit loop: capped exponential backoff with jitter, one socket per attempt.
import WebSocket, {type RawData} from "ws";
import {liveFundingOf, mergeLiveFunding} from "../src/protocol/liveFunding.js";
import {type LiveBar, type LiveFunding, type LiveGap, liveGapsOf} from "../src/protocol/liveWire.js";
import {redactToken} from "../src/protocol/recorderEndpoint.js";

/** The feed's state, for the channel's status messages. */
export interface UpstreamStatus {
  readonly live: "connecting" | "connected" | "down";
  readonly message: string;
  /** down: the next attempt in this many ms. */
  readonly retryInMs?: number;
}

export interface LiveUpstreamOptions {
  /** The recorder's live-feed URL (ws://host:port, with ?token= when the recorder has one). */
  readonly url: string;
  readonly onStatus: (status: UpstreamStatus) => void;
  /** New or changed bars of a followed key ("SYMBOL|interval"). */
  readonly onBars: (symbol: string, interval: string, bars: readonly LiveBar[]) => void;
  readonly onGap: (symbol: string, gap: LiveGap) => void;
  /** Funding events of a perpetual the recorder stored (in a snapshot or as they come), those that changed what is kept. */
  readonly onFunding: (symbol: string, events: readonly LiveFunding[]) => void;
  /** Backoff between attempts: first and largest delay, ms (default 500 and 30 000). */
  readonly backoffMs?: readonly [first: number, max: number];
  readonly log?: (line: string) => void;
}

/** Bars kept per key (the recorder's snapshot holds an hour of 1-second bars). */
const keptBars = 4096;
/** Gaps kept per symbol. */
const keptGaps = 100;
/** Funding events kept per perpetual (the recorder's snapshot holds as many). */
const keptFunding = 100;

export class LiveUpstream {
  private readonly wanted = new Map<string, number>(); // "SYMBOL|interval" → subscriptions
  private readonly bars = new Map<string, Map<number, LiveBar>>();
  private readonly gaps = new Map<string, LiveGap[]>();
  private readonly funding = new Map<string, readonly LiveFunding[]>();
  private socket: WebSocket | null = null;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  /** Why the current socket failed (its 'error' comes before its 'close'). */
  private lastError: string | null = null;
  status: UpstreamStatus = {live: "connecting", message: "not connected yet"};
  /** Symbols the recorder said it records (null before its hello). */
  recording: ReadonlySet<string> | null = null;

  constructor(private readonly options: LiveUpstreamOptions) {}

  /** The feed's URL for messages: its token replaced by "…". */
  get shown(): string {
    return redactToken(this.options.url);
  }

  /** Follows `symbol` at `interval` (connecting on first use); returns the bars, gaps and funding events kept for it. */
  want(symbol: string, interval: string): {bars: LiveBar[]; gaps: readonly LiveGap[]; funding: readonly LiveFunding[]} {
    const key = `${symbol}|${interval}`;
    const count = this.wanted.get(key) ?? 0;
    this.wanted.set(key, count + 1);
    if (count === 0) {
      this.bars.set(key, new Map());
      if (this.socket?.readyState === WebSocket.OPEN) this.subscribe([key]);
    }
    if (!this.socket && !this.timer && !this.closed) this.connect();
    return {bars: [...(this.bars.get(key)?.values() ?? [])], gaps: this.gaps.get(symbol) ?? [], funding: this.funding.get(symbol) ?? []};
  }

  /** Stops following a key once no subscription needs it (the recorder keeps sending; its bars are ignored). */
  release(symbol: string, interval: string): void {
    const key = `${symbol}|${interval}`,
      count = (this.wanted.get(key) ?? 0) - 1;
    if (count > 0) return void this.wanted.set(key, count);
    (this.wanted.delete(key), this.bars.delete(key));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.terminate();
  }

  private connect(): void {
    this.timer = undefined;
    const socket = new WebSocket(this.options.url, {maxPayload: 64 << 20, handshakeTimeout: 10_000});
    this.socket = socket;
    this.setStatus({live: "connecting", message: `connecting to the recorder's live feed at ${this.shown}`});
    socket.on("open", () => {
      this.attempt = 0;
      this.setStatus({live: "connected", message: `following the recorder's live feed at ${this.shown}`});
      this.subscribe([...this.wanted.keys()]);
    });
    socket.on("message", (data, isBinary) => {
      try {
        if (!isBinary) this.onMessage(data);
      } catch (error) {
        this.options.log?.(`pairbook serve: live feed message failed: ${(error as Error).message}`);
      }
    });
    socket.on("unexpected-response", (_req, res) => socket.emit("error", new Error(`the recorder answered HTTP ${res.statusCode}`)));
    socket.on("error", (error) => (this.lastError = error.message));
    socket.on("close", (code, reason) => this.retry(this.lastError ?? `closed (${code}${reason.length ? ` ${reason.toString()}` : ""})`));
  }

  /** The socket is gone: says so and tries again after the backoff. */
  private retry(why: string): void {
    this.socket = null;
    this.lastError = null;
    this.recording = null;
    if (this.closed) return;
    const [first, max] = this.options.backoffMs ?? [500, 30_000];
    const delay = Math.round(Math.min(max, first * 2 ** this.attempt++) * (0.5 + Math.random() / 2));
    this.setStatus({
      live: "down",
      message: `the recorder's live feed at ${this.shown} is unavailable (${redactToken(why).slice(0, 200)}): is pairbook record running? Retrying in ${Math.ceil(delay / 1000)} s; rows stay as seeded from the lake meanwhile`,
      retryInMs: delay,
    });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private setStatus(status: UpstreamStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }

  private subscribe(keys: readonly string[]): void {
    const byInterval = new Map<string, string[]>();
    for (const key of keys) {
      const [symbol, interval] = key.split("|");
      byInterval.set(interval, [...(byInterval.get(interval) ?? []), symbol]);
    }
    for (const [interval, symbols] of byInterval) this.socket?.send(JSON.stringify({type: "subscribe", symbols, interval}));
  }

  private onMessage(data: RawData): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const m: unknown = JSON.parse(bytes.toString("utf8"));
    if (typeof m !== "object" || m === null) return;
    const f = m as Record<string, unknown>;
    if (f.type === "hello" && Array.isArray(f.symbols)) this.recording = new Set(f.symbols.filter((s) => typeof s === "string"));
    if (typeof f.symbol !== "string") return;
    if (f.type === "gap") for (const gap of liveGapsOf(f)) this.gap(f.symbol, gap);
    if (f.type === "funding") this.fund(f.symbol, liveFundingOf(f.events));
    if (typeof f.interval !== "string") return;
    if (f.type === "snapshot") {
      for (const gap of liveGapsOf(f.gaps)) this.gap(f.symbol, gap);
      this.fund(f.symbol, liveFundingOf(f.funding));
      this.keep(f.symbol, f.interval, Array.isArray(f.bars) ? f.bars.filter(isLiveBar) : []);
    } else if (f.type === "bar" && isLiveBar(f.bar)) this.keep(f.symbol, f.interval, [f.bar]);
  }

  private keep(symbol: string, interval: string, bars: readonly LiveBar[]): void {
    const kept = this.bars.get(`${symbol}|${interval}`);
    if (!kept || bars.length === 0) return;
    for (const bar of bars) kept.set(bar.start, bar);
    for (const start of kept.keys()) {
      if (kept.size <= keptBars) break;
      kept.delete(start);
    }
    this.options.onBars(symbol, interval, bars);
  }

  private fund(symbol: string, events: readonly LiveFunding[]): void {
    const held = this.funding.get(symbol) ?? [];
    const merged = mergeLiveFunding(held, events, keptFunding);
    if (merged === held) return;
    this.funding.set(symbol, merged);
    this.options.onFunding(symbol, merged);
  }

  private gap(symbol: string, gap: LiveGap): void {
    const list = this.gaps.get(symbol) ?? [];
    if (list.some((g) => g.from === gap.from && g.to === gap.to)) return;
    list.push(gap);
    this.gaps.set(symbol, list.slice(-keptGaps));
    this.options.onGap(symbol, gap);
  }
}

/** A bar with the fields a subscription reads, all finite numbers. */
function isLiveBar(x: unknown): x is LiveBar {
  if (typeof x !== "object" || x === null) return false;
  const b = x as Record<string, unknown>;
  return ["start", "open", "high", "low", "close", "volume", "count"].every((k) => typeof b[k] === "number" && Number.isFinite(b[k]));
}
