// GET /api/v1/bars: one symbol's bars with gap flags, as JSON, CSV, Arrow or Parquet.
import {marketSymbolSlug, parseMarketSymbol} from "../src/protocol/symbol.js";
import {requireSymbols, queryBars} from "./barsQuery.js";
import {barsArrow, barsCsv, barsJson, barsParquet} from "./barsFormats.js";
import {intervalName, intervalParam, lookbackParam} from "./paramSpecs.js";
import {jsonType} from "./reply.js";
import type {Route} from "./route.js";

const types = {
  json: jsonType,
  csv: "text/csv; charset=utf-8",
  arrow: "application/vnd.apache.arrow.stream",
  parquet: "application/vnd.apache.parquet",
} as const;

export const barsRoute: Route = {
  path: "/api/v1/bars",
  summary:
    "One symbol's bars (open, high, low, close, volume, quote volume, taker buy volume, trade count, gap flag) over [from, to) or the lookback; empty buckets have null prices",
  params: [
    {name: "symbol", in: "query", kind: "symbol", required: true, description: "BTCUSDT (spot) or usdm:BTCUSDT (USD-M perpetual)"},
    intervalParam,
    {
      name: "from",
      in: "query",
      kind: "time",
      description: "start, inclusive: ISO-8601 UTC (2026-01-02T03:04:05Z) or epoch ms; default: to − lookback",
    },
    {
      name: "to",
      in: "query",
      kind: "time",
      description: "end, exclusive: ISO-8601 UTC or epoch ms; default: the bucket after the latest stored trade",
    },
    lookbackParam,
    {
      name: "format",
      in: "query",
      kind: "enum",
      values: ["json", "csv", "arrow", "parquet"],
      default: "json",
      description: "response format",
    },
  ],
  produces: Object.values(types),
  cache: true,
  async handle({lake, params, limits, now}) {
    const symbol = params.string("symbol"),
      format = params.string("format") as keyof typeof types;
    await requireSymbols(lake, [["symbol", symbol]]);
    const interval = params.number("interval"),
      name = intervalName(interval);
    const content = await queryBars(lake, {
      symbols: [symbol],
      interval,
      from: params.optionalNumber("from"),
      to: params.optionalNumber("to"),
      lookbackMs: params.number("lookback"),
      maxBars: limits.maxBars,
    });
    const filename = `${marketSymbolSlug(parseMarketSymbol(symbol))}-${name}.${format}`;
    if (format === "json") return {status: 200, type: types.json, body: barsJson(content, name)};
    if (format === "csv") return {status: 200, type: types.csv, body: barsCsv(content), filename};
    if (format === "arrow") return {status: 200, type: types.arrow, body: barsArrow(content, name, now()), filename};
    return {status: 200, type: types.parquet, body: await barsParquet(content), filename};
  },
};
