import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {
  ArchiveFileError,
  type ArchiveKind,
  defaultJobs,
  DownloadError,
  type ImportEvent,
  importFiles,
  type ImportJob,
  importRange,
  type ImportSummary,
  resolveJob,
} from "../../lake/import/index.js";
import {isLakeAccessCode, lakeAccess, lakeAccessError} from "../../lake/access.js";
import {resolveLeftovers} from "../../lake/leftovers.js";
import {acquireLakeLock, type LakeLock} from "../../lake/lock.js";
import {archiveSource, checkLakeSource, rememberLakeSource} from "../../lake/source.js";
import {CliError, type Command, parseFlags, UsageError} from "../command.js";
import {lakeCliError} from "../lakeErrors.js";
import {isSymbol} from "../../src/protocol/symbol.js";

export const importCommand: Command = {
  name: "import",
  summary: "Load Binance public-archive trades/aggTrades (CSV or daily zip) into the lake",
  usage: `Usage: pairbook import [--symbol SYMBOL] [--kind trades|aggTrades] [--lake ./data] [--jobs N] FILE...
       pairbook import --base-url URL --symbol SYMBOL --from YYYY-MM-DD --to YYYY-MM-DD [--kind trades|aggTrades] [--lake ./data]

Files are Binance spot (or USD-M futures) archive CSVs, plain or as the daily .zip; a zip is checked
against its sibling FILE.zip.CHECKSUM (SHA-256) before anything is written. Symbol and kind come from
the archive name (BTCUSDT-trades-2024-08-08.zip) unless given. With --base-url, the daily zips and
their CHECKSUMs are downloaded from <URL>/data/spot/daily/<kind>/<SYMBOL>/<SYMBOL>-<kind>-<date>.zip
(any server with the data.binance.vision layout; e.g. https://data.binance.vision), with retries;
days the server does not have (404) are reported and skipped.

Options:
  --symbol SYMBOL     symbol to store the rows under (default: from the file name)
  --kind KIND         trades (default) or aggTrades
  --lake DIR          lake folder (default ./data)
  --base-url URL      download daily files from this server instead of reading FILEs
  --from DATE         first day to download (UTC, inclusive)
  --to DATE           last day to download (UTC, inclusive; default --from)
  --no-checksum       import zips without a .CHECKSUM (not recommended)
  --jobs N            files downloaded, checked and parsed at once (default: one per core, at most 4);
                      publishing stays in file order, so the lake ends the same whatever N

Memory does not grow with the file: each zip is checked and unzipped in one streamed pass to a temp
CSV, and DuckDB works under a fixed memory limit, spilling to the temp folder beyond it. An interrupted
import (even kill -9) is resumed by running it again: files are published whole per day and segment,
and ids already in the lake are skipped, so every id ends up stored exactly once.

Where rows go:
  trades     → <lake>/ticks/symbol=S/date=D/<first id>-<last id>.parquet (the tick lake, real trade ids)
  aggTrades  → <lake>/aggtrades/symbol=S/date=D/<first agg id>-<last agg id>.parquet, columns
               agg_id, time, price, qty, first_trade_id, last_trade_id, is_buyer_maker
               (never mixed into ticks: aggregate ids are not trade ids)
Header rows and ms/µs timestamps are detected per file. Ids already in the lake are skipped, so
re-importing adds nothing; rows with zero price/qty or an impossible time are counted and skipped.
The lake has no spot/futures dimension: do not import futures files under a symbol holding spot data
(the summary's "conflicts" counts stored ids whose price, qty or time differ from the file).

One writer per lake: import takes the lake's lock (<lake>/.lock) and refuses a lake that a running
\`pairbook record\` (or another import) holds; stop the recorder, import, start it again (it then
backfills any hole between the import and what it had recorded). Archives are real Binance trades:
a lake recorded from the simulator (the demo's ./data-demo) is refused.

Exit codes: 0 done (also when some days were missing); 2 bad usage or a bad file (checksum mismatch,
            damaged zip, not an archive CSV); 1 other failure (download failed after retries);
            5 the lake is in use by pairbook record or another import (the message names its pid);
            6 the lake holds simulated (or another exchange's) trades;
            7 the lake cannot be created or written.`,
  async run(argv) {
    const {values, positionals} = parseFlagsWithFiles(argv);
    const kind = kindFlag(values.kind);
    const symbol = values.symbol === undefined ? undefined : symbolFlag(values.symbol);
    const lake = resolve(values.lake ?? "data");
    const checksum = !values["no-checksum"];
    const jobs = values.jobs === undefined ? defaultJobs() : jobsFlag(values.jobs);
    const progress = new Progress(process.stderr);
    let work: (tempDir: string) => Promise<ImportSummary>;
    if (values["base-url"] !== undefined) {
      if (positionals.length > 0) throw new UsageError("give either FILEs or --base-url, not both");
      if (!symbol) throw new UsageError("--base-url needs --symbol");
      if (!values.from) throw new UsageError("--base-url needs --from YYYY-MM-DD");
      let url: URL;
      try {
        url = new URL(values["base-url"]);
      } catch {
        throw new UsageError(`invalid --base-url: ${JSON.stringify(values["base-url"])}`);
      }
      const range = {baseUrl: url.href, symbol, kind: kind ?? "trades", from: values.from, to: values.to ?? values.from};
      work = (tempDir) => importRange(range, {lake, tempDir, checksum, jobs, onEvent: (e) => progress.event(e)});
    } else {
      if (values.from || values.to) throw new UsageError("--from/--to go with --base-url");
      if (positionals.length === 0) throw new UsageError("no FILE given (or use --base-url with --from/--to)");
      let files: ImportJob[];
      try {
        files = positionals.map((path) => resolveJob(resolve(path), {symbol, kind}));
      } catch (error) {
        throw error instanceof RangeError ? new UsageError(error.message) : error;
      }
      work = (tempDir) => importFiles(files, {lake, tempDir, checksum, jobs, onEvent: (e) => progress.event(e)});
    }
    // One writer per lake: a running recorder would store the same ids again from its stream, and its
    // compaction would delete files this import is reading. Archives are real trades: never into a
    // simulator's lake.
    let lock: LakeLock;
    try {
      lock = await acquireLakeLock(lake, {command: "pairbook import"});
    } catch (error) {
      throw lakeCliError(error) ?? error;
    }
    const started = performance.now();
    const tempDir = await mkdtemp(join(tmpdir(), "pairbook-import-"));
    let summary: ImportSummary;
    try {
      await checkLakeSource(lake, archiveSource, "import");
      await rememberLakeSource(lake, archiveSource, "pairbook import");
      await lakeAccess(lake, "write", () => resolveLeftovers(lake, {owner: true}));
      summary = await work(tempDir);
    } catch (error) {
      progress.clear();
      const lakeError = lakeCliError(error);
      if (lakeError) throw lakeError;
      if (error instanceof RangeError) throw new UsageError(error.message);
      if (error instanceof ArchiveFileError) throw new CliError(error.message, 2);
      if (error instanceof DownloadError) throw new CliError(error.message, 1);
      if (isLakeAccessCode(error)) throw lakeCliError(lakeAccessError(lake, "write", error))!;
      throw error;
    } finally {
      await rm(tempDir, {recursive: true, force: true});
      await lock.release().catch(() => {});
    }
    progress.clear();
    const seconds = (performance.now() - started) / 1000;
    const {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten, missing} = summary;
    if (invalid > 0)
      process.stderr.write(`warning: skipped ${invalid} invalid row(s) (unparseable, zero/negative price or qty, impossible time)\n`);
    if (conflicts > 0)
      process.stderr.write(`warning: ${conflicts} id(s) already stored with a different price, qty or time (kept the stored rows)\n`);
    if (missing.length > 0) process.stderr.write(`missing on the server (skipped): ${missing.join(", ")}\n`);
    process.stdout.write(
      `imported ${filesRead} file(s) into ${lake} in ${seconds.toFixed(1)} s: ${rows} rows read, ${added} added, ` +
        `${duplicates} skipped as duplicates, ${invalid} invalid; ${filesWritten} Parquet file(s) written\n`,
    );
    return 0;
  },
};

