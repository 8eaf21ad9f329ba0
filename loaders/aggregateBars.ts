// The bars of one symbol computed by DuckDB from the lake, to the definition of src/lib/bars.ts.
import type {DuckDBConnection} from "@duckdb/node-api";
import {utcTimestamp} from "../lake/lakeFormat.js";
import {tickSource} from "../lake/reader.js";
import {retryVanished} from "../lake/vanishedFiles.js";
import {type BarColumns, bucketStart, emptyBars} from "../src/lib/bars.js";

// Open and close are the trades with the least and greatest (time, id): one HUGEINT key (time in
// the high 64 bits, id in the low ones) so arg_min/arg_max order by both, and no two trades tie.
const key = "(epoch_ms(time)::HUGEINT * 18446744073709551616 + trade_id)";
const sql = (source: string) => `
  SELECT ((epoch_ms(time) - $lo) // $interval)::DOUBLE, arg_min(price, ${key}), max(price), min(price), arg_max(price, ${key}),
         sum(qty), sum(price * qty), count(*)::DOUBLE, coalesce(sum(qty) FILTER (WHERE NOT is_buyer_maker), 0)
  FROM ${source}
  WHERE time >= ${utcTimestamp("$from::BIGINT")} AND time < ${utcTimestamp("$to::BIGINT")}
  GROUP BY ALL`;

/**
 * `resample(readTrades(connection, lake, symbol, {from, to}), interval, {from, to})` (src/lib/bars.ts),
 * aggregated by DuckDB: the same buckets (aligned to the UTC epoch, empty ones kept with count 0 and
 * NaN prices), open/close by (time, trade id), high, low and count exactly equal. Volume, quote volume
 * and taker buy volume are sums of doubles that DuckDB adds in its own order (threads, partial sums):
 * they may differ from the loop's in the last bits, by at most about 2·(count − 1)·2⁻⁵³ of the sum —
 * any order is as exact as `addTrade`'s arrival order, the live hub's (test/loaders/aggregateBars.test.ts;
 * an ordered `sum(qty ORDER BY trade_id)` would match bit for bit but takes ~70× longer).
 * Returns the bars and the number of trades in them. O(trades) in DuckDB, O(buckets) in Node.
 *
 *   const {bars, trades} = await aggregateBars(connection, lake, "BTCUSDT", {interval: 1000, from, to});
 */
export async function aggregateBars(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  {interval, from, to}: {interval: number; from: number; to: number},
): Promise<{bars: BarColumns; trades: number}> {
  if (!(interval > 0 && Number.isSafeInteger(interval))) throw new RangeError(`aggregateBars: invalid interval ${interval}`);
  if (!(Number.isFinite(from) && Number.isFinite(to))) throw new RangeError(`aggregateBars: invalid range [${from}, ${to})`);
  // From a fresh listing, with fresh bars, when compaction deleted a listed file meanwhile.
  return retryVanished(() => aggregateOnce(connection, lake, symbol, {interval, from, to}));
}

async function aggregateOnce(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  {interval, from, to}: {interval: number; from: number; to: number},
): Promise<{bars: BarColumns; trades: number}> {
  const lo = bucketStart(from, interval);
  const bars = emptyBars(interval, lo, Math.max(0, Math.ceil((to - lo) / interval)));
  const source = await tickSource(lake, symbol, from, to);
  let trades = 0;
  if (!source || bars.start.length === 0) return {bars, trades};
  // Trade times are whole ms: time ≥ from ⇔ time ≥ ⌈from⌉, and likewise for < to.
  const params = {lo: String(lo), interval: String(interval), from: String(Math.ceil(from)), to: String(Math.ceil(to))};
  const result = await connection.run(sql(source), params);
  // The query's columns (all DOUBLE, never null): bucket index, then these.
  const out = [null, bars.open, bars.high, bars.low, bars.close, bars.volume, bars.quoteVolume, bars.count, bars.takerBuyVolume];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const k = chunk.getColumnVector(0);
    for (let i = 1; i < out.length; ++i) {
      const column = chunk.getColumnVector(i),
        target = out[i]!;
      for (let j = 0; j < chunk.rowCount; ++j) target[k.getItem(j) as number] = column.getItem(j) as number;
    }
  }
  for (let k = 0; k < bars.count.length; ++k) {
    trades += bars.count[k];
    if (bars.count[k] > 0) bars.vwap[k] = bars.quoteVolume[k] / bars.volume[k];
  }
  return {bars, trades};
}
