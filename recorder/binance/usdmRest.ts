// Binance USD-M futures REST (fapi) market data: symbol validation (exchangeInfo), aggregate trade
// history for backfills (aggTrades; historicalTrades needs an API key on futures) and funding history.
import {isRecord, positiveDecimal} from "./messages.js";
import {WeightBudget, WindowLimit, type BudgetClock} from "./requestBudget.js";
import {getJson, RestError} from "./rest.js";
import type {AggTrade} from "./usdmMessages.js";

type Fetch = typeof fetch;

export interface UsdmSymbolInfo {
  readonly symbol: string;
  readonly status: string;
  readonly contractType: string;
}

/**
 * Checks that every symbol (plain names, e.g. BTCUSDT) is a TRADING PERPETUAL, via GET
 * /fapi/v1/exchangeInfo (weight 1; fapi takes no symbol filter). Throws a one-line RestError naming
 * the first symbol (as `usdm:BTCUSDT`) that is unknown, not perpetual or not trading, or the URL.
 */
export async function validateUsdmSymbols(
  restUrl: string,
  symbols: readonly string[],
  options?: {fetch?: Fetch},
): Promise<UsdmSymbolInfo[]> {
  const url = `${restUrl.replace(/\/$/, "")}/fapi/v1/exchangeInfo`;
  const body = await getJson(url, options);
  const list = isRecord(body) ? body.symbols : undefined;
  if (!Array.isArray(list)) throw new RestError(`${url} answered without a symbols list`, url);
  const infos = new Map<string, UsdmSymbolInfo>();
  for (const s of list as unknown[])
    if (isRecord(s))
      infos.set(String(s.symbol), {symbol: String(s.symbol), status: String(s.status), contractType: String(s.contractType)});
  return symbols.map((symbol) => {
    const info = infos.get(symbol);
    if (!info) throw new RestError(`unknown symbol usdm:${symbol} (not listed by ${url})`, url);
    if (info.contractType !== "PERPETUAL")
      throw new RestError(`symbol usdm:${symbol} is not a perpetual (contractType ${info.contractType})`, url);
    if (info.status !== "TRADING") throw new RestError(`symbol usdm:${symbol} is not trading (status ${info.status})`, url);
    return info;
  });
}

/** One page of GET /fapi/v1/aggTrades. */
export interface AggTradesPage {
  /** Valid aggregates, in id order. */
  readonly trades: AggTrade[];
  /** Ids of invalidated aggregates (price/qty "0", f/l -1): they exist but hold no trade. */
  readonly invalidated: number[];
  /** The id to ask for next: one past the last row, or `fromId` when the page was empty. */
  readonly nextFromId: number;
}

/** One settled funding of a perpetual (GET /fapi/v1/fundingRate). */
export interface FundingRate {
  readonly symbol: string;
  /** ms since the UTC epoch (Binance stamps a few ms after the hour). */
  readonly fundingTime: number;
  /** Fraction, positive when longs pay shorts. */
  readonly fundingRate: number;
  /** Mark price at funding; null where Binance sends "" (old rows). */
  readonly markPrice: number | null;
}

/**
 * fapi history client that keeps to Binance's USD-M limits: request weight per minute under
 * `weightBudget` (fapi allows 2400; X-MBX-USED-WEIGHT-1M), fundingRate's own 500 requests per
 * 5 minutes, and nothing sent before a 429/418's `Retry-After` has passed.
 */
export class UsdmHistoryClient {
  readonly weight: WeightBudget;
  readonly fundingLimit: WindowLimit;
  requests = 0;
  rateLimited = 0;

  constructor(
    private readonly restUrl: string,
    private readonly options: BudgetClock & {fetch?: Fetch; weightBudget?: number; fundingRequests?: number; fundingWindowMs?: number} = {},
  ) {
    this.weight = new WeightBudget(options.weightBudget ?? 2400, options);
    this.fundingLimit = new WindowLimit(options.fundingRequests ?? 500, options.fundingWindowMs ?? 300_000, options);
  }

