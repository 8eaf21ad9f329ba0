// Imports a USD-M monthly funding-rate archive into the lake's funding table (lake/funding.ts), the
// table the recorder writes from the markPrice stream and `GET /fapi/v1/fundingRate`: one row per
// funding time whatever the source, so an archive over recorded months adds only the missing times.
import type {DuckDBConnection} from "@duckdb/node-api";
import {readFile} from "node:fs/promises";
import {type FundingRecord, readFunding, writeFunding} from "../funding.js";
import {parseFundingCsv} from "./fundingCsv.js";
import type {ImportCounts} from "./importCsv.js";

/** A funding-rate archive read and checked, not yet stored. */
export interface LoadedFunding {
  readonly records: readonly FundingRecord[];
  readonly header: boolean;
}

/** Reads the extracted funding-rate CSV at `csvPath` (ArchiveFileError, naming `source`, for a bad file). */
export async function loadFunding(csvPath: string, source: string): Promise<LoadedFunding> {
  const text = await readFile(csvPath, "utf8");
  const records = parseFundingCsv(text, source);
  return {records, header: !/^\s*-?\d/.test(text)};
}

/**
 * Stores the funding events of a perpetual (`usdm:BTCUSDT`) read from an archive (`writeFunding`:
 * per day, merged by funding time with what is stored, settled REST records kept over the archive's).
 * Counts: `added` funding times not stored before, `duplicates` the others, `conflicts` stored settled
 * rates (REST or archive) that differ from the file's.
 */
export async function publishFunding(
  connection: DuckDBConnection,
  {lake, symbol, loaded}: {lake: string; symbol: string; loaded: LoadedFunding},
): Promise<ImportCounts> {
  const {records} = loaded;
  const times = records.map((r) => r.fundingTime);
  const stored = await readFunding(connection, lake, symbol, {from: Math.min(...times), to: Math.max(...times) + 1});
  const byTime = new Map(stored.map((r) => [r.fundingTime, r]));
  const seen = new Set<number>();
  let added = 0,
    conflicts = 0;
  for (const r of records) {
    const had = byTime.get(r.fundingTime);
    if (!had && !seen.has(r.fundingTime)) added += 1;
    if (had && had.source !== "stream" && had.rate !== r.rate) conflicts += 1;
    seen.add(r.fundingTime);
  }
  const files = await writeFunding(connection, lake, symbol, records);
  return {rows: records.length, added, duplicates: records.length - added, invalid: 0, conflicts, files};
}
