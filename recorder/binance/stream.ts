// The trade-stream connection loop: connect, parse, watch for silence, reconnect with backoff.
import WebSocket from "ws";
import {parseFrame, tradeStreamPath, type StreamEvent} from "./messages.js";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface TradeStreamOptions {
  /** Base WebSocket URL, e.g. wss://stream.binance.com:9443. */
  wsUrl: string;
  symbols: readonly string[];
  signal: AbortSignal;
  onEvent: (event: StreamEvent) => void;
  onState?: (state: ConnectionState, detail?: string) => void;
  /** Replace the socket when no frame arrived for this long (default 30 s). */
  silenceMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Keeps one combined-stream connection for `symbols` alive until `signal` aborts. Each attempt has its
 * own socket and timers, cleared in `finally`; a socket silent for `silenceMs` is replaced; after a
 * drop the next attempt waits a capped exponential backoff with full jitter (reset once data flows).
 */
export async function runTradeStream(options: TradeStreamOptions): Promise<void> {
  const {signal, onState = () => {}, initialBackoffMs = 250, maxBackoffMs = 30_000, random = Math.random} = options;
  const url = options.wsUrl.replace(/\/$/, "") + tradeStreamPath(options.symbols);
  let failures = 0;
  while (!signal.aborted) {
    onState(failures === 0 ? "connecting" : "reconnecting");
    const {receivedData, reason} = await connectOnce(url, options);
    if (signal.aborted) break;
    failures = receivedData ? 0 : failures + 1;
    const delay = receivedData ? initialBackoffMs * random() : Math.min(maxBackoffMs, initialBackoffMs * 2 ** failures) * (0.5 + random() / 2);
    onState("reconnecting", `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    await abortableDelay(delay, signal);
  }
  onState("closed");
}

function connectOnce(url: string, options: TradeStreamOptions): Promise<{receivedData: boolean; reason: string}> {
  const {signal, onEvent, onState = () => {}, silenceMs = 30_000, now = Date.now} = options;
  const symbols = new Set(options.symbols);
  return new Promise((resolve) => {
    let receivedData = false, reason = "connection closed", watchdog: NodeJS.Timeout | undefined;
    const socket = new WebSocket(url, {handshakeTimeout: 10_000});
    const armWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        reason = `no data for ${silenceMs / 1000} s`;
        socket.terminate();
      }, silenceMs);
    };
    const onAbort = () => {
      reason = "stopped";
      socket.close(1000);
      // A peer that never answers the close handshake must not hold shutdown up.
      setTimeout(() => socket.terminate(), 1000).unref();
    };
    signal.addEventListener("abort", onAbort, {once: true});
    socket.on("open", () => {
      onState("open");
      armWatchdog();
    });
    socket.on("ping", armWatchdog);
    socket.on("message", (data, isBinary) => {
      armWatchdog();
      if (isBinary) return onEvent({type: "rejected", reason: "binary frame", frame: ""});
      const event = parseFrame(data.toString(), symbols, now());
      if (event.type === "trade") receivedData = true;
      if (event.type === "shutdown") {
        reason = "server announced shutdown";
        socket.close(1000);
      }
      onEvent(event);
    });
    socket.on("error", (error) => void (reason = `${url}: ${error.message}`));
    socket.on("close", (code) => {
      clearTimeout(watchdog);
      signal.removeEventListener("abort", onAbort);
      if (reason === "connection closed") reason = `connection closed (code ${code})`;
      resolve({receivedData, reason});
    });
  });
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
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
