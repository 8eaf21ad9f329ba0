import {formatBigUnits, formatUnits, multiplyUnits} from "./decimal.js";
import type {Instrument} from "./instruments.js";
import {ApiError, type Endpoint, illegal, limitParam, integerParam, lookup, requiredSymbol} from "./rest.js";
import type {TradeHistory} from "./tradeHistory.js";

export interface SpotRestOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly histories: ReadonlyMap<string, TradeHistory>;
  readonly now: () => number;
}

/**
 * Binance spot's market-data REST endpoints (/api/v3 ping, time, exchangeInfo, historicalTrades) with
 * their response shapes, error bodies and request weights, for restHandler.
 */
export function spotEndpoints({instruments, histories, now}: SpotRestOptions): Record<string, Endpoint> {
  return {
    "/api/v3/ping": {weight: 1, handle: () => ({})},
    "/api/v3/time": {weight: 1, handle: () => ({serverTime: now()})},
    "/api/v3/exchangeInfo": {weight: 20, handle: (query) => exchangeInfo(query, instruments, now)},
    "/api/v3/historicalTrades": {weight: 25, handle: (query) => historicalTrades(query, instruments, histories)},
  };
}

function exchangeInfo(query: URLSearchParams, instruments: ReadonlyMap<string, Instrument>, now: () => number) {
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
    filters: priceAndLotFilters(i),
    permissions: [],
    permissionSets: [["SPOT"]],
  };
}

/** PRICE_FILTER and LOT_SIZE of an instrument, as both exchangeInfos list them. */
export function priceAndLotFilters(i: Instrument) {
  return [
    {filterType: "PRICE_FILTER", minPrice: formatUnits(i.tickUnits), maxPrice: "1000000.00000000", tickSize: formatUnits(i.tickUnits)},
    {filterType: "LOT_SIZE", minQty: formatUnits(i.stepUnits), maxQty: "9000000.00000000", stepSize: formatUnits(i.stepUnits)},
  ];
}

function historicalTrades(
  query: URLSearchParams,
  instruments: ReadonlyMap<string, Instrument>,
  histories: ReadonlyMap<string, TradeHistory>,
) {
  const history = histories.get(lookup(requiredSymbol(query), instruments).symbol)!;
  const fromId = integerParam(query, "fromId");
  const rows = history.read(fromId, limitParam(query, 500, 1000));
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
