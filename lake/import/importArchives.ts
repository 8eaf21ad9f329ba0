// Imports archive files (local, or downloaded day by day) into the lake, `jobs` files at a time, with
// events for progress. Per file: one streamed pass over the zip (SHA-256 of the whole file and the CSV
// inflated to a temp file, CRC-32 checked), shape sniffing, DuckDB's parallel CSV scan into a temp table;
// then, in file order, dedupe against the lake and publish (runInOrder). USD-M funding-rate archives take
// the same path to the funding table (importFunding.ts).
import type {DuckDBConnection} from "@duckdb/node-api";
import {availableParallelism} from "node:os";
import {mkdir, open, rm, stat} from "node:fs/promises";
import {basename, join} from "node:path";
import {parseMarketSymbol} from "../../src/protocol/symbol.js";
import {archiveName, type ArchiveType, archiveUrl, dateRange, monthRange} from "./archiveName.js";
import {checkKind, type ImportJob} from "./resolveJob.js";
import {expectedChecksum} from "./checksum.js";
import {csvShape, type CsvShape, type TimeUnit} from "./csvShape.js";
import {download, type DownloadOptions} from "./download.js";
import {ArchiveFileError} from "./errors.js";
import {type ImportCounts, type LoadedCsv, loadCsv, publishLoaded} from "./importCsv.js";
import {type LoadedFunding, loadFunding, publishFunding} from "./importFunding.js";
import {runInOrder, type Step} from "./runInOrder.js";
import {extractCsv} from "./zip.js";

export {type ImportJob, resolveJob} from "./resolveJob.js";

export type ImportEvent =
  | {type: "file"; index: number; total: number; name: string; stage: "download" | "extract" | "import"}
  | {type: "done"; index: number; total: number; name: string; timeUnit: TimeUnit; header: boolean; counts: ImportCounts}
  | {type: "missing"; name: string; url: string}
  | {type: "retry"; url: string; reason: string; attempt: number; delayMs: number};

export interface ImportOptions {
  readonly lake: string;
  /** Folder for extracted CSVs and downloads (removed file by file). */
  readonly tempDir: string;
  /** Verify `.zip.CHECKSUM` (default true). */
  readonly checksum?: boolean;
  readonly onEvent?: (event: ImportEvent) => void;
  /** Files prepared in parallel (default `defaultJobs()`); the lake ends the same whatever the number. */
  readonly jobs?: number;
  /** DuckDB's memory limit for the whole import (default 192MB; it spills to `tempDir` beyond). */
  readonly memoryLimit?: string;
}

/** Files imported in parallel by default: one per core, at most 4 (each holds a temp CSV on disk). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface ImportSummary extends Omit<ImportCounts, "files"> {
  readonly filesRead: number;
  readonly filesWritten: number;
  readonly missing: readonly string[];
}

/**
 * Imports local archive files (in parallel, published in order); stops at the first bad file (files
 * before it stay imported, none after it is written).
 */
export async function importFiles(jobs: readonly ImportJob[], options: ImportOptions): Promise<ImportSummary> {
  const totals = new Totals();
  const steps = jobs.map((job, i): Step<Prepared> => {
    const csvPath = join(options.tempDir, `${i}-${basename(job.path)}.csv`);
    return {
      prepare: (connection) => prepareFile(connection, job, csvPath, i, jobs.length, options),
      publish: async (connection, prepared) => totals.add(await publishFile(connection, job, prepared, i, jobs.length, options)),
      cleanup: () => rm(csvPath, {force: true}),
    };
  });
  await runInOrder(steps, poolOptions(options));
  return totals.summary([]);
}

