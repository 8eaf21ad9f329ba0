import type {IncomingMessage, ServerResponse} from "node:http";
import type {RequestWeight} from "./requestWeight.js";

/** One REST endpoint: its request weight (fixed, or by query) and its answer (throw ApiError for errors). */
export interface Endpoint {
  readonly weight: number | ((query: URLSearchParams) => number);
  readonly handle: (query: URLSearchParams) => unknown;
}

export interface RestContext {
  /** By path, e.g. "/api/v3/ping". */
  readonly endpoints: Readonly<Record<string, Endpoint>>;
  readonly weight: RequestWeight;
  readonly now: () => number;
  /** Fault injection: a refusal (429 or 418 with Retry-After, nothing charged) for this request, if any. */
  readonly refuse?: (pathname: string) => Refusal | undefined;
}

export interface Refusal {
  readonly status: 429 | 418;
  readonly retryAfterSeconds: number;
}

/** A Binance error: HTTP status plus the `{code, msg}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The REST half of the simulator, for one API (spot /api/v3 or USD-M /fapi/v1): GET endpoints with
 * Binance's error bodies and request weights. Every response, errors included, carries
 * X-MBX-USED-WEIGHT-1M; a request over the per-minute budget gets 429 with Retry-After.
 */
export function restHandler(context: RestContext): (request: IncomingMessage, response: ServerResponse) => void {
  const {endpoints} = context;
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const endpoint = Object.hasOwn(endpoints, url.pathname) ? endpoints[url.pathname] : undefined;
    const now = context.now();
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        "Content-Type": "application/json;charset=UTF-8",
        "X-MBX-USED-WEIGHT-1M": String(context.weight.usedAt(now)),
        ...headers,
      });
      response.end(JSON.stringify(body));
    };
    if (!endpoint) return reply(404, {code: -1, msg: `Unknown endpoint ${url.pathname}.`});
    if (request.method !== "GET" && request.method !== "HEAD")
      return reply(405, {code: -1, msg: `Method ${request.method} not allowed.`}, {Allow: "GET"});
    const refusal = context.refuse?.(url.pathname);
    if (refusal) {
      const msg =
        refusal.status === 418
          ? `Way too much request weight used; IP banned until ${now + refusal.retryAfterSeconds * 1000}.`
          : "Too many requests; please use the websocket for live updates to avoid polling the API.";
      return reply(refusal.status, {code: -1003, msg}, {"Retry-After": String(refusal.retryAfterSeconds)});
    }
    const weight = typeof endpoint.weight === "number" ? endpoint.weight : endpoint.weight(url.searchParams);
    if (!context.weight.charge(weight, now)) {
      const retryAfter = context.weight.retryAfterSeconds(now);
      return reply(
        429,
        {code: -1003, msg: `Too much request weight used; current limit is ${context.weight.limitPerMinute} request weight per 1 MINUTE.`},
        {"Retry-After": String(retryAfter)},
      );
    }
    try {
      reply(200, endpoint.handle(url.searchParams));
    } catch (error) {
      // A bug here must not take the server (and the test or demo using it) down: answer as Binance does.
      if (error instanceof ApiError) reply(error.status, {code: error.code, msg: error.message});
      else reply(500, {code: -1000, msg: `An unknown error occurred while processing the request. (${(error as Error).message})`});
    }
  };
}

/** The entry for `symbol`, or Binance's -1121 "Invalid symbol." */
export function lookup<T>(symbol: string, bySymbol: ReadonlyMap<string, T>): T {
  const found = bySymbol.get(symbol);
  if (found === undefined) throw new ApiError(400, -1121, "Invalid symbol.");
  return found;
}

/** The mandatory `symbol` parameter, or Binance's -1102. */
export function requiredSymbol(query: URLSearchParams): string {
  const symbol = query.get("symbol");
  if (symbol === null || symbol === "")
    throw new ApiError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  return symbol;
}

/** An optional non-negative integer parameter (ids, times, limits), or Binance's -1100. */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^[0-9]{1,20}$/.test(text)) throw illegal(name);
  return Number(text);
}

/** `limit`, default `fallback`, capped at `max` rather than refused (as Binance does); below 1 is -1130. */
export function limitParam(query: URLSearchParams, fallback: number, max: number): number {
  const limit = Math.min(max, integerParam(query, "limit") ?? fallback);
  if (limit < 1) throw new ApiError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return limit;
}

export function illegal(parameter: string): ApiError {
  const range = parameter === "symbols" ? `^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$` : "^[0-9]{1,20}$";
  return new ApiError(400, -1100, `Illegal characters found in parameter '${parameter}'; legal range is '${range}'.`);
}
