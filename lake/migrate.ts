// Migration of a format-1 lake (no market level, naive `time`) to format 2 (lake/lakeFormat.ts), in
// place. Each file is rewritten into its format-2 place (`market=spot`, UTC-adjusted timestamps, the
// event and receive time columns null) and published atomically (lake/publish.ts), then its format-1
// original is deleted; `lake.json` is written last. So after a kill -9 at any instant, a format-1
// file either still exists (its copy absent, half-written as a hidden temp file, or complete) or is
// gone with its copy in place: the next opener resumes, treating a complete copy as done, and every
// id ends up exactly once. Before the first move, `lake.json` says {format: 1, migratingTo: 2}, so a
// run killed after its last move but before the final manifest is resumed too. The caller holds the
// writer's lock (lake/lock.ts).
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir, rm, rmdir, stat} from "node:fs/promises";
import {join} from "node:path";
import {finishCompactions} from "./compact.js";
import {quotedString, withDuckDB} from "./duckdb.js";
import {aggTrades} from "./import/datasets.js";
import {gapFileOptions, lakeFormat, parquetOptions, readManifest, tickFileOptions, writeManifest} from "./lakeFormat.js";
import {
  batchFileRange,
  compactIntentOutput,
  dateOfFolder,
  datasetDir,
  formatOneGapDayDir,
  formatOneSymbolDir,
  gapDayDir,
  partitionDir,
  symbolOfFolder,
  tempName,
} from "./layout.js";
import {fsync, publishFile} from "./publish.js";

/** A point of the migration, told to `onStep` (tests stop the process there). */
export type MigrationStep = {readonly kind: "copied" | "removed"; readonly path: string} | {readonly kind: "manifest"};

export interface MigrationResult {
  /** Format-1 files rewritten (or found already rewritten by an interrupted run) and removed. */
  readonly files: number;
  /** The format the lake had: 1, or `lakeFormat` when there was nothing to do. */
  readonly from: number;
}

// Columns of each format-2 dataset and their types, for a column a format-1 file lacks.
const tickTypes = {trade_id: "BIGINT", time: "TIMESTAMPTZ", price: "DOUBLE", qty: "DOUBLE", is_buyer_maker: "BOOLEAN"};
const times = {event_time: "TIMESTAMPTZ", receive_time: "TIMESTAMPTZ"};
const datasets = {
  ticks: {columns: {...tickTypes, ...times}, options: (symbol: string) => tickFileOptions(symbol)},
  aggtrades: {
    columns: {
      agg_id: "BIGINT",
      time: "TIMESTAMPTZ",
      price: "DOUBLE",
      qty: "DOUBLE",
      first_trade_id: "BIGINT",
      last_trade_id: "BIGINT",
      is_buyer_maker: "BOOLEAN",
      ...times,
    },
    options: (symbol: string) => parquetOptions({market: "spot", symbol, sortedBy: aggTrades.idColumn, notNull: aggTrades.notNull}),
  },
};
const gapColumns = {
  symbol: "VARCHAR",
  from_id: "BIGINT",
  to_id: "BIGINT",
  from_time: "TIMESTAMPTZ",
  to_time: "TIMESTAMPTZ",
  cause: "VARCHAR",
  filled: "BOOLEAN",
  detected_at: "TIMESTAMPTZ",
};

/** Whether `lake` holds format-1 folders (`ticks/symbol=…`, `aggtrades/symbol=…`, `gaps/date=…`). */
export async function hasFormatOneData(lake: string): Promise<boolean> {
  for (const folder of ["ticks", "aggtrades"])
    if ((await names(datasetDir(lake, folder))).some((n) => symbolOfFolder(n) !== null)) return true;
  return (await names(join(lake, "gaps"))).some((n) => dateOfFolder(n) !== null);
}

/**
 * Migrates `lake` to format 2 if it is older (a lake without `lake.json` is format 1 when it holds
 * format-1 folders, else new), and writes `lake.json` when it has none. The caller holds the lock.
 * `onStep` is told of each file copied and removed and of the final manifest (tests stop there).
 *
 *   const lock = await acquireLakeLock(lake, {command}); await migrateLake(lake); await lock.release();
 */
