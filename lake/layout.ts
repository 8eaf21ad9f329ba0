// The lake's on-disk contract (documented in data/README.md), every path of it built here:
//   <lake>/ticks/market=<MARKET>/symbol=<SYMBOL>/date=<YYYY-MM-DD>/<first id>-<last id>.parquet  trades
//   <lake>/gaps/market=<MARKET>/date=<YYYY-MM-DD>/<SYMBOL>-<from id>-<to id>-<detected at>.parquet  gap records
//   <lake>/wal/<SYMBOL slug>/<seq>.csv, first-id, .fill-<id>.csv                 write-ahead log
// Every function here takes a symbol as pairbook names it (src/protocol/symbol.ts): `BTCUSDT` is spot,
// `usdm:BTCUSDT` the USD-M perpetual; the market level of the path comes from it.
//   <lake>/lake.json (format manifest), <lake>/.lock/, <lake>/source.json, <lake>/alerts/, <lake>/logs/
//   <lake>/imported/market=<MARKET>/symbol=<SYMBOL>/<archive name>.json    archive files imported whole
//   <lake>/history/state.json                                              the recorder's --history progress, as last written
// Format 1 (before markets) had no market level; lake/migrate.ts moves such a lake to this layout.
// Hidden names (a leading ".") are never data: temp files, compaction intents, DuckDB's spill folder.
import {join} from "node:path";
import type {GapRecord} from "../src/protocol/gaps.js";
import {formatMarketSymbol, marketSymbolSlug, parseMarketSymbol, type SymbolMarket} from "../src/protocol/symbol.js";

/** The lake's markets, in the order listings show them. */
export const lakeMarkets: readonly SymbolMarket[] = ["spot", "usdm"];

/** `<lake>/<folder>` for a hive-partitioned dataset folder: "ticks" (or "aggtrades", lake/import). */
export function datasetDir(lake: string, folder = "ticks"): string {
  return join(lake, folder);
}

/** `<lake>/ticks/market=<MARKET>` (or another dataset's folder), the symbols of one market. */
export function marketDir(lake: string, folder = "ticks", market: SymbolMarket = "spot"): string {
  return join(datasetDir(lake, folder), `market=${market}`);
}

/** `<lake>/ticks/market=<MARKET>/symbol=<SYMBOL>` (or another dataset's folder), the partitions of one symbol. */
export function symbolDir(lake: string, symbol: string, folder = "ticks"): string {
  const {market, symbol: name} = parseMarketSymbol(symbol);
  return join(marketDir(lake, folder, market), `symbol=${name}`);
}

/** The symbols (as pairbook names them: `usdm:` before a perpetual) whose folders a market folder lists. */
export function symbolsOfFolders(names: readonly string[], market: SymbolMarket): string[] {
  return names.flatMap((name) => {
    const symbol = symbolOfFolder(name);
    return symbol === null ? [] : [formatMarketSymbol({market, symbol})];
  });
}

/** `<lake>/ticks/market=<MARKET>/symbol=<SYMBOL>/date=<YYYY-MM-DD>`, the folder of one symbol-day. */
export function partitionDir(lake: string, symbol: string, date: string, folder = "ticks"): string {
  return join(symbolDir(lake, symbol, folder), `date=${date}`);
}

/**
 * `<lake>/funding/market=usdm/symbol=<SYMBOL>/date=<YYYY-MM-DD>` (`date` omitted: the symbol's folder),
 * a perpetual's funding events of one UTC day, in `<first ms>-<last ms>-<count>.parquet` (lake/funding.ts).
 */
export function fundingDir(lake: string, symbol: string, date?: string): string {
  return date === undefined ? symbolDir(lake, symbol, "funding") : partitionDir(lake, symbol, date, "funding");
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

/** Glob over every published tick file of one symbol. Temp files start with "." and never match. */
export function ticksGlob(lake: string, symbol: string): string {
  return join(symbolDir(lake, symbol, "ticks"), "date=*", "*.parquet");
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
export function gapsDir(lake: string, market: SymbolMarket = "spot"): string {
  return join(lake, "gaps", `market=${market}`);
}

/** `<lake>/gaps/market=<MARKET>/date=<YYYY-MM-DD>`, the records detected on one UTC day. */
export function gapDayDir(lake: string, date: string, market: SymbolMarket = "spot"): string {
  return join(gapsDir(lake, market), `date=${date}`);
}

/** `<SYMBOL>-<from id>-<to id>-<detected at ms>.parquet`, one gap record's file (in its market's folder: the plain symbol). */
export function gapFileName(gap: GapRecord): string {
  return `${parseMarketSymbol(gap.symbol).symbol}-${gap.fromId}-${gap.toId}-${gap.detectedAt}.parquet`;
}

/** Glob over every gap record file of a market. */
export function gapsGlob(lake: string, market: SymbolMarket = "spot"): string {
  return join(gapsDir(lake, market), "*", "*.parquet");
}

/** `<lake>/wal/<SYMBOL>` (`wal/usdm_BTCUSDT` for a perpetual), a symbol's write-ahead log folder. */
export function walDir(lake: string, symbol: string): string {
  return join(lake, "wal", marketSymbolSlug(parseMarketSymbol(symbol)));
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

/** `<lake>/imported/market=<MARKET>/symbol=<SYMBOL>`, the markers of archive files imported whole (lake/import/importMarker.ts). */
export function importedDir(lake: string, symbol: string): string {
  return symbolDir(lake, symbol, "imported");
}

/** `<lake>/history/state.json`, the recorder's `--history` progress as it last wrote it (lake/historyMarker.ts). */
export function historyMarkerPath(lake: string): string {
  return join(lake, "history", "state.json");
}

/** `<lake>/logs`, the demo's log files. */
export function logsDir(lake: string): string {
  return join(lake, "logs");
}

/** UTC calendar date (YYYY-MM-DD) of a millisecond timestamp. */
export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