function parseFlagsWithFiles(argv: string[]) {
  // parseFlags does not take positionals; split them off first (flags all take a value but these two).
  const flags: string[] = [],
    files: string[] = [];
  const booleans = new Set(["--no-checksum", "--help", "-h"]);
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === "--") (files.push(...argv.slice(i + 1)), (i = argv.length));
    else if (!arg.startsWith("-")) files.push(arg);
    else {
      flags.push(arg);
      if (!arg.includes("=") && !booleans.has(arg) && i + 1 < argv.length) flags.push(argv[++i]);
    }
  }
  const {values} = parseFlags(flags, {
    symbol: {type: "string"},
    kind: {type: "string"},
    lake: {type: "string"},
    "base-url": {type: "string"},
    from: {type: "string"},
    to: {type: "string"},
    "no-checksum": {type: "boolean"},
    jobs: {type: "string"},
  });
  return {values, positionals: files};
}

function kindFlag(value: string | undefined): ArchiveKind | undefined {
  if (value === undefined) return undefined;
  const kind = ({trades: "trades", aggtrades: "aggTrades"} as const)[value.toLowerCase() as "trades" | "aggtrades"];
  if (!kind) throw new UsageError(`invalid --kind: ${JSON.stringify(value)} (expected trades or aggTrades)`);
  return kind;
}