/** Archives of one symbol and kind to download: every day (every month for fundingRate) from `from` to `to`. */
export interface ArchiveRange {
  readonly baseUrl: string;
  /** `BTCUSDT` (spot, `data/spot/…`) or `usdm:BTCUSDT` (USD-M, `data/futures/um/…`). */
  readonly symbol: string;
  readonly kind: ArchiveType;
  /** First and last UTC day, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  readonly to: string;
}

/**
 * Downloads the archives of `symbol` from `baseUrl` (data.binance.vision layout, with their `.CHECKSUM`):
 * the daily files of every date from `from` to `to`, or for fundingRate the monthly files of every month
 * the range touches, importing each; files the server does not have (404) are reported and skipped.
 */
export async function importRange(range: ArchiveRange, options: ImportOptions & {download?: DownloadOptions}): Promise<ImportSummary> {
  return importRanges([range], options);
}

/** `importRange` for several ranges (e.g. a perpetual's aggTrades and fundingRate), published in the order given. */
export async function importRanges(
  ranges: readonly ArchiveRange[],
  options: ImportOptions & {download?: DownloadOptions},
): Promise<ImportSummary> {
  const files = ranges.flatMap(({baseUrl, symbol, kind, from, to}) => {
    checkKind(symbol, kind, symbol);
    const {market, symbol: plain} = parseMarketSymbol(symbol);
    return (kind === "fundingRate" ? monthRange(from, to) : dateRange(from, to)).map((period) => ({
      name: archiveName(plain, kind, period),
      url: archiveUrl(baseUrl, market, plain, kind, period),
      symbol,
      kind,
    }));
  });
  const totals = new Totals(),
    missing: string[] = [];
  const onRetry = (url: string) => (reason: string, attempt: number, delayMs: number) =>
    options.onEvent?.({type: "retry", url, reason, attempt, delayMs});
  const steps = files.map(({name, url, symbol, kind}, i): Step<Prepared | "missing"> => {
    // A folder per file: spot and USD-M archives of one symbol and day have the same name.
    const dir = join(options.tempDir, `download-${i}`),
      path = join(dir, name),
      job = {path, symbol, kind, zip: true},
      csvPath = `${path}.csv`;
    return {
      async prepare(connection) {
        options.onEvent?.({type: "file", index: i, total: files.length, name, stage: "download"});
        await mkdir(dir, {recursive: true});
        if ((await download(url, path, {...options.download, onRetry: onRetry(url)})) === "missing") return "missing";
        if (
          options.checksum !== false &&
          (await download(`${url}.CHECKSUM`, `${path}.CHECKSUM`, {...options.download, onRetry: onRetry(`${url}.CHECKSUM`)})) === "missing"
        )
          throw new ArchiveFileError(`${url} has no .CHECKSUM on the server (--no-checksum imports without)`);
        return prepareFile(connection, job, csvPath, i, files.length, options);
      },
      async publish(connection, prepared) {
        if (prepared !== "missing") return totals.add(await publishFile(connection, job, prepared, i, files.length, options));
        missing.push(name);
        options.onEvent?.({type: "missing", name, url});
      },
      async cleanup() {
        await rm(dir, {recursive: true, force: true});
      },
    };
  });
  await runInOrder(steps, poolOptions(options));
  return totals.summary(missing);
}

type Prepared = {readonly shape: CsvShape; readonly loaded: LoadedCsv} | {readonly funding: LoadedFunding};

/** Checksum, unzip and parse one file into the connection's `incoming` table; nothing touches the lake. */
async function prepareFile(
  connection: DuckDBConnection,
  job: ImportJob,
  csvPath: string,
  index: number,
  total: number,
  options: ImportOptions,
): Promise<Prepared> {
  const name = basename(job.path),
    event = options.onEvent ?? (() => {});
  try {
    await stat(job.path);
  } catch {
    throw new ArchiveFileError(`${job.path}: no such file`);
  }
  if (job.zip) {
    const sha256 = options.checksum === false ? undefined : await expectedChecksum(job.path);
    event({type: "file", index, total, name, stage: "extract"});
    await extractCsv(job.path, csvPath, {sha256});
  }
  const source = job.zip ? csvPath : job.path;
  if (job.kind === "fundingRate") return {funding: await loadFunding(source, name)};
  const shape = csvShape(await readHead(source), job.kind, name);
  event({type: "file", index, total, name, stage: "import"});
  return {shape, loaded: await loadCsv(connection, source, shape)};
}

async function publishFile(
  connection: DuckDBConnection,
  job: ImportJob,
  prepared: Prepared,
  index: number,
  total: number,
  options: ImportOptions,
): Promise<ImportCounts> {
  const {lake} = options,
    {symbol} = job;
  const counts =
    "funding" in prepared
      ? await publishFunding(connection, {lake, symbol, loaded: prepared.funding})
      : await publishLoaded(connection, {lake, symbol, kind: prepared.shape.kind, loaded: prepared.loaded});
  const {timeUnit, header} = "funding" in prepared ? {timeUnit: "ms" as const, header: prepared.funding.header} : prepared.shape;
  options.onEvent?.({type: "done", index, total, name: basename(job.path), timeUnit, header, counts});
  return counts;
}

function poolOptions(options: ImportOptions) {
  return {jobs: options.jobs ?? defaultJobs(), tempDir: options.tempDir, memoryLimit: options.memoryLimit ?? "96MB"};
}

async function readHead(path: string, bytes = 65_536): Promise<string> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const {bytesRead} = await file.read(buffer, 0, bytes, 0);
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await file.close();
  }
}

class Totals {
  rows = 0;
  added = 0;
  duplicates = 0;
  invalid = 0;
  conflicts = 0;
  filesRead = 0;
  filesWritten = 0;
  add(c: ImportCounts): void {
    this.rows += c.rows;
    this.added += c.added;
    this.duplicates += c.duplicates;
    this.invalid += c.invalid;
    this.conflicts += c.conflicts;
    this.filesRead += 1;
    this.filesWritten += c.files.length;
  }
  summary(missing: string[]): ImportSummary {
    const {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten} = this;
    return {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten, missing};
  }
}
