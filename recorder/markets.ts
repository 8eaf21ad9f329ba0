// The markets one recording spans: Binance spot (`BTCUSDT`: stream.binance.com, api.binance.com) and
// USD-M perpetual futures (`usdm:BTCUSDT`: fstream.binance.com's /market route, fapi.binance.com).
// Each has its own endpoints, symbol check, REST history and stream feed; past this file the recorder
// sees symbols as pairbook names them (src/protocol/symbol.ts), whatever their market.
import type {LakeTrade} from "../lake/wal.js";
import type {ConnectionState} from "../src/protocol/health.js";
import {formatMarketSymbol, parseMarketSymbol, type SymbolMarket} from "../src/protocol/symbol.js";
import {TradeHistoryClient, validateSymbols} from "./binance/rest.js";
import {AttemptLimiter, type Backpressure, runStream} from "./binance/stream.js";
import {spotTradeFeed, usdmFeed} from "./binance/streamFeed.js";
import type {MarkPriceUpdate} from "./binance/usdmMessages.js";
import {UsdmHistoryClient, validateUsdmSymbols} from "./binance/usdmRest.js";
import type {FetchTrades} from "./retryFetch.js";

/** Where each market is read from. */
export interface MarketEndpoints {
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly usdmWsUrl: string;
  readonly usdmRestUrl: string;
}

/** Binance's public USD-M endpoints (`--usdm-ws-url`, `--usdm-rest-url`). */
export const binanceUsdmWsUrl = "wss://fstream.binance.com";
export const binanceUsdmRestUrl = "https://fapi.binance.com";

/** The plain names of `symbols` (as pairbook names them) per market. */
export function splitMarkets(symbols: readonly string[]): Record<SymbolMarket, string[]> {
  const out: Record<SymbolMarket, string[]> = {spot: [], usdm: []};
  for (const s of symbols) {
    const {market, symbol} = parseMarketSymbol(s);
    out[market].push(symbol);
  }
  return out;
}

/** Checks every symbol against its market's exchangeInfo; a RestError names the unknown or non-trading ones. */
export async function validateMarketSymbols(endpoints: MarketEndpoints, symbols: readonly string[]): Promise<void> {
  const {spot, usdm} = splitMarkets(symbols);
  if (spot.length > 0) await validateSymbols(endpoints.restUrl, spot);
  if (usdm.length > 0) await validateUsdmSymbols(endpoints.usdmRestUrl, usdm);
}

/** REST history of both markets: the sequencers' backfills and the hole repair, each market under its own weight budget. */
export class MarketHistory {
  readonly spot: TradeHistoryClient;
  readonly usdm: UsdmHistoryClient;

  constructor(endpoints: MarketEndpoints) {
    this.spot = new TradeHistoryClient(endpoints.restUrl);
    this.usdm = new UsdmHistoryClient(endpoints.usdmRestUrl);
  }

  get requests(): number {
    return this.spot.requests + this.usdm.requests;
  }

  get rateLimited(): number {
    return this.spot.rateLimited + this.usdm.rateLimited;
  }

  /**
   * Trades of `symbol` from id `fromId` on: spot trades from historicalTrades, a perpetual's aggregates
   * (ids are aggregate ids) from aggTrades. Aggregates Binance voided are left out: the sequencer then
   * records their ids as a hole REST cannot fill, never as trades.
   */
  readonly fetchTrades: FetchTrades = async (symbol, fromId, signal) => {
    const {market, symbol: name} = parseMarketSymbol(symbol);
    if (market === "spot") return this.spot.historicalTrades(name, fromId, {signal});
    return (await this.usdm.aggTrades(name, fromId, {signal})).trades;
  };
}

export interface MarketStreamOptions {
  endpoints: MarketEndpoints;
  signal: AbortSignal;
  /** Per market: Binance counts connection attempts per host. */
  attempts: Record<SymbolMarket, AttemptLimiter>;
  silenceMs?: number;
  maxAgeMs?: number;
  backpressure: Backpressure;
  onState: (state: ConnectionState, detail?: string) => void;
  onReconnect: () => void;
  onTrade: (symbol: string, trade: LakeTrade, receivedAt: number | undefined) => void;
  onMarkPrice?: (symbol: string, mark: MarkPriceUpdate) => void;
  onRejected: (reason: string, frame: string) => void;
}

/** Attempt limiters for both markets, under each feed's rules. */
export function marketAttempts(): Record<SymbolMarket, AttemptLimiter> {
  return {spot: new AttemptLimiter(), usdm: new AttemptLimiter()};
}

/**
 * Streams per connection: a spot symbol takes one (`@trade`), a perpetual two (`@aggTrade`,
 * `@markPrice@1s`), and a connection carries at most `maxStreams`.
 */
export function connectionGroups(symbols: readonly string[], maxStreams = 1024): string[][] {
  const groups: string[][] = [];
  const {spot, usdm} = splitMarkets(symbols);
  for (let i = 0; i < spot.length; i += maxStreams) groups.push(spot.slice(i, i + maxStreams));
  const perUsdm = Math.max(1, Math.floor(maxStreams / 2));
  for (let i = 0; i < usdm.length; i += perUsdm)
    groups.push(usdm.slice(i, i + perUsdm).map((symbol) => formatMarketSymbol({market: "usdm", symbol})));
  return groups;
}

/** Keeps the stream of one connection group (symbols of one market, from connectionGroups) alive until `signal` aborts. */
export function runMarketStream(symbols: readonly string[], o: MarketStreamOptions): Promise<void> {
  const {market} = parseMarketSymbol(symbols[0]);
  const names = symbols.map((s) => parseMarketSymbol(s).symbol);
  const common = {
    signal: o.signal,
    silenceMs: o.silenceMs,
    maxAgeMs: o.maxAgeMs,
    backpressure: o.backpressure,
    onState: o.onState,
    onReconnect: o.onReconnect,
    attempts: o.attempts[market],
  };
  if (market === "spot")
    return runStream(spotTradeFeed(names), {
      ...common,
      wsUrl: o.endpoints.wsUrl,
      onEvent: (event) => {
        if (event.type === "trade") o.onTrade(event.symbol, event.trade, event.receivedAt);
        else if (event.type === "rejected") o.onRejected(event.reason, event.frame);
      },
    });
  // Each plain name's pairbook name, made once: per aggregate, a new "usdm:…" string cost its
  // concatenation and, at every map it then keys (sequencer, writer, health, hub), its hashing.
  const named = new Map(names.map((symbol) => [symbol, formatMarketSymbol({market, symbol})]));
  return runStream(usdmFeed(names), {
    ...common,
    wsUrl: o.endpoints.usdmWsUrl,
    onEvent: (event) => {
      if (event.type === "trade") o.onTrade(named.get(event.symbol)!, event.trade, event.receivedAt);
      else if (event.type === "markPrice") o.onMarkPrice?.(formatMarketSymbol({market, symbol: event.mark.symbol}), event.mark);
      else if (event.type === "rejected") o.onRejected(event.reason, event.frame);
    },
  });
}
