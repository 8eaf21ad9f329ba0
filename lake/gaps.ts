// Gaps are data: each hole in a symbol's trade ids, filled from REST or not, is stored in the lake as
// `<lake>/gaps/market=<MARKET>/date=<YYYY-MM-DD of detection>/<SYMBOL>-<from id>-<to id>-<detected at ms>.parquet`
// (lake/layout.ts), one row, columns symbol, from_id, to_id, from_time, to_time, cause, filled,
// detected_at (the record: src/protocol/gaps.ts). The recorder writes them, the loaders read them.
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import {type GapRecord, settleGaps} from "../src/protocol/gaps.js";
import {parseMarketSymbol, type SymbolMarket} from "../src/protocol/symbol.js";
import {quotedString} from "./duckdb.js";
import {gapFileOptions, utcTimestamp} from "./lakeFormat.js";
import {type TickFile, tickFiles} from "./files.js";
import {dateOfFolder, gapDayDir, gapFileName, gapsDir, gapsGlob, lakeMarkets, utcDate} from "./layout.js";
import {publishFile} from "./publish.js";
import {storedNeighbours} from "./storedNeighbours.js";
import {retryVanished} from "./vanishedFiles.js";

const timestamp = (ms: number | null) => (ms === null ? "NULL::TIMESTAMPTZ" : utcTimestamp(`${Math.round(ms)}::BIGINT`));

/** Writes one gap record atomically (temp file, fsync, rename). */
export async function writeGap(connection: DuckDBConnection, lake: string, gap: GapRecord): Promise<string> {
  const {market, symbol} = parseMarketSymbol(gap.symbol);
  return publishFile(gapDayDir(lake, utcDate(gap.detectedAt), market), gapFileName(gap), (temp) =>
    connection
      .run(
        `COPY (SELECT ${quotedString(symbol)} AS symbol, ${gap.fromId}::BIGINT AS from_id, ${gap.toId}::BIGINT AS to_id,
              ${timestamp(gap.fromTime)} AS from_time, ${timestamp(gap.toTime)} AS to_time, ${quotedString(gap.cause)} AS cause,
              ${gap.filled} AS filled, ${timestamp(gap.detectedAt)} AS detected_at)
       TO ${quotedString(temp)} ${gapFileOptions(market)}`,
      )
      .then(() => {}),
  );
}

/**
 * Every gap record in the lake, oldest first (empty when there are none), unfilled ones less what a
 * later fill stored (src/protocol/gaps.ts settleGaps); perpetuals' symbols carry `usdm:`.
 */
export async function readGaps(connection: DuckDBConnection, lake: string): Promise<GapRecord[]> {
  const files: {market: SymbolMarket; path: string}[] = [];
  for (const market of lakeMarkets) {
    const dir = gapsDir(lake, market);
    let days: string[];
    try {
      days = await readdir(dir);
    } catch {
      continue; // no gap recorded in this market
    }
    for (const day of days) {
      if (dateOfFolder(day) === null) continue;
      for (const name of await readdir(join(dir, day)))
        if (name.endsWith(".parquet") && !name.startsWith(".")) files.push({market, path: join(dir, day, name)});
    }
  }
  if (files.length === 0) return [];
  const reader = await connection.runAndReadAll(
    `SELECT CASE WHEN m = 'spot' THEN symbol ELSE m || ':' || symbol END, from_id::DOUBLE, to_id::DOUBLE, epoch_ms(from_time)::DOUBLE,
            epoch_ms(to_time)::DOUBLE, cause, filled, epoch_ms(detected_at)::DOUBLE
     FROM (${files.map((f) => `SELECT ${quotedString(f.market)} AS m, * FROM read_parquet(${quotedString(f.path)})`).join(" UNION ALL ")})
     ORDER BY detected_at, symbol, from_id`,
  );
  return settleGaps(
    reader.getRows().map((r) => ({
      symbol: String(r[0]),
      fromId: Number(r[1]),
      toId: Number(r[2]),
      fromTime: r[3] === null ? null : Number(r[3]),
      toTime: r[4] === null ? null : Number(r[4]),
      cause: String(r[5]),
      filled: Boolean(r[6]),
      detectedAt: Number(r[7]),
    })),
  );
}

/**
 * The gap records with every unknown time of an unfilled gap looked up in the lake: from_time = the
 * last stored trade with an id below the gap, to_time = the first above it (lake/storedNeighbours.ts).
 * Records written before the recorder knew its last stored trade at restart have from_time null; a
 * time stays null only when no stored trade lies on that side. Filled gaps are returned as they are.
 * O(unfilled records with a null time × one or two file reads).
 */
export function withGapTimes(connection: DuckDBConnection, lake: string, gaps: readonly GapRecord[]): Promise<GapRecord[]> {
  return retryVanished(() => withGapTimesOnce(connection, lake, gaps)); // compaction may delete a listed file meanwhile
}

async function withGapTimesOnce(connection: DuckDBConnection, lake: string, gaps: readonly GapRecord[]): Promise<GapRecord[]> {
  const files = new Map<string, TickFile[]>();
  const out: GapRecord[] = [];
  for (const g of gaps) {
    if (g.filled || (g.fromTime !== null && g.toTime !== null)) {
      out.push(g);
      continue;
    }
    if (!files.has(g.symbol)) files.set(g.symbol, await tickFiles(lake, g.symbol));
    const {before, after} = await storedNeighbours(connection, lake, g.symbol, g.fromId, g.toId, files.get(g.symbol));
    out.push({...g, fromTime: g.fromTime ?? before?.time ?? null, toTime: g.toTime ?? after?.time ?? null});
  }
  return out;
}

/** An unfilled gap's ids and cause. */
export interface UnfilledGap {
  readonly fromId: number;
  readonly toId: number;
  readonly cause: string;
}

/** Unfilled gap records of `symbol` (exchange-side holes and backfills that failed), by first id. */
export async function unfilledGaps(connection: DuckDBConnection, lake: string, symbol: string): Promise<UnfilledGap[]> {
  const {market, symbol: name} = parseMarketSymbol(symbol);
  const reader = await connection
    .runAndReadAll(
      `SELECT from_id::DOUBLE, to_id::DOUBLE, cause FROM read_parquet(${quotedString(gapsGlob(lake, market))}, union_by_name = true)
     WHERE symbol = ${quotedString(name)} AND NOT filled ORDER BY from_id`,
    )
    .catch((error: Error) => {
      if (/No files found/i.test(error.message)) return null; // no gap recorded yet
      throw error;
    });
  return (reader?.getRows() ?? []).map(([fromId, toId, cause]) => ({
    fromId: fromId as number,
    toId: toId as number,
    cause: cause as string,
  }));
}
