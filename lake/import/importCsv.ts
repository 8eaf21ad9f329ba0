// The bulk path: DuckDB reads one archive CSV, drops invalid rows and ids already in the lake (exact,
// id-level anti-join), and COPYs what is new to Parquet, one file per symbol-day and id segment.
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString} from "../duckdb.js";
import {parquetOptions} from "../lakeFormat.js";
import {batchFileName} from "../layout.js";
import {idIntervals} from "../files.js";
import type {CsvShape} from "./csvShape.js";
import {datasetFiles, datasetOf, datasetPartition} from "./datasets.js";
import {publishFile} from "../publish.js";

export interface ImportCounts {
  /** Data rows in the file (header excluded), including rows that could not be parsed. */
  readonly rows: number;
  /** Rows published into the lake. */
  readonly added: number;
  /** Valid rows whose id was already in the lake (or repeated within the file). */
  readonly duplicates: number;
  /** Unparseable rows, and rows with zero/negative price or qty, negative ids or an impossible time. */
  readonly invalid: number;
  /** Duplicates whose stored price, qty or time (to the ms) differ from the file: a sign of mixed sources. */
  readonly conflicts: number;
  /** Published files. */
  readonly files: readonly string[];
}

// Plausible trade times: 2010-01-01 to 2100-01-01, in the file's unit.
const earliestMs = 1_262_304_000_000,
  latestMs = 4_102_444_800_000;

/**
 * Imports the archive CSV at `csvPath` for `symbol` into `lake` (trades → `ticks/`, aggTrades →
 * `aggtrades/`). Ids already stored are skipped by an exact anti-join against the files whose name
 * ranges overlap the file's ids, so re-importing adds nothing and overlaps add only the missing ids.
 * New rows are published per UTC day, split where the stored id ranges lie so a new file's range does not
 * straddle a stored file. One pass of DuckDB over the CSV; memory ~ 40 bytes a row (spills to disk).
 */
