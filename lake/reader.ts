import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir} from "node:fs/promises";
import type {TradeColumns} from "../src/lib/bars.js";
import {quotedString} from "./duckdb.js";
import {tickFiles} from "./files.js";
import {lakeMarkets, marketDir, symbolsOfFolders, utcDate} from "./layout.js";
import {retryVanished} from "./vanishedFiles.js";

/** Symbols with at least one partition folder in the lake: spot ones sorted, then perpetuals (`usdm:…`) sorted. */
export async function lakeSymbols(lake: string): Promise<string[]> {
  const symbols: string[] = [];
  for (const market of lakeMarkets) {
    const names = await readdir(marketDir(lake, "ticks", market)).catch(() => []);
    symbols.push(...symbolsOfFolders(names, market).sort());
  }
  return symbols;
}

/**
 * SQL for read_parquet over a symbol's published files (compaction leftovers excluded, see
 * lake/files.ts), limited to the UTC days that overlap [from, to); null when there are none.
 */
export async function tickSource(lake: string, symbol: string, from = -Infinity, to = Infinity): Promise<string | null> {
  const year10000 = 253_402_300_800_000; // dates past 9999 do not print as YYYY-MM-DD
  const lo = from > 0 && from < year10000 ? utcDate(from) : "",
    hi = to > 0 && to <= year10000 ? utcDate(to - 1) : "9999-12-31";
  const files = (await tickFiles(lake, symbol)).filter((f) => f.date >= lo && f.date <= hi);
  if (files.length === 0) return null;
  return `read_parquet([${files.map((f) => quotedString(f.path)).join(", ")}])`;
}

export interface TradeRange {
  /** Inclusive lower bound, ms since the UTC epoch. */
  from?: number;
  /** Exclusive upper bound, ms since the UTC epoch. */
  to?: number;
}

/**
 * Reads one symbol's trades from the lake as columns ordered by trade id (empty when there are none).
 * Read again from a fresh listing when compaction deleted a listed file meanwhile (lake/vanishedFiles.ts).
 */
export function readTrades(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  range: TradeRange = {},
): Promise<TradeColumns & {length: number}> {
  return retryVanished(() => readTradesOnce(connection, lake, symbol, range));
}

async function readTradesOnce(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  {from = 0, to = 8.64e15}: TradeRange,
): Promise<TradeColumns & {length: number}> {
  const columns = {
    id: [] as number[],
    time: [] as number[],
    price: [] as number[],
    qty: [] as number[],
    isBuyerMaker: [] as boolean[],
    length: 0,
  };
  const source = await tickSource(lake, symbol, from, to);
  if (!source) return columns;
  const result = await connection.run(
    `SELECT trade_id::DOUBLE, epoch_ms(time)::DOUBLE, price, qty, is_buyer_maker
     FROM ${source}
     WHERE time >= epoch_ms($from::BIGINT) AND time < epoch_ms($to::BIGINT)
     ORDER BY trade_id`,
    {from: String(from), to: String(to)},
  );
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [id, time, price, qty, maker] = [0, 1, 2, 3, 4].map((i) => chunk.getColumnVector(i));
    for (let j = 0; j < chunk.rowCount; ++j) {
      columns.id.push(id.getItem(j) as number);
      columns.time.push(time.getItem(j) as number);
      columns.price.push(price.getItem(j) as number);
      columns.qty.push(qty.getItem(j) as number);
      columns.isBuyerMaker.push(maker.getItem(j) as boolean);
    }
  }
  columns.length = columns.id.length;
  return columns;
}

/** Time (ms) of a symbol's latest trade in the lake, or null when it has none. */
export function lastTradeTime(connection: DuckDBConnection, lake: string, symbol: string): Promise<number | null> {
  return retryVanished(() => lastTradeTimeOnce(connection, lake, symbol));
}

async function lastTradeTimeOnce(connection: DuckDBConnection, lake: string, symbol: string): Promise<number | null> {
  const files = await tickFiles(lake, symbol);
  if (files.length === 0) return null;
  // Files of the last day hold the latest trades (partitions are by trade date): one day read, not the whole lake.
  const day = files.reduce((d, f) => (f.date > d ? f.date : d), files[0].date);
  const source = `read_parquet([${files
    .filter((f) => f.date === day)
    .map((f) => quotedString(f.path))
    .join(", ")}])`;
  const reader = await connection.runAndReadAll(`SELECT epoch_ms(max(time))::DOUBLE FROM ${source}`);
  const value = reader.getColumns()[0][0];
  return typeof value === "number" ? value : null;
}
