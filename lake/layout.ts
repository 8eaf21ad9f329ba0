// The lake's on-disk contract (documented in data/README.md), every path of it built here:
//   <lake>/ticks/market=<MARKET>/symbol=<SYMBOL>/date=<YYYY-MM-DD>/<first id>-<last id>.parquet  trades
//   <lake>/gaps/market=<MARKET>/date=<YYYY-MM-DD>/<SYMBOL>-<from id>-<to id>-<detected at>.parquet  gap records
//   <lake>/wal/<SYMBOL>/<seq>.csv, first-id, .fill-<id>.csv                      write-ahead log
//   <lake>/lake.json (format manifest), <lake>/.lock/, <lake>/source.json, <lake>/alerts/, <lake>/logs/
// Format 1 (before markets) had no market level; lake/migrate.ts moves such a lake to this layout.
// Hidden names (a leading ".") are never data: temp files, compaction intents, DuckDB's spill folder.
import {join} from "node:path";
import type {GapRecord} from "../src/protocol/gaps.js";

/** A market of the lake: Binance spot, or USD-M perpetual futures. */
export type LakeMarket = "spot" | "usdm";

/** `<lake>/<folder>` for a hive-partitioned dataset folder: "ticks" (or "aggtrades", lake/import). */
export function datasetDir(lake: string, folder = "ticks"): string {
  return join(lake, folder);
}

/** `<lake>/ticks/market=<MARKET>` (or another dataset's folder), the symbols of one market. */
export function marketDir(lake: string, folder = "ticks", market: LakeMarket = "spot"): string {
  return join(datasetDir(lake, folder), `market=${market}`);
}

/** `<lake>/ticks/market=<MARKET>/symbol=<SYMBOL>` (or another dataset's folder), the partitions of one symbol. */
export function symbolDir(lake: string, symbol: string, folder = "ticks", market: LakeMarket = "spot"): string {
  return join(marketDir(lake, folder, market), `symbol=${symbol}`);
}

/** `<lake>/ticks/market=<MARKET>/symbol=<SYMBOL>/date=<YYYY-MM-DD>`, the folder of one symbol-day. */
export function partitionDir(lake: string, symbol: string, date: string, folder = "ticks", market: LakeMarket = "spot"): string {
  return join(symbolDir(lake, symbol, folder, market), `date=${date}`);
}

/** `<lake>/lake.json`, the lake's format manifest (lake/manifest.ts). */
export function manifestPath(lake: string): string {
  return join(lake, "lake.json");
}

/** The symbol a `symbol=<SYMBOL>` folder name holds, or null for any other name. */
export function symbolOfFolder(name: string): string | null {
  return name.startsWith("symbol=") ? name.slice("symbol=".length) : null;
}

/** The date a `date=<YYYY-MM-DD>` folder name holds, or null for any other name. */
export function dateOfFolder(name: string): string | null {
  return name.startsWith("date=") ? name.slice("date=".length) : null;
}

/** File name of a published batch: its first and last trade ids, zero-padded so names sort by id. */
export function batchFileName(firstId: number, lastId: number): string {
  return `${String(firstId).padStart(15, "0")}-${String(lastId).padStart(15, "0")}.parquet`;
}

/** The first and last ids a published batch's file name (`batchFileName`) carries, or null for any other name. */
export function batchFileRange(name: string): {first: number; last: number} | null {
  const match = /^(\d+)-(\d+)\.parquet$/.exec(name);
  return match ? {first: Number(match[1]), last: Number(match[2])} : null;
}

/** Glob over every published tick file of one symbol (or all symbols). Temp files start with "." and never match. */
export function ticksGlob(lake: string, symbol = "*", market: LakeMarket = "spot"): string {
  return join(symbolDir(lake, symbol, "ticks", market), "date=*", "*.parquet");
}

/** Format 1's folder of a dataset's symbol (`<lake>/<folder>/symbol=<SYMBOL>`, no market level): lake/migrate.ts only. */
export function formatOneSymbolDir(lake: string, symbol: string, folder: string): string {
  return join(datasetDir(lake, folder), `symbol=${symbol}`);
}

