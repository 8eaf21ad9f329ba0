// The bars an API request asks for, from the lake: an explicit [from, to) or the notebook's lookback
// rule (loaders/window.ts: counted back from the latest stored trade, never before the first), with
// gap flags, aggregated in DuckDB exactly as the pages' bars files are (loaders/aggregateBars.ts).
import {withDuckDB} from "../lake/duckdb.js";
import {readGaps, withGapTimes} from "../lake/gaps.js";
import {lakeSymbols, lastTradeTime} from "../lake/reader.js";
import {aggregateBars} from "../loaders/aggregateBars.js";
import {gapRanges} from "../loaders/gapRanges.js";
import {firstTradeTime} from "../loaders/lakeBars.js";
import {lookbackWindow} from "../loaders/window.js";
import {bucketStart, emptyBars} from "../src/lib/bars.js";
import {gapFlags} from "../src/lib/gapFlags.js";
import type {BarsContent, BarsLeg} from "../src/protocol/barsFile.js";
import {ParamError} from "./params.js";

export interface BarsQuery {
  readonly symbols: readonly string[];
  /** Bar length, ms. */
  readonly interval: number;
  /** Start (inclusive) and end (exclusive), ms; absent: the lookback rule decides. */
  readonly from?: number;
  readonly to?: number;
  /** How far back from the latest stored trade of `symbols` (or from `to`) when `from` is absent. */
  readonly lookbackMs: number;
  /** Most bars per symbol one response holds: a larger range is a ParamError naming `from` or `lookback`. */
  readonly maxBars: number;
}

/**
 * Bars of `symbols` on one UTC grid with gap flags (1 = the bucket overlaps an unfilled gap, as in
 * loaders/lakeBars.ts) and the gap records overlapping the range. With neither `from` nor `to` it is the
 * window loadLakeBars gives for the same interval and lookback. O(trades) in DuckDB, O(bars) here.
 *
 *   await queryBars(lake, {symbols: ["BTCUSDT"], interval: 60_000, lookbackMs: 86_400_000, maxBars: 100_000})
 */
export async function queryBars(lake: string, query: BarsQuery): Promise<BarsContent> {
  const {symbols, interval} = query;
  if (query.from === undefined && Math.ceil(query.lookbackMs / interval) > query.maxBars)
    throw new ParamError(
      "lookback",
      `lookback ${query.lookbackMs} ms holds ${Math.ceil(query.lookbackMs / interval)} bars of ${interval} ms; one response holds at most ${query.maxBars} (shorten lookback or use a longer interval)`,
    );
  return withDuckDB(async (connection) => {
    let last = -Infinity,
      first = Infinity;
    for (const s of symbols) last = Math.max(last, (await lastTradeTime(connection, lake, s)) ?? -Infinity);
    for (const s of symbols) first = Math.min(first, (await firstTradeTime(connection, lake, s)) ?? Infinity);
    const allGaps = await withGapTimes(
      connection,
      lake,
      (await readGaps(connection, lake)).filter((g) => symbols.includes(g.symbol)),
    );
    const range = windowOf(query, first, last);
    if (range === null) {
      const legs = symbols.map((symbol) => ({symbol, bars: emptyBars(interval, 0, 0), gap: new Uint8Array(0), trades: 0}));
      return {interval, from: null, to: null, legs, gaps: allGaps};
    }
    const {from, to} = range;
    const bars = Math.ceil((to - bucketStart(from, interval)) / interval);
    if (bars > query.maxBars) {
      const name = query.from !== undefined ? "from" : "lookback";
      throw new ParamError(
        name,
        `the range holds ${bars} bars of ${interval} ms per symbol; one response holds at most ${query.maxBars} (narrow ${name} or use a longer interval)`,
      );
    }
    const legs: BarsLeg[] = [];
    for (const symbol of symbols) {
      const {bars, trades} = await aggregateBars(connection, lake, symbol, {interval, from, to});
      legs.push({symbol, bars, gap: gapFlags(bars.start, interval, gapRanges(allGaps, symbol)), trades});
    }
    const gaps = allGaps.filter((g) => (g.toTime ?? Infinity) >= from && (g.fromTime ?? -Infinity) < to);
    return {interval, from, to, legs, gaps};
  });
}

/** The range [from, to) a query covers given the symbols' first and last stored trades; null when there is none. */
function windowOf(query: BarsQuery, first: number, last: number): {from: number; to: number} | null {
  const {interval, lookbackMs} = query;
  if (query.from !== undefined && query.to !== undefined && query.to <= query.from)
    throw new ParamError("to", `to (${query.to}) must be after from (${query.from})`);
  if (!Number.isFinite(last)) return null;
  if (query.from === undefined && query.to === undefined) return lookbackWindow(first, last, interval, lookbackMs);
  const to = query.to ?? bucketStart(last, interval) + interval;
  const from = query.from ?? to - Math.ceil(lookbackMs / interval) * interval;
  return to > from ? {from: bucketStart(from, interval), to} : null;
}

/** ParamError naming the parameter of the first symbol the lake holds no trades of. */
export async function requireSymbols(lake: string, named: readonly (readonly [parameter: string, symbol: string])[]): Promise<void> {
  const held = new Set(await lakeSymbols(lake));
  for (const [parameter, symbol] of named)
    if (!held.has(symbol))
      throw new ParamError(parameter, `the lake holds no trades of ${symbol} (GET /api/v1/symbols lists those it does)`);
}