export async function migrateLake(
  lake: string,
  {onStep = () => {}}: {onStep?: (step: MigrationStep) => void | Promise<void>} = {},
): Promise<MigrationResult> {
  const manifest = await readManifest(lake),
    old = await hasFormatOneData(lake);
  if (manifest !== null && manifest.format >= lakeFormat && !old) return {files: 0, from: manifest.format};
  if (manifest === null && !old) {
    await writeManifest(lake, {format: lakeFormat});
    return {files: 0, from: lakeFormat};
  }
  // Marks the lake as being migrated before the first file moves: once the last format-1 folder is
  // gone, this is what tells a resumed run (and readers) that lake.json still has to be written.
  if (manifest === null) await writeManifest(lake, {format: 1, migratingTo: lakeFormat});
  let files = 0;
  await withDuckDB(async (connection) => {
    for (const folder of ["ticks", "aggtrades"] as const) {
      const {columns, options} = datasets[folder];
      for (const entry of await names(datasetDir(lake, folder))) {
        const symbol = symbolOfFolder(entry);
        if (symbol === null) continue;
        const root = formatOneSymbolDir(lake, symbol, folder);
        for (const day of await names(root)) {
          const date = dateOfFolder(day);
          if (date === null) continue;
          const dir = join(root, day);
          await settleCompactions(dir);
          for (const name of await names(dir)) {
            if (batchFileRange(name) === null) continue;
            await migrateFile(
              connection,
              join(dir, name),
              partitionDir(lake, symbol, date, folder),
              name,
              columns,
              options(symbol),
              onStep,
            );
            files++;
          }
          await removeFolder(dir);
        }
        await removeFolder(root);
      }
    }
    for (const day of await names(join(lake, "gaps"))) {
      const date = dateOfFolder(day);
      if (date === null) continue;
      const dir = formatOneGapDayDir(lake, date);
      for (const name of await names(dir)) {
        if (name.startsWith(".") || !name.endsWith(".parquet")) continue;
        await migrateFile(connection, join(dir, name), gapDayDir(lake, date), name, gapColumns, gapFileOptions(), onStep);
        files++;
      }
      await removeFolder(dir);
    }
  });
  await onStep({kind: "manifest"});
  await writeManifest(lake, {format: lakeFormat, migratedFrom: 1, migratedAt: new Date().toISOString()});
  return {files, from: 1};
}

/** Rewrites one format-1 file as `<dir>/<name>` in format 2 (unless an interrupted run already did), then deletes it. */
async function migrateFile(
  connection: DuckDBConnection,
  source: string,
  dir: string,
  name: string,
  columns: Record<string, string>,
  options: string,
  onStep: (step: MigrationStep) => void | Promise<void>,
): Promise<void> {
  if (!(await exists(join(dir, name)))) {
    const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quotedString(source)})`)).getRowObjectsJson();
    const has = new Map(described.map((r) => [r.column_name as string, r.column_type as string]));
    // A naive TIMESTAMP held UTC (format 1's contract): read it as such, whatever the session's zone.
    const select = Object.entries(columns).map(([column, type]) => {
      const present = has.get(column);
      const quoted = `"${column}"`;
      if (present === undefined) return `NULL::${type} AS ${quoted}`;
      return present === "TIMESTAMP" && type === "TIMESTAMPTZ"
        ? `timezone('UTC', ${quoted}) AS ${quoted}`
        : `${quoted}::${type} AS ${quoted}`;
    });
    await rm(join(dir, tempName(name)), {force: true}); // a copy a kill interrupted
    await publishFile(dir, name, (temp) =>
      connection
        .run(`COPY (SELECT ${select.join(", ")} FROM read_parquet(${quotedString(source)})) TO ${quotedString(temp)} ${options}`)
        .then(() => {}),
    );
  }
  await onStep({kind: "copied", path: source});
  await rm(source, {force: true});
  await onStep({kind: "removed", path: source});
}

/**
 * Resolves a format-1 partition's compaction leftovers before its files are copied: inputs of a
 * published output go, and so does an intent whose output was never published (its inputs are the data).
 */
async function settleCompactions(dir: string): Promise<void> {
  await finishCompactions(dir);
  for (const name of await names(dir))
    if (compactIntentOutput(name) !== null || (name.startsWith(".") && name.endsWith(".tmp"))) await rm(join(dir, name), {force: true});
}

/** Deletes a format-1 folder once its files are moved (hidden leftovers in it are not data), and syncs its parent. */
async function removeFolder(dir: string): Promise<void> {
  for (const name of await names(dir)) if (name.startsWith(".")) await rm(join(dir, name), {force: true});
  await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
    // ENOTEMPTY: something not pairbook's is in it; it stays (and is looked at again by the next opener).
    if (error.code !== "ENOENT" && error.code !== "ENOTEMPTY") throw error;
  });
  await fsync(join(dir, "..")).catch(() => {});
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
