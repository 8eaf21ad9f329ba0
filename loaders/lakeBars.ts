// Bars of several symbols from the lake on one UTC grid, with gap flags: aggregated by DuckDB to
// src/lib/bars.ts's one bar definition (the recorder's live hub uses the same; ./aggregateBars.ts).
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {tickFiles} from "../lake/files.js";
import {readGaps, withGapTimes} from "../lake/gaps.js";
import {lastTradeTime} from "../lake/reader.js";
import {retryVanished} from "../lake/vanishedFiles.js";
import {resample} from "../src/lib/bars.js";
import {gapFlags} from "../src/lib/gapFlags.js";
import type {BarsContent, BarsLeg} from "../src/protocol/barsFile.js";
import {aggregateBars} from "./aggregateBars.js";
import {gapRanges} from "./gapRanges.js";
import {lookbackWindow} from "./window.js";

/** Time (ms) of a symbol's earliest trade in the lake, or null when it has none. */
export function firstTradeTime(connection: DuckDBConnection, lake: string, symbol: string): Promise<number | null> {
  return retryVanished(() => firstTradeTimeOnce(connection, lake, symbol));
}

async function firstTradeTimeOnce(connection: DuckDBConnection, lake: string, symbol: string): Promise<number | null> {
  const files = await tickFiles(lake, symbol);
  if (files.length === 0) return null;
  // Files of the first day hold the earliest trades (partitions are by trade date).
  const day = files.reduce((d, f) => (f.date < d ? f.date : d), files[0].date);
  const source = `read_parquet([${files
    .filter((f) => f.date === day)
    .map((f) => quotedString(f.path))
    .join(", ")}])`;
  const value = (await connection.runAndReadAll(`SELECT epoch_ms(min(time))::DOUBLE FROM ${source}`)).getColumns()[0][0];
  return typeof value === "number" ? value : null;
}

/**
 * Reads the trades of `symbols` in the `lookbackMs` window (never starting before their first trade) ending at the bucket of the latest trade of
 * `anchor` symbols (default: the same symbols), resamples them to bars of `interval` ms in DuckDB
 * (`aggregateBars`: what `resample` would give, volumes to the last bits) and flags the
 * buckets overlapping a recorded, unfilled gap: every bucket from the one holding the last trade
 * before the hole to the one holding the first trade after it, so no close is carried across. The
 * result's `gaps` are the symbols' gap records overlapping the range (all of them when it is empty),
 * unfilled ones with their unknown times looked up in the lake (`withGapTimes`); encodeBarsFile
 * (src/protocol/barsFile.ts) writes it as a bars file.
 */
export async function loadLakeBars(
  lake: string,
  symbols: readonly string[],
  {interval, lookbackMs, anchor = symbols}: {interval: number; lookbackMs: number; anchor?: readonly string[]},
): Promise<BarsContent> {
  return withDuckDB(async (connection) => {
    let last = -Infinity,
      first = Infinity;
    for (const s of anchor) last = Math.max(last, (await lastTradeTime(connection, lake, s)) ?? -Infinity);
    for (const s of anchor) first = Math.min(first, (await firstTradeTime(connection, lake, s)) ?? Infinity);
    const allGaps = await withGapTimes(
      connection,
      lake,
      (await readGaps(connection, lake)).filter((g) => symbols.includes(g.symbol)),
    );
    if (!Number.isFinite(last)) {
      const legs = symbols.map((symbol) => ({
        symbol,
        bars: resample({id: [], time: [], price: [], qty: [], isBuyerMaker: []}, interval, {from: 0, to: 0}),
        gap: new Uint8Array(0),
        trades: 0,
      }));
      return {interval, from: null, to: null, legs, gaps: allGaps};
    }
    const {from, to} = lookbackWindow(first, last, interval, lookbackMs);
    const legs: BarsLeg[] = [];
    for (const symbol of symbols) {
      const {bars, trades} = await aggregateBars(connection, lake, symbol, {interval, from, to});
      legs.push({symbol, bars, gap: gapFlags(bars.start, interval, gapRanges(allGaps, symbol)), trades});
    }
    // A time still unknown leaves that side open, as in gapRanges.
    const gaps = allGaps.filter((g) => (g.toTime ?? Infinity) >= from && (g.fromTime ?? -Infinity) < to);
    return {interval, from, to, legs, gaps};
  });
}