function jobsFlag(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`invalid --jobs: ${JSON.stringify(value)} (expected 1 to 64)`);
  return jobs;
}

function symbolFlag(value: string): string {
  const symbol = value.trim().toUpperCase();
  if (!isSymbol(symbol)) throw new UsageError(`invalid --symbol: ${JSON.stringify(value)}`);
  return symbol;
}

/**
 * Progress on stderr: one overall bar for all files (files done, rows, rate, ETA from the files done so
 * far) rewritten on a terminal; one line per finished file otherwise.
 */
class Progress {
  private rows = 0;
  private done = 0;
  private total = 0;
  private readonly stages = new Map<string, string>();
  private readonly started = performance.now();
  private shown = false;
  constructor(private readonly out: NodeJS.WriteStream) {}

  event(e: ImportEvent): void {
    if (e.type === "missing") {
      this.done += 1;
      return this.line(`${e.name}: not on the server (HTTP 404), skipped`);
    }
    if (e.type === "retry") return this.line(`${e.url}: ${e.reason}, retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`);
    this.total = e.total;
    if (e.type === "file") {
      this.stages.set(e.name, e.stage);
      return this.status();
    }
    this.stages.delete(e.name);
    this.done += 1;
    this.rows += e.counts.rows;
    const {rows, added, duplicates, invalid} = e.counts;
    this.line(
      `[${this.done}/${e.total} files] ${e.name}: ${rows} rows (${e.timeUnit === "us" ? "µs" : "ms"} times${e.header ? ", header" : ""}), ` +
        `${added} added, ${duplicates} duplicates, ${invalid} invalid — ${this.rows} rows so far, ${Math.round(this.rate())} rows/s`,
    );
    this.status();
  }

  clear(): void {
    if (this.shown && this.out.isTTY) this.out.write("\r\x1b[K");
    this.shown = false;
  }

  private rate(): number {
    return this.rows / Math.max(1e-3, (performance.now() - this.started) / 1000);
  }

  private status(): void {
    if (!this.out.isTTY || this.total === 0) return;
    const width = 24,
      filled = Math.round((width * this.done) / this.total);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.done === 0 ? "…" : duration((elapsed / this.done) * (this.total - this.done));
    const working = [...this.stages].map(([name, stage]) => `${name.replace(/\.zip$/, "")} ${stage}`).join(", ");
    const text =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} files, ${this.rows} rows, ` +
      `${Math.round(this.rate())} rows/s, ETA ${eta}${working ? ` — ${working}` : ""}`;
    this.out.write(`\r\x1b[K${text.slice(0, Math.max(20, (this.out.columns ?? 120) - 1))}`);
    this.shown = true;
  }

  private line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
