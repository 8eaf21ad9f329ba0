// The lake's format (data/README.md): its number in `<lake>/lake.json` and in every Parquet file's
// key/value metadata, the columns of a format-2 file, and the SQL that writes them.
// Format 1: no market level, `time` a naive TIMESTAMP. Format 2: `market=` level, `time` (and every
// other timestamp) a UTC-adjusted microsecond TIMESTAMPTZ, exchange event and local receive times.
import {readFile} from "node:fs/promises";
import {quotedString} from "./duckdb.js";
import {parseMarketSymbol, type SymbolMarket} from "../src/protocol/symbol.js";
import {manifestPath} from "./layout.js";
import {replaceFile} from "./publish.js";

/** The format this version of pairbook reads and writes. */
export const lakeFormat = 2;

/** `<lake>/lake.json`. */
export interface LakeManifest {
  readonly format: number;
  /** Set when the lake was migrated from an older format: that format, and when (ISO 8601). */
  readonly migratedFrom?: number;
  readonly migratedAt?: string;
  /** Set (with `format: 1`) while a migration is under way. */
  readonly migratingTo?: number;
}

/** The columns of a format-2 tick file, in order; the first five are never null. */
export const tickColumns = ["trade_id", "time", "price", "qty", "is_buyer_maker", "event_time", "receive_time"] as const;
/** What a USD-M tick file adds (its `trade_id` is the aggregate id): the trade ids each aggregate spans. */
export const aggregateColumns = ["first_trade_id", "last_trade_id"] as const;
const notNullTicks = "trade_id,time,price,qty,is_buyer_maker";

/** The columns of a tick file of `symbol`'s market, in order. */
export function tickColumnsOf(symbol: string): readonly string[] {
  return parseMarketSymbol(symbol).market === "usdm" ? [...tickColumns, ...aggregateColumns] : tickColumns;
}

/** SQL for a UTC-adjusted timestamp from a BIGINT expression of ms since the epoch (independent of the session's TimeZone). */
export function utcTimestamp(msExpression: string): string {
  return `timezone('UTC', epoch_ms(${msExpression}))`;
}

/**
 * The options of a `COPY … TO` writing a format-2 file: zstd, and key/value metadata naming the format,
 * the market and symbol, the id the rows are sorted by and the columns that are never null (DuckDB
 * 1.5 writes neither Parquet's `sorting_columns` nor REQUIRED top-level columns, so they are declared here).
 */
export function parquetOptions({
  market,
  symbol,
  sortedBy,
  notNull,
}: {
  market: SymbolMarket;
  symbol?: string;
  sortedBy: string;
  notNull: string;
}): string {
  const kv = [
    `pairbook_lake_format: ${quotedString(String(lakeFormat))}`,
    `market: ${quotedString(market)}`,
    ...(symbol === undefined ? [] : [`symbol: ${quotedString(symbol)}`]),
    `sorted_by: ${quotedString(sortedBy)}`,
    `not_null: ${quotedString(notNull)}`,
  ];
  return `(FORMAT parquet, COMPRESSION zstd, KV_METADATA {${kv.join(", ")}})`;
}

/** `parquetOptions` for a tick file of `symbol` (`BTCUSDT`, or `usdm:BTCUSDT`: the market comes from the name). */
export function tickFileOptions(symbol: string): string {
  const {market, symbol: name} = parseMarketSymbol(symbol);
  const notNull = market === "usdm" ? `${notNullTicks},${aggregateColumns.join(",")}` : notNullTicks;
  return parquetOptions({market, symbol: name, sortedBy: "trade_id", notNull});
}

/** `parquetOptions` for a gap record file. */
export function gapFileOptions(market: SymbolMarket = "spot"): string {
  return parquetOptions({market, sortedBy: "from_id", notNull: "symbol,from_id,to_id,cause,filled,detected_at"});
}

/** The lake's manifest, or null when it has none (a new lake, or one of format 1). Throws on a torn or foreign file. */
export async function readManifest(lake: string): Promise<LakeManifest | null> {
  let text: string;
  try {
    text = await readFile(manifestPath(lake), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const manifest = JSON.parse(text) as unknown;
  if (typeof manifest !== "object" || manifest === null || typeof (manifest as {format?: unknown}).format !== "number")
    throw new Error(`${manifestPath(lake)} is not a pairbook lake manifest (no "format" number)`);
  return manifest as LakeManifest;
}

/** Writes the manifest atomically: a hidden temp file, fsynced, renamed, the folder fsynced. */
export function writeManifest(lake: string, manifest: LakeManifest): Promise<void> {
  return replaceFile(manifestPath(lake), `${JSON.stringify(manifest, null, 2)}\n`);
}
