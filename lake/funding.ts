// Funding events of USD-M perpetuals, a lake table of their own (documented in data/README.md):
// `<lake>/funding/market=usdm/symbol=<SYMBOL>/date=<YYYY-MM-DD>/<first ms>-<last ms>-<count>-<n>r<n>a.parquet`
// (lake/layout.ts fundingDir), one file per symbol-day, columns funding_time TIMESTAMPTZ, rate DOUBLE,
// mark_price DOUBLE (null when unknown), source ('stream' | 'rest' | 'archive'), one row per funding time.
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir, rm} from "node:fs/promises";
import {join} from "node:path";
import {parseMarketSymbol} from "../src/protocol/symbol.js";
import {quotedString} from "./duckdb.js";
import {parquetOptions, utcTimestamp} from "./lakeFormat.js";
import {dateOfFolder, fundingDir, utcDate} from "./layout.js";
import {publishFile} from "./publish.js";
import {retryVanished} from "./vanishedFiles.js";

/** Where a funding event came from: the markPrice stream, `GET /fapi/v1/fundingRate`, or a monthly archive. */
export type FundingSource = "stream" | "rest" | "archive";

/** One funding event of a perpetual as the lake stores it. */
export interface FundingRecord {
  /** Funding time, ms since the epoch (UTC). */
  readonly fundingTime: number;
  readonly rate: number;
  /** Mark price at the funding time; null when the source has none (archives). */
  readonly markPrice: number | null;
  readonly source: FundingSource;
}

const sources: readonly FundingSource[] = ["stream", "rest", "archive"];
// Of two records of one funding time, the settled one wins: REST (rate and mark), then the archive
// (rate only), then the stream (the last estimate before the funding time).
const rank: Record<FundingSource, number> = {rest: 0, archive: 1, stream: 2};

/**
 * Records deduplicated by funding time, ascending: per time the best source wins (rest, archive,
 * stream), its mark price taken from another record of that time when it has none. O(n log n).
 */
export function mergeFunding(records: readonly FundingRecord[]): FundingRecord[] {
  const byTime = new Map<number, FundingRecord>();
  for (const r of records) {
    const had = byTime.get(r.fundingTime);
    const [best, other] = had === undefined || rank[r.source] < rank[had.source] ? [r, had] : [had, r];
    byTime.set(r.fundingTime, best.markPrice === null && other?.markPrice != null ? {...best, markPrice: other.markPrice} : best);
  }
  return [...byTime.values()].sort((x, y) => x.fundingTime - y.fundingTime);
}

function checkRecord(r: FundingRecord): void {
  if (!Number.isSafeInteger(r.fundingTime) || !Number.isFinite(r.rate) || (r.markPrice !== null && !Number.isFinite(r.markPrice)))
    throw new RangeError(`invalid funding record: ${JSON.stringify(r)}`);
  if (!sources.includes(r.source)) throw new RangeError(`invalid funding source: ${String(r.source)} (expected stream, rest or archive)`);
}

function perpetual(symbol: string): string {
  const {market, symbol: name} = parseMarketSymbol(symbol);
  if (market !== "usdm") throw new RangeError(`funding is for USD-M perpetuals: ${symbol} (expected usdm:SYMBOL)`);
  return name;
}

/**
 * Adds funding events of a perpetual (`usdm:BTCUSDT`) to the lake: per UTC day, the day's stored
 * events and the new ones are merged (`mergeFunding`) into one new file, published atomically
 * (lake/publish.ts), then the day's older files are removed; a day whose events are already stored
 * unchanged is not rewritten. A crash between the two leaves both files, which `readFunding`
 * deduplicates and the next write of that day replaces. Returns the files written. RangeError for a
 * spot symbol or an invalid record. O(events of the touched days).
 */
