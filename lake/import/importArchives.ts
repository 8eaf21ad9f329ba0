// Imports archive files (local, or downloaded day by day) into the lake, `jobs` files at a time, with
// events for progress. Per file: one streamed pass over the zip (SHA-256 of the whole file and the CSV
// inflated to a temp file, CRC-32 checked), shape sniffing, DuckDB's parallel CSV scan into a temp table;
// then, in file order, dedupe against the lake and publish (runInOrder), and mark the zip imported
// (importMarker.ts): a resumed import skips it before downloading or reading it. USD-M funding-rate
// archives take the same path to the funding table (importFunding.ts).
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
import {alreadyImported, writeMarker} from "./importMarker.js";
import {runInOrder, type Step} from "./runInOrder.js";
import {Totals} from "./totals.js";
import {extractCsv} from "./zip.js";

export {type ImportJob, resolveJob} from "./resolveJob.js";

export type ImportEvent =
  | {type: "file"; index: number; total: number; name: string; stage: "download" | "extract" | "import"}
  | {type: "done"; index: number; total: number; name: string; timeUnit: TimeUnit; header: boolean; counts: ImportCounts}
  | {type: "missing"; name: string; url: string}
  | {type: "skipped"; index: number; total: number; name: string}
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
  /** Zips skipped as already imported whole (their marker holds: importMarker.ts). */
  readonly skipped: readonly string[];
}

/**
 * Imports local archive files (in parallel, published in order); stops at the first bad file (files
 * before it stay imported, none after it is written). A zip already imported whole is skipped unread.
 */
export async function importFiles(jobs: readonly ImportJob[], options: ImportOptions): Promise<ImportSummary> {
  const totals = new Totals();
  const steps = jobs.map((job, i): Step<Prepared | "skipped"> => {
    const csvPath = join(options.tempDir, `${i}-${basename(job.path)}.csv`);
    return {
      async prepare(connection) {
        await exists(job.path);
        const sha256 = await expectedSha256(job, options);
        const {lake} = options;
        if (sha256 && job.kind !== "fundingRate" && (await alreadyImported(lake, job.symbol, job.kind, basename(job.path), sha256)))
          return "skipped";
        return prepareFile(connection, job, csvPath, i, jobs.length, options, sha256);
      },
      publish: (connection, prepared) => publishOrSkip(connection, job, prepared, i, jobs.length, options, totals),
      cleanup: () => rm(csvPath, {force: true}),
    };
  });
  await runInOrder(steps, poolOptions(options));
  return totals.summary();
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
  const totals = new Totals();
  const onRetry = (url: string) => (reason: string, attempt: number, delayMs: number) =>
    options.onEvent?.({type: "retry", url, reason, attempt, delayMs});
  const steps = files.map(({name, url, symbol, kind}, i): Step<Prepared | "missing" | "skipped"> => {
    // A folder per file: spot and USD-M archives of one symbol and day have the same name.
    const dir = join(options.tempDir, `download-${i}`),
      path = join(dir, name),
      job = {path, symbol, kind, zip: true},
      csvPath = `${path}.csv`;
    const fetchTo = (from: string, to: string) => download(from, to, {...options.download, onRetry: onRetry(from)});
    return {
      async prepare(connection) {
        options.onEvent?.({type: "file", index: i, total: files.length, name, stage: "download"});
        await mkdir(dir, {recursive: true});
        let sha256: string | undefined;
        // The CHECKSUM first (a few bytes): with a marker that still holds, the zip is never downloaded.
        if (options.checksum !== false) {
          if ((await fetchTo(`${url}.CHECKSUM`, `${path}.CHECKSUM`)) === "missing") {
            if ((await fetchTo(url, path)) === "missing") return "missing";
            throw new ArchiveFileError(`${url} has no .CHECKSUM on the server (--no-checksum imports without)`);
          }
          sha256 = await expectedChecksum(path);
          if (kind !== "fundingRate" && (await alreadyImported(options.lake, symbol, kind, name, sha256))) return "skipped";
        }
        if ((await fetchTo(url, path)) === "missing") return "missing";
        return prepareFile(connection, job, csvPath, i, files.length, options, sha256);
      },
      async publish(connection, prepared) {
        if (prepared !== "missing") return publishOrSkip(connection, job, prepared, i, files.length, options, totals);
        totals.missing.push(name);
        options.onEvent?.({type: "missing", name, url});
      },
      async cleanup() {
        await rm(dir, {recursive: true, force: true});
      },
    };
  });
  await runInOrder(steps, poolOptions(options));
  return totals.summary();
}

/** A parsed file; `sha256`: its zip's verified digest, for the marker. */
type Prepared = ({readonly shape: CsvShape; readonly loaded: LoadedCsv} | {readonly funding: LoadedFunding}) & {readonly sha256?: string};

/** The digest a zip's CHECKSUM promises (undefined for a CSV, or with checksum: false). */
async function expectedSha256(job: ImportJob, options: ImportOptions): Promise<string | undefined> {
  return job.zip && options.checksum !== false ? expectedChecksum(job.path) : undefined;
}

async function exists(path: string): Promise<void> {
  try {
    await stat(path);
  } catch {
    throw new ArchiveFileError(`${path}: no such file`);
  }
}

/** Checksum, unzip and parse one file into the connection's `incoming` table; nothing touches the lake. */
async function prepareFile(
  connection: DuckDBConnection,
  job: ImportJob,
  csvPath: string,
  index: number,
  total: number,
  options: ImportOptions,
  sha256: string | undefined,
): Promise<Prepared> {
  const name = basename(job.path),
    event = options.onEvent ?? (() => {});
  await exists(job.path);
  if (job.zip) {
    event({type: "file", index, total, name, stage: "extract"});
    await extractCsv(job.path, csvPath, {sha256});
  }
  const source = job.zip ? csvPath : job.path;
  if (job.kind === "fundingRate") return {funding: await loadFunding(source, name), sha256};
  const shape = csvShape(await readHead(source), job.kind, name);
  event({type: "file", index, total, name, stage: "import"});
  return {shape, loaded: await loadCsv(connection, source, shape), sha256};
}

/** Publishes a prepared file and marks its zip imported (after its last Parquet file), or reports it skipped. */
async function publishOrSkip(
  connection: DuckDBConnection,
  job: ImportJob,
  prepared: Prepared | "skipped",
  index: number,
  total: number,
  options: ImportOptions,
  totals: Totals,
): Promise<void> {
  const name = basename(job.path);
  if (prepared === "skipped") {
    totals.skipped.push(name);
    return options.onEvent?.({type: "skipped", index, total, name});
  }
  const counts = await publishFile(connection, job, prepared, index, total, options);
  if (prepared.sha256 && "loaded" in prepared) {
    const {loaded, sha256} = prepared,
      some = loaded.valid > 0;
    const marker = {name, sha256, first: some ? loaded.first : null, last: some ? loaded.last : null, rows: loaded.rows};
    await writeMarker(options.lake, job.symbol, {...marker, importedAt: new Date().toISOString()});
  }
  totals.add(counts);
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
