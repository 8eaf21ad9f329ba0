// The lake's on-disk contract (documented in data/README.md): hive-partitioned Parquet under <lake>/ticks.
import {join} from "node:path";

export const tickColumns = "trade_id BIGINT, time TIMESTAMP, price DOUBLE, qty DOUBLE, is_buyer_maker BOOLEAN";

/** `<lake>/ticks/symbol=<SYMBOL>/date=<YYYY-MM-DD>`, the folder of one symbol-day. */
export function partitionDir(lake: string, symbol: string, date: string): string {
  return join(lake, "ticks", `symbol=${symbol}`, `date=${date}`);
}

/** File name of a published batch: its first and last trade ids, zero-padded so names sort by id. */
export function batchFileName(firstId: number, lastId: number): string {
  return `${String(firstId).padStart(15, "0")}-${String(lastId).padStart(15, "0")}.parquet`;
}

/** Glob over every published tick file of one symbol (or all symbols). Temp files start with "." and never match. */
export function ticksGlob(lake: string, symbol = "*"): string {
  return join(lake, "ticks", `symbol=${symbol}`, "date=*", "*.parquet");
}

/** UTC calendar date (YYYY-MM-DD) of a millisecond timestamp. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