export async function importCsv(
  connection: DuckDBConnection,
  {lake, symbol, csvPath, shape}: {lake: string; symbol: string; csvPath: string; shape: CsvShape},
): Promise<ImportCounts> {
  const dataset = datasetOf(shape.kind);
  const k = shape.timeUnit === "ms" ? 1000 : 1;
  const [lo, hi] = [earliestMs, latestMs].map((t) => String((t * 1000) / k));
  const columns = `{${shape.columns.map(([name, type]) => `${quotedString(name)}: ${quotedString(type)}`).join(", ")}}`;
  const idColumn = shape.kind === "trades" ? "id" : "agg_id";
  const validExtra = shape.kind === "aggTrades" ? " AND first_trade_id >= 0 AND last_trade_id >= first_trade_id" : "";
  const extra = dataset.extra.map((c) => `, ${c}`).join("");

  await connection.run("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans");
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE incoming AS
     SELECT ${idColumn} AS id, CASE WHEN time BETWEEN ${lo} AND ${hi} THEN make_timestamp(time * ${k}) END AS time,
            price, qty${extra}, is_buyer_maker,
            coalesce(${idColumn} >= 0 AND price > 0 AND qty > 0 AND isfinite(price) AND isfinite(qty)
                     AND time BETWEEN ${lo} AND ${hi} AND is_buyer_maker IS NOT NULL${validExtra}, false) AS valid
     FROM read_csv(${quotedString(csvPath)}, columns = ${columns}, header = ${shape.header}, delim = ',', quote = '', escape = '',
                   auto_detect = false, store_rejects = true)`,
  );
  const [stats] = await rowsOf(
    connection,
    `SELECT count(*)::DOUBLE AS parsed, count(*) FILTER (valid)::DOUBLE AS valid,
            min(id) FILTER (valid)::DOUBLE AS first, max(id) FILTER (valid)::DOUBLE AS last,
            (SELECT count(DISTINCT line) FROM reject_errors)::DOUBLE AS rejected
     FROM incoming`,
  );
  const parsed = Number(stats.parsed),
    valid = Number(stats.valid),
    rejected = Number(stats.rejected);
  const counts = {rows: parsed + rejected, invalid: parsed - valid + rejected};
  if (valid === 0) return {...counts, added: 0, duplicates: 0, conflicts: 0, files: []};
  const first = Number(stats.first),
    last = Number(stats.last);

  const overlapping = (await datasetFiles(dataset, lake, symbol)).filter((f) => f.last >= first && f.first <= last);
  const stored =
    overlapping.length === 0
      ? `SELECT NULL::BIGINT AS id, NULL::TIMESTAMP AS time, NULL::DOUBLE AS price, NULL::DOUBLE AS qty WHERE false`
      : `SELECT ${dataset.idColumn} AS id, time, price, qty FROM read_parquet([${overlapping.map((f) => quotedString(f.path)).join(", ")}])
       WHERE ${dataset.idColumn} BETWEEN ${first} AND ${last}`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE stored AS ${stored}`);
  // Stored id intervals, numbered: a new id before interval k, inside it, or after it gets its own segment.
  const intervals = idIntervals(overlapping.map((f) => ({...f, date: ""})));
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE intervals AS SELECT k::BIGINT AS k, lo::BIGINT AS lo, hi::BIGINT AS hi
     FROM (VALUES ${["(NULL, NULL, NULL)", ...intervals.map(([a, b], i) => `(${i + 1}, ${a}, ${b})`)].join(", ")}) v(k, lo, hi) WHERE k IS NOT NULL`,
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE added AS
     WITH fresh AS (SELECT DISTINCT ON (id) * EXCLUDE (valid) FROM incoming i WHERE valid AND NOT EXISTS (SELECT 1 FROM stored s WHERE s.id = i.id))
     SELECT f.*, strftime(f.time, '%Y-%m-%d') AS date,
            CASE WHEN v.k IS NULL THEN 0 WHEN f.id <= v.hi THEN 2 * v.k - 1 ELSE 2 * v.k END AS segment
     FROM fresh f ASOF LEFT JOIN intervals v ON f.id >= v.lo`,
  );
  const [{conflicts}] = await rowsOf(
    connection,
    `SELECT count(*)::DOUBLE AS conflicts FROM incoming i JOIN stored s ON i.id = s.id
     WHERE i.valid AND (i.price <> s.price OR i.qty <> s.qty OR epoch_ms(i.time) <> epoch_ms(s.time))`,
  );
  const groups = await rowsOf(
    connection,
    `SELECT date, segment, min(id)::DOUBLE AS first, max(id)::DOUBLE AS last, count(*)::DOUBLE AS n FROM added GROUP BY ALL ORDER BY first`,
  );

  const files: string[] = [];
  let added = 0;
  // Format 2: a UTC-adjusted time; an archive knows neither the event nor the receive time.
  const select = `id AS ${dataset.idColumn}, timezone('UTC', time) AS time, price, qty${extra}, is_buyer_maker,
    NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time`;
  const options = parquetOptions({market: "spot", symbol, sortedBy: dataset.idColumn, notNull: dataset.notNull});
  for (const group of groups) {
    const dir = datasetPartition(dataset, lake, symbol, String(group.date));
    files.push(
      await publishFile(dir, batchFileName(Number(group.first), Number(group.last)), (temp) =>
        connection
          .run(
            `COPY (SELECT ${select} FROM added WHERE date = ${quotedString(String(group.date))} AND segment = ${Number(group.segment)} ORDER BY id)
         TO ${quotedString(temp)} ${options}`,
          )
          .then(() => undefined),
      ),
    );
    added += Number(group.n);
  }
  await connection.run(
    "DROP TABLE IF EXISTS incoming; DROP TABLE IF EXISTS stored; DROP TABLE IF EXISTS added; DROP TABLE IF EXISTS intervals",
  );
  return {...counts, added, duplicates: valid - added, conflicts: Number(conflicts), files};
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson();
}
