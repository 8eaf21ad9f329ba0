// Bars of a pair of symbols from the lake, resampled with src/lib's one bar definition.
import {alignCloses, type AlignedPair} from "../src/lib/align.js";
import {type BarColumns, bucketStart, resample} from "../src/lib/bars.js";
import {withDuckDB} from "../lake/duckdb.js";
import {lastTradeTime, readTrades} from "../lake/reader.js";

export interface PairBars {
  readonly a: string;
  readonly b: string;
  readonly interval: number;
  /** Covered range [from, to), ms since the UTC epoch; null when the lake has no trades for the pair. */
  readonly from: number | null;
  readonly to: number | null;
  readonly barsA: BarColumns;
  readonly barsB: BarColumns;
  readonly aligned: AlignedPair;
  readonly trades: {readonly a: number; readonly b: number};
}

export interface PairBarsOptions {
  interval: number;
  /** Length of the window ending at the pair's latest trade, ms. */
  lookbackMs: number;
}

/**
 * Reads both symbols' trades from the lake for the `lookbackMs` ending at the later of their latest
 * trades, resamples them to bars on the same UTC grid and aligns the closes.
 */
export async function loadPairBars(lake: string, a: string, b: string, {interval, lookbackMs}: PairBarsOptions): Promise<PairBars> {
  return withDuckDB(async (connection) => {
    const last = Math.max((await lastTradeTime(connection, lake, a)) ?? -Infinity, (await lastTradeTime(connection, lake, b)) ?? -Infinity);
    if (!Number.isFinite(last)) {
      const empty = resample({id: [], time: [], price: [], qty: [], isBuyerMaker: []}, interval, {from: 0, to: 0});
      return {a, b, interval, from: null, to: null, barsA: empty, barsB: empty, aligned: alignCloses(empty, empty), trades: {a: 0, b: 0}};
    }
    const to = bucketStart(last, interval) + interval;
    const from = to - Math.ceil(lookbackMs / interval) * interval;
    const tradesA = await readTrades(connection, lake, a, {from, to});
    const tradesB = await readTrades(connection, lake, b, {from, to});
    const barsA = resample(tradesA, interval, {from, to});
    const barsB = resample(tradesB, interval, {from, to});
    return {a, b, interval, from, to, barsA, barsB, aligned: alignCloses(barsA, barsB), trades: {a: tradesA.length, b: tradesB.length}};
  });
}
