import {formatUnits} from "./decimal.js";
import {ApiError, type Endpoint, integerParam, limitParam, lookup, requiredSymbol} from "./rest.js";
import {priceAndLotFilters} from "./spotRest.js";
import type {TradeHistory} from "./tradeHistory.js";
import type {Contract} from "./usdmContracts.js";

export interface UsdmRestOptions {
  /** Every listed contract, by symbol. */
  readonly contracts: ReadonlyMap<string, Contract>;
  /** The aggregate trades of each traded perpetual, by symbol. */
  readonly histories: ReadonlyMap<string, TradeHistory>;
  readonly now: () => number;
}

/** USD-M's budget: 2400 request weight a minute per IP. */
export const usdmWeightPerMinute = 2400;

const hourMs = 3_600_000;

/**
 * Binance USD-M's market-data REST endpoints (/fapi/v1 ping, time, exchangeInfo, aggTrades) with
 * their shapes, errors and weights, for restHandler; the funding endpoints are in fundingRest.ts.
 */
export function usdmEndpoints({contracts, histories, now}: UsdmRestOptions): Record<string, Endpoint> {
  return {
    "/fapi/v1/ping": {weight: 1, handle: () => ({})},
    "/fapi/v1/time": {weight: 1, handle: () => ({serverTime: now()})},
    "/fapi/v1/exchangeInfo": {weight: 1, handle: () => exchangeInfo(contracts, now())},
    "/fapi/v1/aggTrades": {
      weight: 20,
      handle: (query) => aggTrades(query, histories.get(lookup(requiredSymbol(query), contracts).instrument.symbol)),
    },
  };
}

function exchangeInfo(contracts: ReadonlyMap<string, Contract>, serverTime: number) {
  return {
    timezone: "UTC",
    serverTime,
    futuresType: "U_MARGINED",
    rateLimits: [
      {rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: usdmWeightPerMinute},
      {rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200},
    ],
    exchangeFilters: [],
    assets: [{asset: "USDT", marginAvailable: true, autoAssetExchange: "-10000"}],
    symbols: [...contracts.values()].map(({instrument: i, contractType, status, deliveryDate}) => ({
      symbol: i.symbol,
      pair: i.symbol.replace(/_.*$/, ""),
      contractType,
      deliveryDate,
      onboardDate: 1_569_398_400_000,
      status,
      baseAsset: i.baseAsset,
      quoteAsset: i.quoteAsset,
      marginAsset: i.quoteAsset,
      pricePrecision: 8,
      quantityPrecision: 8,
      baseAssetPrecision: 8,
      quotePrecision: 8,
      underlyingType: "COIN",
      filters: priceAndLotFilters(i),
      orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
      timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"],
    })),
  };
}

/**
 * Rows `{a, p, q, f, l, T, m}`: from `fromId`, or within [startTime, endTime] (at most an hour; one
 * bound alone means the hour after or before it), or the most recent; `limit` default 500, at most
 * 1000. A listed contract that never traded has none.
 */
function aggTrades(query: URLSearchParams, history: TradeHistory | undefined) {
  const fromId = integerParam(query, "fromId"),
    start = integerParam(query, "startTime"),
    end = integerParam(query, "endTime");
  const limit = limitParam(query, 500, 1000);
  const timed = start !== undefined || end !== undefined;
  if (fromId !== undefined && timed) throw new ApiError(400, -1128, "Combination of optional parameters invalid.");
  if (start !== undefined && end !== undefined && (end < start || end - start > hourMs))
    throw new ApiError(400, -1127, "More than 1 hours between startTime and endTime.");
  if (!history) return [];
  const rows = timed ? history.readTimes(start ?? end! - hourMs, end ?? start! + hourMs, limit) : history.read(fromId, limit);
  return Array.from({length: rows.length}, (_, i) => ({
    a: rows.id[i],
    p: formatUnits(rows.price[i]),
    q: formatUnits(rows.qty[i]),
    f: rows.first[i],
    l: rows.last[i],
    T: rows.time[i],
    m: rows.isBuyerMaker[i] === 1,
  }));
}