  /** Up to `limit` (≤ 1000) aggregates of `symbol` from aggregate id `fromId` on (weight 20). */
  async aggTrades(
    symbol: string,
    fromId: number,
    {limit = 1000, signal}: {limit?: number; signal?: AbortSignal} = {},
  ): Promise<AggTradesPage> {
    const query = `symbol=${encodeURIComponent(symbol)}&fromId=${fromId}&limit=${limit}`;
    const {url, body} = await this.get(`/fapi/v1/aggTrades?${query}`, 20, signal);
    if (!Array.isArray(body)) throw new RestError(`${url} did not answer with a list`, url);
    const trades: AggTrade[] = [],
      invalidated: number[] = [];
    let nextFromId = fromId;
    for (const row of body as unknown[]) {
      const {a: id, T: time, f: firstId, l: lastId, m: isBuyerMaker} = isRecord(row) ? row : {};
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < nextFromId)
        throw new RestError(`${url} answered a row without a valid aggregate id: ${JSON.stringify(row).slice(0, 200)}`, url);
      nextFromId = id + 1;
      const price = positiveDecimal(isRecord(row) ? row.p : undefined),
        qty = positiveDecimal(isRecord(row) ? row.q : undefined);
      const ids = typeof firstId === "number" && typeof lastId === "number" && firstId >= 0 && lastId >= firstId;
      if (!(price > 0 && qty > 0) || !ids) {
        invalidated.push(id);
        continue;
      }
      if (typeof time !== "number" || typeof isBuyerMaker !== "boolean")
        throw new RestError(`${url} answered a malformed row: ${JSON.stringify(row).slice(0, 200)}`, url);
      trades.push({id, time, price, qty, isBuyerMaker, firstId, lastId});
    }
    return {trades, invalidated, nextFromId};
  }

  /** Settled fundings of `symbol` from `startTime` on, oldest first, up to `limit` (≤ 1000). */
  async fundingRates(
    symbol: string,
    {startTime, endTime, limit = 1000, signal}: {startTime?: number; endTime?: number; limit?: number; signal?: AbortSignal} = {},
  ): Promise<FundingRate[]> {
    const range = `${startTime === undefined ? "" : `&startTime=${startTime}`}${endTime === undefined ? "" : `&endTime=${endTime}`}`;
    await this.fundingLimit.take(signal).catch(() => {
      throw new RestError("aborted", this.restUrl);
    });
    const {url, body} = await this.get(`/fapi/v1/fundingRate?symbol=${encodeURIComponent(symbol)}${range}&limit=${limit}`, 1, signal);
    if (!Array.isArray(body)) throw new RestError(`${url} did not answer with a list`, url);
    return (body as unknown[]).map((row) => {
      const {fundingTime, fundingRate, markPrice} = isRecord(row) ? row : {};
      const rate = typeof fundingRate === "string" && /^-?\d+(\.\d+)?$/.test(fundingRate) ? Number(fundingRate) : NaN;
      const mark = markPrice === "" || markPrice === undefined ? null : positiveDecimal(markPrice);
      if (typeof fundingTime !== "number" || !Number.isSafeInteger(fundingTime) || Number.isNaN(rate) || Number.isNaN(mark))
        throw new RestError(`${url} answered a malformed funding row: ${JSON.stringify(row).slice(0, 200)}`, url);
      return {symbol, fundingTime, fundingRate: rate, markPrice: mark};
    });
  }

  /** One budgeted GET: waits for the weight budget, counts the answer, turns 429/418 into a RestError. */
  private async get(path: string, weight: number, signal?: AbortSignal): Promise<{url: string; body: unknown}> {
    const url = `${this.restUrl.replace(/\/$/, "")}${path}`;
    try {
      await this.weight.take(weight, signal);
    } catch {
      throw new RestError("aborted", url);
    }
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(15_000);
      response = await (this.options.fetch ?? fetch)(url, {signal: signal ? AbortSignal.any([signal, timeout]) : timeout});
    } catch (error) {
      const cause = (error as {cause?: {code?: string}}).cause;
      throw new RestError(`could not reach ${new URL(url).origin} (${cause?.code ?? (error as Error).message})`, url);
    }
    this.requests++;
    const wait = this.weight.record(response, weight);
    if (wait > 0) {
      this.rateLimited++;
      await response.body?.cancel();
      throw new RestError(
        `${new URL(url).origin} answered HTTP ${response.status} (rate limit); waiting ${Math.round(wait / 1000)} s`,
        url,
        response.status,
      );
    }
    const text = await response.text();
    if (!response.ok) throw new RestError(`${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`, url, response.status);
    try {
      return {url, body: JSON.parse(text)};
    } catch {
      throw new RestError(`${url} answered HTTP ${response.status} with a body that is not JSON`, url, response.status);
    }
  }
}
