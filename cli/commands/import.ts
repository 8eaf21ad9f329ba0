import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {
  ArchiveFileError,
  type ArchiveType,
  defaultJobs,
  DownloadError,
  importFiles,
  type ImportJob,
  importRanges,
  type ImportSummary,
  resolveJob,
} from "../../lake/import/index.js";
import {isLakeAccessCode, lakeAccess, lakeAccessError} from "../../lake/access.js";
import {resolveLeftovers} from "../../lake/leftovers.js";
import {acquireLakeLock, type LakeLock} from "../../lake/lock.js";
import {archiveSource, checkLakeSource, rememberLakeSource} from "../../lake/source.js";
import {CliError, type Command, parseFlags, UsageError} from "../command.js";
import {lakeCliError} from "../lakeErrors.js";
import {Progress} from "../importProgress.js";
import {isMarketSymbol, parseMarketSymbol} from "../../src/protocol/symbol.js";

export const importCommand: Command = {
  name: "import",
  summary: "Load Binance public archives (spot trades/aggTrades, USD-M aggTrades and funding rates) into the lake",
  usage: `Usage: pairbook import [--symbol SYMBOL] [--kind KIND] [--lake ./data] [--jobs N] FILE...
       pairbook import --base-url URL --symbols LIST --from YYYY-MM-DD [--to YYYY-MM-DD] [--kind KIND,...] [--lake ./data]

Files are Binance archive CSVs, plain or as the .zip of data.binance.vision; a zip is checked against
its sibling FILE.zip.CHECKSUM (SHA-256) before anything is written. Symbols are written as everywhere
in pairbook: BTCUSDT is spot, usdm:BTCUSDT the USD-M perpetual. Symbol and kind come from the archive
name (BTCUSDT-aggTrades-2024-08-08.zip) unless given; as the name does not tell spot from futures, a
file is USD-M when it is a fundingRate file, lies under a futures/um/ folder, or --symbol says usdm:.
With --base-url, the archives and their CHECKSUMs are downloaded, with retries, from
  spot  <URL>/data/spot/daily/<kind>/<SYMBOL>/<SYMBOL>-<kind>-<date>.zip   (trades, aggTrades)
  usdm  <URL>/data/futures/um/daily/aggTrades/<SYMBOL>/<SYMBOL>-aggTrades-<date>.zip
        <URL>/data/futures/um/monthly/fundingRate/<SYMBOL>/<SYMBOL>-fundingRate-<YYYY-MM>.zip
        (each month the range touches)
(any server with the data.binance.vision layout; e.g. https://data.binance.vision); files the server
does not have (404, such as the current month's funding file) are reported and skipped.

Options:
  --symbols LIST      symbols to download, comma-separated (BTCUSDT,usdm:BTCUSDT); with FILEs, the one
                      symbol to store them under (default: from the file name). --symbol is the same
  --kind KIND         trades, aggTrades or fundingRate (with --base-url a comma-separated list);
                      default: trades for spot symbols, aggTrades,fundingRate for usdm: symbols
  --lake DIR          lake folder (default ./data)
  --base-url URL      download archives from this server instead of reading FILEs
  --from DATE         first day to download (UTC, inclusive)
  --to DATE           last day to download (UTC, inclusive; default --from)
  --no-checksum       import zips without a .CHECKSUM (not recommended)
  --jobs N            files downloaded, checked and parsed at once (default: one per core, at most 4);
                      publishing stays in file order, so the lake ends the same whatever N

Memory does not grow with the file: each zip is checked and unzipped in one streamed pass to a temp
CSV, and DuckDB works under a fixed memory limit, spilling to the temp folder beyond it. An interrupted
import (even kill -9) is resumed by running it again: files are published whole per day and segment,
and ids already in the lake are skipped, so every id ends up stored exactly once. A zip imported whole
is marked in <lake>/imported/ with its SHA-256: running again skips it without downloading or reading
it, unless its CHECKSUM changed (the file was republished) or its ids are no longer all in the lake.

Where rows go:
  spot trades       → <lake>/ticks/market=spot/symbol=S/date=D/<first id>-<last id>.parquet (the tick
                      lake, real trade ids)
  spot aggTrades    → <lake>/aggtrades/market=spot/symbol=S/date=D/<first agg id>-<last agg id>.parquet,
                      columns agg_id, time, price, qty, first_trade_id, last_trade_id, is_buyer_maker
                      (never mixed into spot ticks: aggregate ids are not trade ids)
  usdm aggTrades    → <lake>/ticks/market=usdm/symbol=S/date=D/<first agg id>-<last agg id>.parquet, the
                      columns pairbook record stores for a perpetual (trade_id is the aggregate id,
                      first_trade_id and last_trade_id the trades it spans; event_time, receive_time null)
  usdm fundingRate  → <lake>/funding/market=usdm/symbol=S/date=D/, one row per funding time (rate;
                      mark_price null, source 'archive'), merged with what pairbook record stored there
                      (its REST rows, which carry the mark price, are kept)
  usdm trades         refused: the usdm tick lake keeps aggregate ids, futures trade ids are another sequence
Header rows and ms/µs timestamps are detected per file. Ids (and funding times) already in the lake are
skipped, so re-importing adds nothing; rows with zero price/qty or an impossible time are counted and
skipped. The summary's "conflicts" counts stored ids whose price, qty or time differ from the file, and
stored settled funding rates that differ from the file's.

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
    const kinds = values.kind === undefined ? undefined : listFlag(values.kind, "--kind").map(kindFlag);
    if (values.symbol !== undefined && values.symbols !== undefined) throw new UsageError("give --symbols or --symbol, not both");
    const symbolsValue = values.symbols ?? values.symbol;
    const symbols = symbolsValue === undefined ? [] : listFlag(symbolsValue, "--symbols").map(symbolFlag);
    const lake = resolve(values.lake ?? "data");
    const checksum = !values["no-checksum"];
    const jobs = values.jobs === undefined ? defaultJobs() : jobsFlag(values.jobs);
    const progress = new Progress(process.stderr);
    let work: (tempDir: string) => Promise<ImportSummary>;
    if (values["base-url"] !== undefined) {
      if (positionals.length > 0) throw new UsageError("give either FILEs or --base-url, not both");
      if (symbols.length === 0) throw new UsageError("--base-url needs --symbols");
      if (!values.from) throw new UsageError("--base-url needs --from YYYY-MM-DD");
      let url: URL;
      try {
        url = new URL(values["base-url"]);
      } catch {
        throw new UsageError(`invalid --base-url: ${JSON.stringify(values["base-url"])}`);
      }
      const [from, to] = [values.from, values.to ?? values.from];
      const ranges = symbols.flatMap((symbol) =>
        (kinds ?? defaultKinds(symbol)).map((kind) => ({baseUrl: url.href, symbol, kind, from, to})),
      );
      work = (tempDir) => importRanges(ranges, {lake, tempDir, checksum, jobs, onEvent: (e) => progress.event(e)});
    } else {
      if (values.from || values.to) throw new UsageError("--from/--to go with --base-url");
      if (positionals.length === 0) throw new UsageError("no FILE given (or use --base-url with --from/--to)");
      if (symbols.length > 1) throw new UsageError("with FILEs, give one --symbol to store them under (or none: from the file names)");
      if (kinds !== undefined && kinds.length > 1) throw new UsageError("with FILEs, give one --kind (or none: from the file names)");
      const [symbol, kind] = [symbols[0], kinds?.[0]];
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
    const {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten, missing, skipped} = summary;
    if (invalid > 0)
      process.stderr.write(`warning: skipped ${invalid} invalid row(s) (unparseable, zero/negative price or qty, impossible time)\n`);
    if (conflicts > 0)
      process.stderr.write(
        `warning: ${conflicts} id(s) already stored with a different price, qty or time, or funding time(s) with a different settled rate (kept the stored rows)\n`,
      );
    if (missing.length > 0) process.stderr.write(`missing on the server (skipped): ${missing.join(", ")}\n`);
    const already = skipped.length > 0 ? `; ${skipped.length} file(s) already imported, not read again` : "";
    process.stdout.write(
      `imported ${filesRead} file(s) into ${lake} in ${seconds.toFixed(1)} s: ${rows} rows read, ${added} added, ` +
        `${duplicates} skipped as duplicates, ${invalid} invalid; ${filesWritten} Parquet file(s) written${already}\n`,
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
    symbols: {type: "string"},
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

const kinds = {trades: "trades", aggtrades: "aggTrades", fundingrate: "fundingRate"} as const;

function kindFlag(value: string): ArchiveType {
  const kind = kinds[value.toLowerCase() as keyof typeof kinds] as ArchiveType | undefined;
  if (!kind) throw new UsageError(`invalid --kind: ${JSON.stringify(value)} (expected trades, aggTrades or fundingRate)`);
  return kind;
}

/** What --base-url downloads for a symbol without --kind: spot trades; a perpetual's aggregates and funding. */
function defaultKinds(symbol: string): ArchiveType[] {
  return parseMarketSymbol(symbol).market === "usdm" ? ["aggTrades", "fundingRate"] : ["trades"];
}

function listFlag(value: string, flag: string): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) throw new UsageError(`invalid ${flag}: ${JSON.stringify(value)} (an empty item)`);
  return items;
}

function jobsFlag(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`invalid --jobs: ${JSON.stringify(value)} (expected 1 to 64)`);
  return jobs;
}

/** `btcusdt` → `BTCUSDT`, `usdm:ethusdt` → `usdm:ETHUSDT`; UsageError for anything else. */
function symbolFlag(value: string): string {
  const match = /^(usdm:)?(.*)$/i.exec(value.trim())!;
  const symbol = `${match[1] ? "usdm:" : ""}${match[2].toUpperCase()}`;
  if (!isMarketSymbol(symbol)) throw new UsageError(`invalid symbol: ${JSON.stringify(value)} (expected e.g. BTCUSDT or usdm:BTCUSDT)`);
  return symbol;
}
