// Browser client of the recorder's live feed: subscribes to symbols, reconnects with capped
// exponential backoff and jitter, and reports its state for the page's status line (the URL's token
// redacted). The messages are src/protocol/liveWire.ts.
import {liveFundingOf} from "../protocol/liveFunding.js";
import {type LiveBar, type LiveFunding, type LiveGap, type LiveMessage, liveGapsOf} from "../protocol/liveWire.js";
import {redactToken} from "../protocol/recorderEndpoint.js";

export type LiveState = "connecting" | "live" | "reconnecting" | "static";

export interface LiveStatus {
  state: LiveState;
  detail: string;
}

export interface LiveFeedOptions {
  url: string;
  /** Symbols to subscribe bars for; none: listen only (alert events reach every client). */
  symbols: readonly string[];
  interval: string;
  onBars?: (symbol: string, bars: readonly LiveBar[]) => void;
  /** Unfilled gaps of a subscribed symbol: those a snapshot lists, then each one recorded (LiveGapMessage). */
  onGap?: (symbol: string, gap: LiveGap) => void;
  /** Funding events of a subscribed perpetual: those a snapshot lists, then each batch stored (LiveFundingMessage). */
  onFunding?: (symbol: string, events: readonly LiveFunding[]) => void;
  /** Alert events the recorder pushes to every client ({"type":"alert","event":…}). */
  onAlert?: (event: unknown) => void;
  onStatus: (status: LiveStatus) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Socket factory, for tests. */
  socket?: (url: string) => WebSocket;
}

/** Connects to the live feed until the returned function is called. */
export function connectLiveFeed(options: LiveFeedOptions): () => void {
  const {
    url,
    symbols,
    interval,
    onBars = () => {},
    onGap = () => {},
    onFunding = () => {},
    onAlert = () => {},
    onStatus,
    initialBackoffMs = 1000,
    maxBackoffMs = 30_000,
    socket: open = (u) => new WebSocket(u),
  } = options;
  let socket: WebSocket | undefined, timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0,
    stopped = false;
  const shown = redactToken(url);

  const connect = () => {
    onStatus({state: failures === 0 ? "connecting" : "reconnecting", detail: `Connecting to ${shown}…`});
    let opened = false;
    socket = open(url);
    socket.onopen = () => {
      opened = true;
      failures = 0;
      if (symbols.length > 0) socket!.send(JSON.stringify({type: "subscribe", symbols, interval}));
      onStatus({state: "live", detail: `Live from the recorder at ${shown}`});
    };
    socket.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return; // not from a recorder we know: ignore rather than break the page
      }
      if (!isLiveMessage(message)) return; // likewise
      if (message.type === "alert") onAlert(message.event);
      else if (message.type === "snapshot") {
        onBars(message.symbol, message.bars);
        for (const gap of liveGapsOf(message.gaps ?? [])) onGap(message.symbol, gap);
        const funding = liveFundingOf(message.funding);
        if (funding.length > 0) onFunding(message.symbol, funding);
      } else if (message.type === "bar") onBars(message.symbol, [message.bar]);
      else if (message.type === "gap") for (const gap of liveGapsOf(message)) onGap(message.symbol, gap);
      else if (message.type === "funding") onFunding(message.symbol, liveFundingOf(message.events));
      else if (message.type === "error") onStatus({state: "live", detail: `live feed says: ${message.message}`});
    };
    socket.onclose = () => {
      if (stopped) return;
      failures++;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      onStatus({
        state: "reconnecting",
        detail: `${opened ? "The recorder went away" : "No recorder at " + shown}; retrying in ${Math.round(delay / 1000)} s`,
      });
      timer = setTimeout(connect, delay);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}

/**
 * Whether a parsed message has the shape its type needs here (the fields this file reads; bars and
 * gaps are checked where they are used); anything else is ignored, as a message that is not JSON is.
 */
function isLiveMessage(value: unknown): value is LiveMessage {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  const object = (x: unknown) => typeof x === "object" && x !== null;
  switch (m.type) {
    case "alert":
      return object(m.event);
    case "snapshot":
      return typeof m.symbol === "string" && Array.isArray(m.bars);
    case "bar":
      return typeof m.symbol === "string" && object(m.bar);
    case "gap":
    case "funding":
      return typeof m.symbol === "string";
    case "error":
    case "hello":
      return true;
    default:
      return false;
  }
}
