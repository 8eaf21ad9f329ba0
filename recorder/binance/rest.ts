// Binance REST market data: symbol validation (exchangeInfo) and trade history (historicalTrades).
import type {Trade} from "../../src/lib/bars.js";
import {WeightBudget} from "./requestBudget.js";

/** An endpoint that could not be reached or answered with an error, naming the URL. */
export class RestError extends Error {
  override name = "RestError";
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

/** GET `url` as JSON; a RestError naming the URL (and Binance's code/msg) when unreachable or not OK. */
export async function getJson(
  url: string,
  {fetch: fetchImpl = fetch, timeoutMs = 10_000}: {fetch?: Fetch; timeoutMs?: number} = {},
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {signal: AbortSignal.timeout(timeoutMs)});
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    const {origin, pathname} = new URL(url);
    throw new RestError(`could not reach ${origin}${pathname} (${reason})`, url);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RestError(`${url} answered HTTP ${response.status} with a body that is not JSON`, url, response.status);
  }
  if (!response.ok) {
    const {code, msg} = (body ?? {}) as {code?: number; msg?: string};
    throw new RestError(`${url} answered HTTP ${response.status}${msg ? `: ${msg}` : ""}`, url, response.status, code);
  }
  return body;
}

export interface SymbolInfo {
  readonly symbol: string;
  readonly status: string;
}

/**
 * Checks that every symbol exists and is TRADING, via GET /api/v3/exchangeInfo?symbols=[…].
 * Throws a RestError naming the unknown or non-trading symbols, or the unreachable URL.
 */
export async function validateSymbols(restUrl: string, symbols: readonly string[], options?: {fetch?: Fetch}): Promise<SymbolInfo[]> {
  const base = `${restUrl.replace(/\/$/, "")}/api/v3/exchangeInfo`;
  const url = `${base}?symbols=${encodeURIComponent(JSON.stringify(symbols))}`;
  let body: unknown;
  try {
    body = await getJson(url, options);
  } catch (error) {
    // -1121 "Invalid symbol." does not say which one: ask one at a time to name it.
    if (error instanceof RestError && error.code === -1121) {
      for (const symbol of symbols) {
        try {
          await getJson(`${base}?symbol=${encodeURIComponent(symbol)}`, options);
        } catch (inner) {
          if (inner instanceof RestError && inner.code === -1121)
            throw new RestError(`unknown symbol ${symbol} (Binance says "Invalid symbol.")`, inner.url, inner.status, inner.code);
          throw inner;
        }
      }
    }
    throw error;
  }
  const list = (body as {symbols?: unknown}).symbols;
  if (!Array.isArray(list)) throw new RestError(`${url} answered without a symbols list`, url);
  const infos = list.map((s: {symbol?: unknown; status?: unknown}) => ({symbol: String(s.symbol), status: String(s.status)}));
  for (const symbol of symbols) {
    const info = infos.find((i) => i.symbol === symbol);
    if (!info) throw new RestError(`unknown symbol ${symbol}`, url);
    if (info.status !== "TRADING") throw new RestError(`symbol ${symbol} is not trading (status ${info.status})`, url);
  }
  return infos;
}

/**
 * REST client for trade history that keeps to Binance's limits: it tracks the request weight used
 * in the current minute (X-MBX-USED-WEIGHT-1M), waits for the next minute rather than exceed
 * `weightBudget`, and after HTTP 429/418 sends nothing until `Retry-After` has passed.
 */
export class TradeHistoryClient {
  readonly weight: WeightBudget;
  requests = 0;
  rateLimited = 0;

  constructor(
    private readonly restUrl: string,
    private readonly options: {
      fetch?: Fetch;
      weightBudget?: number;
      now?: () => number;
      sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    } = {},
  ) {
    this.weight = new WeightBudget(options.weightBudget ?? 4800, options);
  }

  /** Up to `limit` (≤ 1000) trades of `symbol` from id `fromId` on (GET /api/v3/historicalTrades, weight 25). */
  async historicalTrades(
    symbol: string,
    fromId: number,
    {limit = 1000, signal}: {limit?: number; signal?: AbortSignal} = {},
  ): Promise<Trade[]> {
    const {fetch: fetchImpl = fetch} = this.options;
    const weight = 25;
    try {
      await this.weight.take(weight, signal);
    } catch {
      throw new RestError("aborted", this.restUrl);
    }
    const url = `${this.restUrl.replace(/\/$/, "")}/api/v3/historicalTrades?symbol=${encodeURIComponent(symbol)}&fromId=${fromId}&limit=${limit}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(15_000)]) : AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause = (error as {cause?: {code?: string}}).cause;
      throw new RestError(`could not reach ${new URL(url).origin} (${cause?.code ?? (error as Error).message})`, url);
    }
    this.requests++;
    const wait = this.weight.record(response, weight);
    if (wait > 0) {
      this.rateLimited++;
      throw new RestError(
        `${new URL(url).origin} answered HTTP ${response.status} (rate limit); waiting ${Math.round(wait / 1000)} s`,
        url,
        response.status,
      );
    }
    const text = await response.text();
    if (!response.ok) throw new RestError(`${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`, url, response.status);
    const body: unknown = JSON.parse(text);
    if (!Array.isArray(body)) throw new RestError(`${url} did not answer with a list`, url);
    return body.map((row: Record<string, unknown>) => ({
      id: Number(row.id),
      time: Number(row.time),
      price: Number(row.price),
      qty: Number(row.qty),
      isBuyerMaker: row.isBuyerMaker === true,
    }));
  }
}
