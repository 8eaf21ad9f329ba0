/** Binance allows at most this many streams on one connection. */
export const maxStreamsPerConnection = 1024;

// Symbol part lowercase (Binance ignores uppercase names), stream type as Binance spells it (aggTrade, kline_1m, depth@100ms).
const streamName = /^[a-z0-9]+@[A-Za-z0-9_@]+$/;

export function isStreamName(name: string): boolean {
  return streamName.test(name);
}

/**
 * Which server a path reaches: spot (no prefix, as on stream.binance.com), or one of USD-M's routes
 * (fstream.binance.com/market, /public, /private). Only `market` carries `@aggTrade` and `@markPrice`.
 */
export type StreamRoute = "spot" | "market" | "public" | "private";

/** How a client connected: raw (`/ws/<stream>`, bare payloads) or combined (`/stream?streams=`, wrapped). */
export type StreamPath =
  | {readonly route: StreamRoute; readonly combined: boolean; readonly streams: readonly string[]}
  | {readonly status: 400 | 404; readonly error: string};

const routePrefix = /^\/(market|public|private)(?=\/)/;

/**
 * Parses an upgrade request's path: `/ws`, `/ws/<s1>[/<s2>…]`, `/stream`, `/stream?streams=<s1>/<s2>`,
 * each also under `/market`, `/public` or `/private` (USD-M's routes). Returns the HTTP status to
 * refuse it with otherwise.
 */
export function parseStreamPath(url: string): StreamPath {
  const parsed = new URL(url, "ws://localhost"),
    searchParams = parsed.searchParams;
  const prefix = routePrefix.exec(parsed.pathname);
  const route: StreamRoute = prefix ? (prefix[1] as StreamRoute) : "spot";
  const pathname = prefix ? parsed.pathname.slice(prefix[0].length) : parsed.pathname;
  const unit = searchParams.get("timeUnit");
  if (unit !== null && unit.toUpperCase() !== "MILLISECOND")
    return {status: 400, error: `timeUnit ${unit} is not supported by the simulator (milliseconds only)`};
  let combined: boolean, streams: string[];
  if (pathname === "/ws" || pathname.startsWith("/ws/")) {
    combined = false;
    streams = pathname.slice(4).split("/");
  } else if (pathname === "/stream" || pathname === "/stream/") {
    combined = true;
    streams = (searchParams.get("streams") ?? "").split("/");
  } else {
    return {status: 404, error: `unknown path ${parsed.pathname} (expected [/market]/ws/<stream> or [/market]/stream?streams=…)`};
  }
  streams = [...new Set(streams.filter((s) => s !== ""))];
  const invalid = streams.find((s) => !isStreamName(s));
  if (invalid !== undefined)
    return {status: 400, error: `invalid stream name ${JSON.stringify(invalid)} (expected e.g. btcusdt@trade, lowercase symbol)`};
  if (streams.length > maxStreamsPerConnection)
    return {status: 400, error: `too many streams (at most ${maxStreamsPerConnection} per connection)`};
  return {route, combined, streams};
}

/** A control message a client may send, already checked. */
export type ControlRequest =
  | {readonly method: "SUBSCRIBE" | "UNSUBSCRIBE"; readonly params: readonly string[]; readonly id: RequestId}
  | {readonly method: "LIST_SUBSCRIPTIONS"; readonly id: RequestId}
  | {readonly method: "SET_PROPERTY"; readonly property: "combined"; readonly value: boolean; readonly id: RequestId}
  | {readonly method: "GET_PROPERTY"; readonly property: "combined"; readonly id: RequestId};

export type RequestId = number | string | null;

/** Binance's error body for a control message: `{"code":n,"msg":"…","id":n}`. */
export interface ControlError {
  readonly code: number;
  readonly msg: string;
  readonly id: RequestId;
}

/**
 * Parses one text frame into a control request, or the error Binance would answer with
 * (0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid JSON).
 */
export function parseControl(text: string): ControlRequest | ControlError {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return {code: 3, msg: `Invalid JSON: ${(error as Error).message}`, id: null};
  }
  if (typeof message !== "object" || message === null || Array.isArray(message))
    return {code: 3, msg: "Invalid JSON: expected an object", id: null};
  const {method, params, id: rawId} = message as Record<string, unknown>;
  const id: RequestId = typeof rawId === "number" || typeof rawId === "string" ? rawId : null;
  if (
    rawId !== undefined &&
    rawId !== null &&
    (typeof rawId === "number" ? !Number.isSafeInteger(rawId) : typeof rawId !== "string" || rawId.length > 36)
  ) {
    return {code: 1, msg: "Invalid value type: expected an integer or a string of at most 36 characters for 'id'", id: null};
  }
  switch (method) {
    case "SUBSCRIBE":
    case "UNSUBSCRIBE": {
      if (!Array.isArray(params) || !params.every((p): p is string => typeof p === "string"))
        return {code: 1, msg: "Invalid value type: expected Array of strings for 'params'", id};
      const invalid = params.find((p) => !isStreamName(p));
      if (invalid !== undefined) return {code: 2, msg: `Invalid request: invalid stream name '${invalid}'`, id};
      return {method, params, id};
    }
    case "LIST_SUBSCRIPTIONS":
      return {method, id};
    case "SET_PROPERTY":
    case "GET_PROPERTY": {
      if (!Array.isArray(params) || params[0] !== "combined") return {code: 0, msg: "Unknown property", id};
      if (method === "GET_PROPERTY") return {method, property: "combined", id};
      if (typeof params[1] !== "boolean") return {code: 1, msg: "Invalid value type: expected Boolean", id};
      return {method, property: "combined", value: params[1], id};
    }
    default:
      return {code: 2, msg: `Invalid request: unknown method ${JSON.stringify(method ?? null)}`, id};
  }
}
