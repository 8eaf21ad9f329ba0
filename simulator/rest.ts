import type {IncomingMessage, ServerResponse} from "node:http";
import {formatBigUnits, formatUnits, multiplyUnits} from "./decimal.js";
import type {Instrument} from "./instruments.js";
import type {RequestWeight} from "./requestWeight.js";
import type {TradeHistory} from "./tradeHistory.js";

export interface RestContext {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly histories: ReadonlyMap<string, TradeHistory>;
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
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Endpoint = {weight: number; handle: (query: URLSearchParams, context: RestContext) => unknown};

const endpoints: Record<string, Endpoint> = {
  "/api/v3/ping": {weight: 1, handle: () => ({})},
  "/api/v3/time": {weight: 1, handle: (_, {now}) => ({serverTime: now()})},
  "/api/v3/exchangeInfo": {weight: 20, handle: exchangeInfo},
  "/api/v3/historicalTrades": {weight: 25, handle: historicalTrades},
};

/**
 * The REST half of the simulator: GET ping, time, exchangeInfo and historicalTrades with Binance's
 * response shapes, error bodies and request weights. Every response, errors included, carries
 * X-MBX-USED-WEIGHT-1M; a request over the per-minute budget gets 429 with Retry-After.
 */
export function restHandler(context: RestContext): (request: IncomingMessage, response: ServerResponse) => void {
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
    if (!context.weight.charge(endpoint.weight, now)) {
      const retryAfter = context.weight.retryAfterSeconds(now);
      return reply(
        429,
        {code: -1003, msg: `Too much request weight used; current limit is ${context.weight.limitPerMinute} request weight per 1 MINUTE.`},
        {"Retry-After": String(retryAfter)},
      );
    }
    try {
      reply(200, endpoint.handle(url.searchParams, context));
    } catch (error) {
      // A bug here must not take the server (and the test or demo using it) down: answer as Binance does.
      if (error instanceof ApiError) reply(error.status, {code: error.code, msg: error.message});
      else reply(500, {code: -1000, msg: `An unknown error occurred while processing the request. (${(error as Error).message})`});
    }
  };
}

function exchangeInfo(query: URLSearchParams, {instruments, now}: RestContext) {
  const symbol = query.get("symbol"),
    symbols = query.get("symbols");
  if (symbol !== null && symbols !== null) throw new ApiError(400, -1128, "Combination of optional parameters invalid.");
  let selected: Instrument[];
  if (symbol !== null) selected = [lookup(symbol, instruments)];
  else if (symbols !== null) selected = parseSymbolList(symbols).map((s) => lookup(s, instruments));
  else selected = [...instruments.values()];
  return {
    timezone: "UTC",
    serverTime: now(),
    rateLimits: [
      {rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000},
      {rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000},
    ],
    exchangeFilters: [],
    symbols: selected.map(symbolInfo),
  };
}

function symbolInfo(i: Instrument) {
  return {
    symbol: i.symbol,
    status: "TRADING",
    baseAsset: i.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: i.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {filterType: "PRICE_FILTER", minPrice: formatUnits(i.tickUnits), maxPrice: "1000000.00000000", tickSize: formatUnits(i.tickUnits)},
      {filterType: "LOT_SIZE", minQty: formatUnits(i.stepUnits), maxQty: "9000000.00000000", stepSize: formatUnits(i.stepUnits)},
    ],
    permissions: [],
    permissionSets: [["SPOT"]],
  };
}

function historicalTrades(query: URLSearchParams, {instruments, histories}: RestContext) {
  const symbol = query.get("symbol");
  if (symbol === null || symbol === "")
    throw new ApiError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  const history = histories.get(lookup(symbol, instruments).symbol)!;
  const limitParam = query.get("limit"),
    fromIdParam = query.get("fromId");
  if (limitParam !== null && !/^[0-9]{1,20}$/.test(limitParam)) throw illegal("limit");
  if (fromIdParam !== null && !/^[0-9]{1,20}$/.test(fromIdParam)) throw illegal("fromId");
  // Like spot Binance: limits above the maximum are capped rather than refused.
  const limit = limitParam === null ? 500 : Math.min(1000, Number(limitParam));
  if (limit < 1) throw new ApiError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  const rows = history.read(fromIdParam === null ? undefined : Number(fromIdParam), limit);
  return Array.from({length: rows.length}, (_, i) => ({
    id: rows.id[i],
    price: formatUnits(rows.price[i]),
    qty: formatUnits(rows.qty[i]),
    quoteQty: formatBigUnits(multiplyUnits(rows.price[i], rows.qty[i])),
    time: rows.time[i],
    isBuyerMaker: rows.isBuyerMaker[i] === 1,
    isBestMatch: true,
  }));
}

function lookup(symbol: string, instruments: ReadonlyMap<string, Instrument>): Instrument {
  const found = instruments.get(symbol);
  if (!found) throw new ApiError(400, -1121, "Invalid symbol.");
  return found;
}

function parseSymbolList(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw illegal("symbols");
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s): s is string => typeof s === "string")) throw illegal("symbols");
  return parsed;
}

function illegal(parameter: string): ApiError {
  const range = parameter === "symbols" ? `^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$` : "^[0-9]{1,20}$";
  return new ApiError(400, -1100, `Illegal characters found in parameter '${parameter}'; legal range is '${range}'.`);
}