/** Format 1's folder of the gap records of one day (`<lake>/gaps/date=<YYYY-MM-DD>`): lake/migrate.ts only. */
export function formatOneGapDayDir(lake: string, date: string): string {
  return join(lake, "gaps", `date=${date}`);
}

/** `.<name>.tmp`, the hidden file `<name>` is written to before its rename into place. */
export function tempName(name: string): string {
  return `.${name}.tmp`;
}

/** Whether a file name is a hidden temp file (`tempName`, or any `.….tmp`). */
export function isTempName(name: string): boolean {
  return name.startsWith(".") && name.endsWith(".tmp");
}

/** Name of the intent file a compaction writes in the partition before publishing `output`. */
export function compactIntentName(output: string): string {
  return `.compact-${output}.json`;
}

/** The output a compaction intent's file name announces, or null for any other name. */
export function compactIntentOutput(name: string): string | null {
  return /^\.compact-(.+\.parquet)\.json$/.exec(name)?.[1] ?? null;
}

/** `<lake>/gaps/market=<MARKET>`, the gap records' folder. */
export function gapsDir(lake: string, market: LakeMarket = "spot"): string {
  return join(lake, "gaps", `market=${market}`);
}

/** `<lake>/gaps/market=<MARKET>/date=<YYYY-MM-DD>`, the records detected on one UTC day. */
export function gapDayDir(lake: string, date: string, market: LakeMarket = "spot"): string {
  return join(gapsDir(lake, market), `date=${date}`);
}

/** `<SYMBOL>-<from id>-<to id>-<detected at ms>.parquet`, one gap record's file. */
export function gapFileName(gap: GapRecord): string {
  return `${gap.symbol}-${gap.fromId}-${gap.toId}-${gap.detectedAt}.parquet`;
}

/** Glob over every gap record file of a market. */
export function gapsGlob(lake: string, market: LakeMarket = "spot"): string {
  return join(gapsDir(lake, market), "*", "*.parquet");
}

/** `<lake>/wal/<SYMBOL>`, a symbol's write-ahead log folder. */
export function walDir(lake: string, symbol: string): string {
  return join(lake, "wal", symbol);
}

/** `<dir>/<seq, 12 digits>.csv`, a log segment. */
export function segmentPath(dir: string, seq: number): string {
  return join(dir, `${String(seq).padStart(12, "0")}.csv`);
}

/** The number of a log segment's file name or path, or null if it names none. */
export function segmentSeq(path: string): number | null {
  const match = /(?:^|[/\\])(\d{12})\.csv$/.exec(path);
  return match ? Number(match[1]) : null;
}

/** `<lake>/wal/<SYMBOL>/first-id`, the anchor (lake/anchor.ts). */
export function anchorPath(lake: string, symbol: string): string {
  return join(walDir(lake, symbol), "first-id");
}

/** `<lake>/wal/<SYMBOL>/.fill-<first id>.csv`, the hidden log-format file of a hole being filled. */
export function fillPath(lake: string, symbol: string, firstId: number): string {
  return join(walDir(lake, symbol), `.fill-${firstId}.csv`);
}

/** Whether a file name is a hole fill's (`fillPath`). */
export function isFillName(name: string): boolean {
  return /^\.fill-\d+\.csv$/.test(name);
}

/** `<lake>/wal/.duckdb-spill`, where the writer's DuckDB spills a sort that does not fit in memory. */
export function spillDir(lake: string): string {
  return join(lake, "wal", ".duckdb-spill");
}

/** `<lake>/.lock`, the folder of lock files (lake/lock.ts). */
export function lockDir(lake: string): string {
  return join(lake, ".lock");
}

/** `<lake>/source.json`, where the lake's trades came from (lake/source.ts). */
export function sourcePath(lake: string): string {
  return join(lake, "source.json");
}

/** `<lake>/alerts`, the recorder's alert rules and events. */
export function alertsDir(lake: string): string {
  return join(lake, "alerts");
}

/** `<lake>/logs`, the demo's log files. */
export function logsDir(lake: string): string {
  return join(lake, "logs");
}

/** UTC calendar date (YYYY-MM-DD) of a millisecond timestamp. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
