// Imports archive files (local, or downloaded day by day) into the lake, one after another, with events
// for progress. Per file: checksum (zips), extraction to a temp CSV, shape sniffing, then importCsv.
import {open, rm, stat} from "node:fs/promises";
import {basename, join} from "node:path";
import {quotedString, withDuckDB} from "../duckdb.js";
import {type ArchiveKind, dailyArchiveName, dailyArchiveUrl, dateRange, parseArchiveName} from "./archiveName.js";
import {verifyChecksum} from "./checksum.js";
import {csvShape, type TimeUnit} from "./csvShape.js";
import {download, type DownloadOptions} from "./download.js";
import {ArchiveFileError} from "./errors.js";
import {type ImportCounts, importCsv} from "./importCsv.js";
import {extractCsv} from "./zip.js";

/** One file to import, resolved from a path and the command's options. */
export interface ImportJob {
  readonly path: string;
  readonly symbol: string;
  readonly kind: ArchiveKind;
  readonly zip: boolean;
}

export type ImportEvent =
  | {type: "file"; index: number; total: number; name: string; stage: "download" | "checksum" | "extract" | "import"}
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

/** Imports local archive files in order; stops at the first bad file (files before it stay imported). */
export async function importFiles(jobs: readonly ImportJob[], options: ImportOptions): Promise<ImportSummary> {
  const totals = new Totals();
  await withDuckDB(async (connection) => {
    await prepare(connection, options.tempDir);
    for (const [i, job] of jobs.entries()) {
      const done = await importOne(connection, job, i, jobs.length, options);
      totals.add(done);
    }
  });
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
  await withDuckDB(async (connection) => {
    await prepare(connection, options.tempDir);
    for (const [i, date] of dates.entries()) {
      const name = dailyArchiveName(symbol, kind, date),
        url = dailyArchiveUrl(baseUrl, symbol, kind, date);
      const path = join(options.tempDir, name);
      options.onEvent?.({type: "file", index: i, total: dates.length, name, stage: "download"});
      try {
        if ((await download(url, path, {...options.download, onRetry: onRetry(url)})) === "missing") {
          missing.push(name);
          options.onEvent?.({type: "missing", name, url});
          continue;
        }
        if (
          options.checksum !== false &&
          (await download(`${url}.CHECKSUM`, `${path}.CHECKSUM`, {...options.download, onRetry: onRetry(`${url}.CHECKSUM`)})) === "missing"
        ) {
          throw new ArchiveFileError(`${url} has no .CHECKSUM on the server (--no-checksum imports without)`);
        }
        totals.add(await importOne(connection, {path, symbol, kind, zip: true}, i, dates.length, options));
      } finally {
        await rm(path, {force: true});
        await rm(`${path}.CHECKSUM`, {force: true});
      }
    }
  });
  return totals.summary(missing);
}

async function importOne(
  connection: Parameters<typeof importCsv>[0],
  job: ImportJob,
  index: number,
  total: number,
  options: ImportOptions,
) {
  const name = basename(job.path),
    event = options.onEvent ?? (() => {});
  try {
    await stat(job.path);
  } catch {
    throw new ArchiveFileError(`${job.path}: no such file`);
  }
  let csvPath = job.path;
  try {
    if (job.zip) {
      if (options.checksum !== false) {
        event({type: "file", index, total, name, stage: "checksum"});
        await verifyChecksum(job.path);
      }
      event({type: "file", index, total, name, stage: "extract"});
      csvPath = join(options.tempDir, `${name}.csv`);
      await extractCsv(job.path, csvPath);
    }
    const shape = csvShape(await readHead(csvPath), job.kind, name);
    event({type: "file", index, total, name, stage: "import"});
    const counts = await importCsv(connection, {lake: options.lake, symbol: job.symbol, csvPath, shape});
    event({type: "done", index, total, name, timeUnit: shape.timeUnit, header: shape.header, counts});
    return counts;
  } finally {
    if (csvPath !== job.path) await rm(csvPath, {force: true});
  }
}

async function prepare(connection: Parameters<typeof importCsv>[0], tempDir: string): Promise<void> {
  // Spill big files next to the extracted CSVs; rows need no insertion order (COPY sorts by id).
  await connection.run(`SET temp_directory = ${quotedString(tempDir)}; SET preserve_insertion_order = false`);
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
