// Market-stream connections: connect, parse, watch for silence, rotate before Binance's 24 h limit
// (or on `serverShutdown`) with an overlapping successor, and reconnect with capped exponential
// backoff and jitter, never faster than the market's connection-attempt limit. What a connection
// carries and the market's rules come from a StreamFeed (streamFeed.ts): spot trades or USD-M.
import WebSocket from "ws";
import type {ConnectionState} from "../../src/protocol/health.js";
import type {StreamEvent} from "./messages.js";
import {spotTradeFeed, type StreamFeed} from "./streamFeed.js";

/**
 * A consumer that can fall behind (the lake writer while storage fails). While `full`, every socket
 * is closed at its next frame and no new one opens until `whenRoom` resolves; the reconnect's hole
 * is then backfilled like any other (onReconnect), so nothing is lost, only delayed.
 */
export interface Backpressure {
  readonly full: boolean;
  whenRoom(signal: AbortSignal): Promise<void>;
}

export interface StreamOptions<E> {
  /** Base WebSocket URL, e.g. wss://stream.binance.com:9443 or wss://fstream.binance.com. */
  wsUrl: string;
  signal: AbortSignal;
  /** Every parsed frame, and a `rejected` event for a binary one. */
  onEvent: (event: E | Extract<StreamEvent, {type: "rejected"}>) => void;
  onState?: (state: ConnectionState, detail?: string) => void;
  /** A connection was lost and a new one opened: trades in between may be missing. */
  onReconnect?: () => void;
  /** Replace a socket that delivered nothing for this long (default 30 s). */
  silenceMs?: number;
  /** Open a successor before a connection gets this old (default: the feed's rules, 23 h 30 min; Binance cuts at 24 h). */
  maxAgeMs?: number;
  /** How long old and new connections overlap during a rotation (default 5 s). */
  overlapMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  attempts?: AttemptLimiter;
  backpressure?: Backpressure;
  random?: () => number;
  now?: () => number;
}

export interface TradeStreamOptions extends StreamOptions<StreamEvent> {
  symbols: readonly string[];
}

/** At most `limit` connection attempts per sliding `windowMs` (Binance: 300 per 5 minutes per IP). */
export class AttemptLimiter {
  private readonly times: number[] = [];
  constructor(
    private readonly limit = 300,
    private readonly windowMs = 300_000,
  ) {}

  /** Waits until an attempt is allowed, then counts it. */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.times.length && this.times[0] <= now - this.windowMs) this.times.shift();
      if (this.times.length < this.limit) return void this.times.push(now);
      await abortableDelay(this.times[0] + this.windowMs - now, signal);
      if (signal.aborted) return;
    }
  }
}

interface Connection {
  /** Resolves when the socket closes, with why. */
  closed: Promise<string>;
  /** Resolves when this connection should be replaced: too old, or the server announced shutdown. */
  retire: Promise<string>;
  /** Resolves on the first frame received. */
  firstFrame: Promise<void>;
  receivedData: () => boolean;
  close: () => void;
}

/**
 * Keeps the combined spot trade stream of `symbols` alive until `signal` aborts. Resolves once every
 * socket is closed.
 */
export function runTradeStream(options: TradeStreamOptions): Promise<void> {
  return runStream<StreamEvent>(spotTradeFeed(options.symbols), options);
}

/**
 * Keeps the connection `feed` describes alive until `signal` aborts (e.g. `usdmFeed(["BTCUSDT"])`
 * with `wsUrl: "wss://fstream.binance.com"`), under the feed's connection rules. Resolves once every
 * socket is closed.
 */
export async function runStream<E extends {readonly type: string}>(feed: StreamFeed<E>, options: StreamOptions<E>): Promise<void> {
  const {signal, onState = () => {}, onReconnect = () => {}, overlapMs = 5000, random = Math.random} = options;
  const {initialBackoffMs = 250, maxBackoffMs = 30_000} = options;
  const attempts = options.attempts ?? new AttemptLimiter(feed.rules.attemptsPerWindow, feed.rules.attemptWindowMs);
  const url = options.wsUrl.replace(/\/$/, "") + feed.path;
  const open = new Set<Connection>();
  let failures = 0,
    current: Connection | undefined,
    everOpened = false;

  const connect = async (): Promise<Connection | string> => {
    await attempts.take(signal);
    if (signal.aborted) return "stopped";
    const connection = await openConnection(url, feed, options);
    if (typeof connection === "string") return connection;
    open.add(connection);
    void connection.closed.then(() => open.delete(connection));
    return connection;
  };

  while (!signal.aborted) {
    if (!current) {
      // Past the consumer's bound, wait until it is half empty again (not just under it: no flapping).
      const {backpressure} = options;
      if (backpressure) {
        if (backpressure.full)
          onState("reconnecting", "the lake cannot keep up (storage failing): not reading the exchange until it has room");
        await backpressure.whenRoom(signal);
        if (signal.aborted) break;
      }
      onState(failures === 0 && !everOpened ? "connecting" : "reconnecting");
      const result = await connect();
      if (typeof result === "string") {
        if (signal.aborted) break;
        failures++;
        const wait = Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures) * (0.5 + random() / 2);
        onState("reconnecting", `${result}; retrying in ${(wait / 1000).toFixed(1)} s`);
        await abortableDelay(wait, signal);
        continue;
      }
      if (everOpened) onReconnect();
      everOpened = true;
      current = result;
      onState("open");
    }
    const connection = current;
    const outcome = await Promise.race([
      connection.closed.then((why) => ({closed: why})),
      connection.retire.then((why) => ({retire: why})),
      abortPromise(signal),
    ]);
    if (signal.aborted || "aborted" in outcome) break;
    if ("closed" in outcome) {
      current = undefined;
      if (connection.receivedData()) failures = 0;
      else failures++;
      const wait = connection.receivedData()
        ? initialBackoffMs * random()
        : Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures) * (0.5 + random() / 2);
      onState("reconnecting", `${outcome.closed}; retrying in ${(wait / 1000).toFixed(1)} s`);
      await abortableDelay(wait, signal);
      continue;
    }
    // Rotation: open the successor first, keep both for `overlapMs`, then close the old one.
    onState("rotating", outcome.retire);
    const successor = await connect();
    if (typeof successor === "string") {
      // Could not open one: keep the old socket until it closes, then reconnect as usual.
      await Promise.race([connection.closed, abortPromise(signal)]);
      continue;
    }
    await Promise.race([successor.firstFrame, abortableDelay(overlapMs, signal)]);
    setTimeout(() => connection.close(), overlapMs).unref();
    current = successor;
    onState("open", "rotated");
  }
  for (const connection of open) connection.close();
  await Promise.all([...open].map((c) => c.closed));
  onState("closed");
}

