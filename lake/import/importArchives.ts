// Imports archive files (local, or downloaded day by day) into the lake, `jobs` files at a time, with
// events for progress. Per file: one streamed pass over the zip (SHA-256 of the whole file and the CSV
// inflated to a temp file, CRC-32 checked), shape sniffing, DuckDB's parallel CSV scan into a temp table;
// then, in file order, dedupe against the lake and publish (runInOrder).
import type {DuckDBConnection} from "@duckdb/node-api";
import {availableParallelism} from "node:os";
import {open, rm, stat} from "node:fs/promises";
import {basename, join} from "node:path";
import {type ArchiveKind, dailyArchiveName, dailyArchiveUrl, dateRange, parseArchiveName} from "./archiveName.js";
import {expectedChecksum} from "./checksum.js";
import {csvShape, type CsvShape, type TimeUnit} from "./csvShape.js";
import {download, type DownloadOptions} from "./download.js";
import {ArchiveFileError} from "./errors.js";
import {type ImportCounts, type LoadedCsv, loadCsv, publishLoaded} from "./importCsv.js";
import {runInOrder, type Step} from "./runInOrder.js";
import {extractCsv} from "./zip.js";

/** One file to import, resolved from a path and the command's options. */
export interface ImportJob {
  readonly path: string;
  readonly symbol: string;
  readonly kind: ArchiveKind;
  readonly zip: boolean;
}

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
 * Resolves a path into a job: symbol and kind from the options or the archive name
 * (`BTCUSDT-trades-2024-08-08.zip`), which must agree. Throws RangeError for a caller mistake.
 */
export function resolveJob(path: string, {symbol, kind}: {symbol?: string; kind?: ArchiveKind}): ImportJob {
  const name = parseArchiveName(basename(path));
  if (symbol && name && name.symbol !== symbol) throw new RangeError(`${basename(path)} is a ${name.symbol} file, not ${symbol}`);
  if (kind && name && name.kind !== kind) throw new RangeError(`${basename(path)} is a ${name.kind} file, not ${kind}`);
  const resolved = symbol ?? name?.symbol;
  if (!resolved) throw new RangeError(`cannot tell the symbol of ${basename(path)} from its name: give --symbol`);
  const zip = /\.zip$/i.test(path);
  if (!zip && !/\.csv$/i.test(path)) throw new RangeError(`${basename(path)}: expected a .csv or .zip file`);
  return {path, symbol: resolved, kind: kind ?? name?.kind ?? "trades", zip};
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

/**
 * Downloads the daily archives of `symbol` from `baseUrl` (data.binance.vision layout, with their
 * `.CHECKSUM`) for every date from `from` to `to`, importing each; days the server does not have (404)
 * are reported and skipped.
 */
export async function importRange(
  {baseUrl, symbol, kind, from, to}: {baseUrl: string; symbol: string; kind: ArchiveKind; from: string; to: string},
  options: ImportOptions & {download?: DownloadOptions},
): Promise<ImportSummary> {
  const dates = dateRange(from, to),
    totals = new Totals(),
    missing: string[] = [];
  const onRetry = (url: string) => (reason: string, attempt: number, delayMs: number) =>
    options.onEvent?.({type: "retry", url, reason, attempt, delayMs});
  const steps = dates.map((date, i): Step<Prepared | "missing"> => {
    const name = dailyArchiveName(symbol, kind, date),
      url = dailyArchiveUrl(baseUrl, symbol, kind, date),
      path = join(options.tempDir, name),
      job = {path, symbol, kind, zip: true},
      csvPath = `${path}.csv`;
    return {
      async prepare(connection) {
        options.onEvent?.({type: "file", index: i, total: dates.length, name, stage: "download"});
        if ((await download(url, path, {...options.download, onRetry: onRetry(url)})) === "missing") return "missing";
        if (
          options.checksum !== false &&
          (await download(`${url}.CHECKSUM`, `${path}.CHECKSUM`, {...options.download, onRetry: onRetry(`${url}.CHECKSUM`)})) === "missing"
        )
          throw new ArchiveFileError(`${url} has no .CHECKSUM on the server (--no-checksum imports without)`);
        return prepareFile(connection, job, csvPath, i, dates.length, options);
      },
      async publish(connection, prepared) {
        if (prepared !== "missing") return totals.add(await publishFile(connection, job, prepared, i, dates.length, options));
        missing.push(name);
        options.onEvent?.({type: "missing", name, url});
      },
      async cleanup() {
        for (const file of [path, `${path}.CHECKSUM`, csvPath]) await rm(file, {force: true});
      },
    };
  });
  await runInOrder(steps, poolOptions(options));
  return totals.summary(missing);
}

interface Prepared {
  readonly shape: CsvShape;
  readonly loaded: LoadedCsv;
}

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
  const shape = csvShape(await readHead(source), job.kind, name);
  event({type: "file", index, total, name, stage: "import"});
  return {shape, loaded: await loadCsv(connection, source, shape)};
}

async function publishFile(
  connection: DuckDBConnection,
  job: ImportJob,
  {shape, loaded}: Prepared,
  index: number,
  total: number,
  options: ImportOptions,
): Promise<ImportCounts> {
  const counts = await publishLoaded(connection, {lake: options.lake, symbol: job.symbol, kind: shape.kind, loaded});
  options.onEvent?.({type: "done", index, total, name: basename(job.path), timeUnit: shape.timeUnit, header: shape.header, counts});
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
