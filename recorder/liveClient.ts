// One page connected to the live feed: its subscriptions, the snapshots it waits for, the bars not yet
// sent to it, and its limits (liveLimits.ts). Everything it sends is validated (clientMessages.ts);
// nothing it sends can throw out of here; over a limit it is closed with a code and a reason.
import type {RawData, WebSocket} from "ws";
import type {Bar} from "../src/lib/bars.js";
import {type LiveFunding, type LiveGap, type LiveMessage, toWire, type WireBar} from "../src/protocol/liveWire.js";
import {parseClientMessage} from "./clientMessages.js";
import {errorBurst, errorRefillPerSecond, maxQueuedBytes, maxSnapshotsPerClient, maxSubscriptionsPerClient} from "./liveLimits.js";

export interface LiveClientOptions {
  /** Symbols the recorder records. */
  symbols: ReadonlySet<string>;
  /** Current bars of a recorded symbol and a valid interval, for a snapshot. */
  series: (symbol: string, interval: string) => WireBar[];
  /** Unfilled gaps of a recorded symbol since the recorder started, sent with each of its snapshots. */
  gaps: (symbol: string) => readonly LiveGap[];
  /** Latest stored funding events of a perpetual, sent with each of its snapshots; undefined for a spot symbol. */
  funding: (symbol: string) => readonly LiveFunding[] | undefined;
  /** Unsent bytes above which bars and snapshots wait, and `stuckMs` above which the client is closed. */
  maxBufferedBytes: number;
  stuckMs: number;
  onSent: () => void;
  /** Called once when the client is gone: `reason` when the recorder closed it for a limit, else null. */
  onClose: (reason: string | null) => void;
  log: (line: string) => void;
}

/** At most `n` names, then "and k more". */
function list(names: readonly string[], n = 10): string {
  return names.length <= n ? names.join(", ") : `${names.slice(0, n).join(", ")} and ${names.length - n} more`;
}