export async function writeFunding(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  records: readonly FundingRecord[],
): Promise<string[]> {
  const name = perpetual(symbol);
  records.forEach(checkRecord);
  const days = new Map<string, FundingRecord[]>();
  for (const r of records) {
    const day = utcDate(r.fundingTime);
    days.set(day, [...(days.get(day) ?? []), r]);
  }
  const written: string[] = [];
  for (const [day, added] of days) {
    const dir = fundingDir(lake, symbol, day);
    const oldFiles = await parquetFiles(dir);
    const stored = await readFiles(connection, oldFiles);
    const merged = mergeFunding([...stored, ...added]);
    if (oldFiles.length === 1 && sameRecords(merged, stored)) continue;
    // A merge only adds funding times or upgrades a record (stream → archive → rest), and either
    // changes these counts: a new content never takes the name of the file it replaces.
    const settled = (source: FundingSource) => merged.filter((r) => r.source === source).length;
    const file = `${merged[0].fundingTime}-${merged[merged.length - 1].fundingTime}-${merged.length}-${settled("rest")}r${settled("archive")}a.parquet`;
    const path = await publishFile(dir, file, (temp) => copyRecords(connection, merged, name, temp));
    written.push(path);
    for (const old of oldFiles) if (old !== path) await rm(old, {force: true});
  }
  return written;
}

function sameRecords(x: readonly FundingRecord[], y: readonly FundingRecord[]): boolean {
  return (
    x.length === y.length &&
    x.every(
      (r, i) => r.fundingTime === y[i].fundingTime && r.rate === y[i].rate && r.markPrice === y[i].markPrice && r.source === y[i].source,
    )
  );
}

async function copyRecords(connection: DuckDBConnection, records: readonly FundingRecord[], name: string, temp: string): Promise<void> {
  const double = (v: number | null) => (v === null ? "NULL::DOUBLE" : `${quotedString(String(v))}::DOUBLE`);
  const rows = records.map(
    (r) => `(${utcTimestamp(`${r.fundingTime}::BIGINT`)}, ${double(r.rate)}, ${double(r.markPrice)}, ${quotedString(r.source)})`,
  );
  const options = parquetOptions({market: "usdm", symbol: name, sortedBy: "funding_time", notNull: "funding_time,rate,source"});
  await connection.run(
    `COPY (SELECT * FROM (VALUES ${rows.join(", ")}) AS t(funding_time, rate, mark_price, source) ORDER BY funding_time)
     TO ${quotedString(temp)} ${options}`,
  );
}

async function parquetFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((f) => f.endsWith(".parquet") && !f.startsWith("."))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return []; // no event stored that day
  }
}

async function readFiles(connection: DuckDBConnection, files: readonly string[]): Promise<FundingRecord[]> {
  if (files.length === 0) return [];
  const reader = await connection.runAndReadAll(
    `SELECT epoch_ms(funding_time)::DOUBLE, rate, mark_price, source
     FROM read_parquet([${files.map(quotedString).join(", ")}], hive_partitioning = false) ORDER BY funding_time`,
  );
  return reader.getRows().map((r) => ({
    fundingTime: Number(r[0]),
    rate: Number(r[1]),
    markPrice: r[2] === null ? null : Number(r[2]),
    source: String(r[3]) as FundingSource,
  }));
}

/**
 * The funding events of a perpetual (`usdm:BTCUSDT`) with `from ≤ funding time < to` (ms; bounds
 * optional), ascending and deduplicated by funding time (empty when none is stored). O(days in range).
 */
export async function readFunding(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  {from = -Infinity, to = Infinity}: {from?: number; to?: number} = {},
): Promise<FundingRecord[]> {
  perpetual(symbol);
  let days: string[];
  try {
    days = await readdir(fundingDir(lake, symbol));
  } catch {
    return [];
  }
  const first = Number.isFinite(from) ? utcDate(from) : "",
    last = Number.isFinite(to) ? utcDate(to) : "9999-12-31";
  // Listed again when a day's file was replaced between the listing and the read (lake/vanishedFiles.ts).
  const records = await retryVanished(async () => readFiles(connection, await fundingFiles(lake, symbol, days, first, last)));
  return mergeFunding(records).filter((r) => r.fundingTime >= from && r.fundingTime < to);
}

/** The funding files of `symbol` in the day folders `days` from `first` to `last` (UTC dates), in date order. */
async function fundingFiles(lake: string, symbol: string, days: readonly string[], first: string, last: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of [...days].sort()) {
    const day = dateOfFolder(folder);
    if (day !== null && day >= first && day <= last) files.push(...(await parquetFiles(fundingDir(lake, symbol, day))));
  }
  return files;
}