/** Opens one socket; resolves once it is open (or with the reason it could not be). */
function openConnection<E extends {readonly type: string}>(
  url: string,
  feed: StreamFeed<E>,
  options: StreamOptions<E>,
): Promise<Connection | string> {
  const {signal, onEvent, silenceMs = 30_000, now = Date.now} = options;
  const {maxAgeMs = feed.rules.maxAgeMs - feed.rules.rotateAheadMs} = options;
  return new Promise((resolveOpen) => {
    let receivedData = false,
      reason = "connection closed",
      watchdog: NodeJS.Timeout | undefined,
      ageTimer: NodeJS.Timeout | undefined;
    let resolveClosed!: (why: string) => void, resolveRetire!: (why: string) => void, resolveFirst!: () => void;
    const closed = new Promise<string>((r) => (resolveClosed = r));
    const retire = new Promise<string>((r) => (resolveRetire = r));
    const firstFrame = new Promise<void>((r) => (resolveFirst = r));
    // No compression (Binance does not need it; inflating 200k frames/s costs a core) and no UTF-8 pass: frames
    // are parsed strictly anyway, and anything not valid is rejected by the parser.
    const socket = new WebSocket(url, {handshakeTimeout: 10_000, perMessageDeflate: false, skipUTF8Validation: true});
    // Checked on a timer rather than re-armed per frame: at 200k frames/s timers per frame would cost more than parsing.
    let lastFrameAt = performance.now();
    const armWatchdog = () => void (lastFrameAt = performance.now());
    const startWatchdog = () => {
      watchdog = setInterval(
        () => {
          if (performance.now() - lastFrameAt < silenceMs) return;
          reason = `no data for ${silenceMs / 1000} s`;
          socket.terminate();
        },
        Math.min(1000, silenceMs / 4),
      );
    };
    const close = () => {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close(1000);
      // A peer that never answers the close handshake must not hold anything up.
      setTimeout(() => socket.terminate(), 1000).unref();
    };
    const onAbort = () => ((reason = "stopped"), close());
    signal.addEventListener("abort", onAbort, {once: true});
    const connection: Connection = {closed, retire, firstFrame, receivedData: () => receivedData, close};
    socket.on("open", () => {
      armWatchdog();
      startWatchdog();
      ageTimer = setTimeout(() => resolveRetire("connection nearly 24 h old"), maxAgeMs);
      resolveOpen(connection);
    });
    socket.on("ping", armWatchdog);
    // The wall clock for the parser's "absurd trade time" check (a day's tolerance), read at most once a
    // millisecond: with performance.now() for the receive time, it was a second clock read per frame.
    let wall = 0,
      wallAt = -Infinity,
      first = true;
    socket.on("message", (data, isBinary) => {
      const receivedAt = (lastFrameAt = performance.now());
      if (first) ((first = false), resolveFirst());
      if (isBinary) return onEvent({type: "rejected", reason: "binary frame", frame: ""});
      if (receivedAt - wallAt >= 1) ((wall = now()), (wallAt = receivedAt));
      // The bytes as ws hands them over: the parsers read them without decoding (byteCursor.ts).
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const event = feed.parse(bytes, wall, receivedAt);
      if (!receivedData && feed.isData(event)) receivedData = true;
      if (event.type === "shutdown") resolveRetire("server announced shutdown");
      onEvent(event);
      // The consumer is full: stop reading at once (frames not read are backfilled after the reconnect).
      if (options.backpressure?.full && socket.readyState === WebSocket.OPEN) {
        reason = "the lake cannot keep up (storage failing)";
        socket.terminate();
      }
    });
    socket.on("error", (error) => void (reason = `${url}: ${error.message}`));
    socket.on("close", (code) => {
      clearInterval(watchdog);
      clearTimeout(ageTimer);
      signal.removeEventListener("abort", onAbort);
      if (reason === "connection closed") reason = `connection closed (code ${code})`;
      resolveClosed(reason);
      resolveOpen(reason); // no-op if it had opened
    });
  });
}

function abortPromise(signal: AbortSignal): Promise<{aborted: true}> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({aborted: true});
    signal.addEventListener("abort", () => resolve({aborted: true}), {once: true});
  });
}

export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, {once: true});
  });
}