/** A close reason within WebSocket's 123 bytes. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -2) + "…";
  return reason;
}

export class LiveClient {
  private readonly subscriptions = new Set<string>(); // "SYMBOL|interval"
  private readonly pending = new Set<string>(); // subscriptions whose snapshot waits for the socket to drain
  private readonly dirty = new Map<string, Bar>(); // "SYMBOL|interval|start" → bar, latest state wins
  private oldest = 0; // receive time (performance.now) of the oldest trade waiting in `dirty`
  private stuckSince: number | undefined;
  private snapshots = 0;
  private errorTokens = errorBurst;
  private errorsAt = Date.now();
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: LiveClientOptions,
  ) {
    socket.on("close", () => this.end(null));
    // ws closes the socket itself after a protocol error (1009 frame too big, 1007 invalid UTF-8…).
    socket.on("error", (error: Error & {code?: string}) =>
      this.end(error.code?.startsWith("WS_ERR_") ? `protocol error: ${error.message}` : null),
    );
    socket.on("ping", () => this.queueOk()); // ws answers each ping with a pong, which must be read too
    socket.on("message", (data, isBinary) => {
      try {
        this.onMessage(data, isBinary);
      } catch (error) {
        options.log(`live feed: a client message failed: ${(error as Error).message}`);
        this.drop(1011, "internal error");
      }
    });
    this.send({type: "hello", symbols: [...options.symbols]});
  }

  /** Marks a bar changed for this client if it follows `key` ("SYMBOL|interval") and has its snapshot. */
  touch(key: string, bar: Bar, receivedAt: number): void {
    if (!this.subscriptions.has(key) || this.pending.has(key)) return;
    if (this.dirty.size === 0 || receivedAt < this.oldest) this.oldest = receivedAt;
    this.dirty.set(`${key}|${bar.start}`, bar);
  }

  /** Sends the changed bars unless the client is behind; returns the receive time of the oldest sent, or null. */
  flush(now: number): number | null {
    if (this.closed || this.dirty.size === 0) return null;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.stuck(now);
      return null; // keep the dirty bars: they coalesce until the client catches up
    }
    this.stuckSince = undefined;
    for (const [key, bar] of this.dirty) {
      const [symbol, interval] = key.split("|");
      if (!this.send({type: "bar", symbol, interval, bar: toWire(bar)})) return null;
    }
    this.dirty.clear();
    return this.oldest;
  }

  /** Periodic check: closes a client behind for too long, sends waiting snapshots to one that caught up. */
  sweep(now: number): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) return this.stuck(now);
    this.stuckSince = undefined;
    this.pump();
  }

  /** Sends a gap or funding message (pre-serialized) if the client follows `symbol` at any interval; false otherwise. */
  sendToFollowers(symbol: string, text: string): boolean {
    for (const key of this.subscriptions) if (key.slice(0, key.indexOf("|")) === symbol) return this.sendText(text);
    return false;
  }

  /** Sends pre-serialized JSON (a broadcast); false when the client is gone or over its queue. */
  sendText(text: string, after?: (error?: Error) => void): boolean {
    if (this.closed || this.socket.readyState !== this.socket.OPEN || !this.queueOk()) return false;
    this.socket.send(text, after);
    this.options.onSent();
    return true;
  }

  private send(message: LiveMessage, after?: (error?: Error) => void): boolean {
    return this.sendText(JSON.stringify(message), after);
  }

  /** False (and the client closed) once its unsent bytes pass `maxQueuedBytes`: everything sent counts. */
  private queueOk(): boolean {
    if (this.socket.bufferedAmount <= maxQueuedBytes) return true;
    this.drop(1008, `over ${maxQueuedBytes} unsent bytes: the client stopped reading`);
    return false;
  }

  private stuck(now: number): void {
    this.stuckSince ??= now;
    if (now - this.stuckSince > this.options.stuckMs) this.drop(1008, "client too slow: stopped reading the live feed");
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const parsed = parseClientMessage(data, isBinary);
    if (!parsed.ok) return parsed.close ? this.drop(1008, parsed.error) : this.refuse(parsed.error);
    const {symbols, interval} = parsed.message;
    const unknown = symbols.filter((symbol) => !this.options.symbols.has(symbol));
    if (unknown.length > 0) this.refuse(`not recording ${list(unknown)} (recording ${list([...this.options.symbols])})`);
    const keys = symbols.filter((symbol) => this.options.symbols.has(symbol)).map((symbol) => `${symbol}|${interval}`);
    if (this.closed || keys.length === 0) return;
    const added = keys.filter((key) => !this.subscriptions.has(key)).length;
    if (this.subscriptions.size + added > maxSubscriptionsPerClient)
      return this.drop(1008, `over ${maxSubscriptionsPerClient} subscriptions`);
    const snapshots = keys.filter((key) => !this.pending.has(key)).length;
    if (this.snapshots + snapshots > maxSnapshotsPerClient) return this.drop(1008, `over ${maxSnapshotsPerClient} snapshots asked for`);
    for (const key of keys) {
      this.subscriptions.add(key);
      if (!this.pending.has(key)) (this.pending.add(key), this.snapshots++);
    }
    this.pump();
  }

  /** Sends each waiting snapshot while the client keeps up; the rest go as it drains (or at the next sweep). */
  private pump(): void {
    for (const key of this.pending) {
      if (this.closed || this.socket.bufferedAmount > this.options.maxBufferedBytes) return;
      this.pending.delete(key);
      const [symbol, interval] = key.split("|");
      const {series, gaps, funding} = this.options,
        events = funding(symbol);
      this.send(
        {type: "snapshot", symbol, interval, bars: series(symbol, interval), gaps: gaps(symbol), ...(events && {funding: events})},
        () => this.pump(),
      );
    }
  }

  /** An error reply, rate-limited: a client that keeps sending invalid frames is closed. */
  private refuse(error: string): void {
    const now = Date.now();
    this.errorTokens = Math.min(errorBurst, this.errorTokens + ((now - this.errorsAt) / 1000) * errorRefillPerSecond);
    this.errorsAt = now;
    if (this.errorTokens < 1) return this.drop(1008, "too many invalid messages");
    this.errorTokens--;
    this.send({type: "error", message: error});
  }

  /** Closes the client for breaking a limit, with a close code and reason. */
  private drop(code: number, reason: string): void {
    if (this.closed) return;
    this.end(reason);
    try {
      this.socket.close(code, closeReason(reason));
    } catch {
      this.socket.terminate();
    }
  }

  private end(reason: string | null): void {
    if (this.closed) return;
    this.closed = true;
    (this.pending.clear(), this.dirty.clear(), this.subscriptions.clear());
    this.options.onClose(reason);
  }
}
