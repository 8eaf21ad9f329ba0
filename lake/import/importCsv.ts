// The bulk path: DuckDB reads one archive CSV into a temp table (loadCsv, which needs no lake), then drops
// invalid rows and ids already in the lake (exact, id-level anti-join) and COPYs what is new to Parquet,
// one file per symbol-day and id segment (publishLoaded, which must run one file at a time per lake).
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString} from "../duckdb.js";
import {parquetOptions} from "../lakeFormat.js";
import {batchFileName} from "../layout.js";
import {idIntervals} from "../files.js";
import type {CsvShape} from "./csvShape.js";
import {type Dataset, datasetFiles, datasetOf, datasetPartition} from "./datasets.js";
import {parseMarketSymbol} from "../../src/protocol/symbol.js";
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

/** What `loadCsv` found in a file, before the lake is looked at. */
export interface LoadedCsv {
  readonly rows: number;
  readonly invalid: number;
  readonly valid: number;
  /** Distinct valid ids (fewer than `valid` when the file repeats an id). */
  readonly distinct: number;
  readonly first: number;
  readonly last: number;
}

/**
 * Parses the archive CSV at `csvPath` into the connection's temp table `incoming` (id, time, price, qty,
 * extra columns, is_buyer_maker, UTC day number, validity): one parallel scan of the file. DuckDB keeps
 * the table under the instance's memory_limit, spilling to its temp_directory, so memory does not grow
 * with the file. Invalid rows stay in the table (flagged) so they are counted once.
 */
export async function loadCsv(connection: DuckDBConnection, csvPath: string, shape: CsvShape): Promise<LoadedCsv> {
  const k = shape.timeUnit === "ms" ? 1000 : 1;
  const [lo, hi] = [earliestMs, latestMs].map((t) => String((t * 1000) / k));
  const columns = `{${shape.columns.map(([name, type]) => `${quotedString(name)}: ${quotedString(type)}`).join(", ")}}`;
  const idColumn = shape.kind === "trades" ? "id" : "agg_id";
  const validExtra = shape.kind === "aggTrades" ? " AND first_trade_id >= 0 AND last_trade_id >= first_trade_id" : "";
  const extra = datasetOf(shape.kind)
    .extra.map((c) => `, ${c}`)
    .join("");
  await connection.run("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans");
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE incoming AS
     SELECT ${idColumn} AS id, CASE WHEN time BETWEEN ${lo} AND ${hi} THEN make_timestamp(time * ${k}) END AS time,
            price, qty${extra}, is_buyer_maker, CASE WHEN time BETWEEN ${lo} AND ${hi} THEN time // ${86_400_000_000 / k} END AS day,
            coalesce(${idColumn} >= 0 AND price > 0 AND qty > 0 AND isfinite(price) AND isfinite(qty)
                     AND time BETWEEN ${lo} AND ${hi} AND is_buyer_maker IS NOT NULL${validExtra}, false) AS valid
     FROM read_csv(${quotedString(csvPath)}, columns = ${columns}, header = ${shape.header}, delim = ',', quote = '', escape = '',
                   auto_detect = false, store_rejects = true)`,
  );
  const [stats] = await rowsOf(
    connection,
    `SELECT count(*)::DOUBLE AS parsed, count(*) FILTER (valid)::DOUBLE AS valid, count(DISTINCT id) FILTER (valid)::DOUBLE AS distinct,
            min(id) FILTER (valid)::DOUBLE AS first, max(id) FILTER (valid)::DOUBLE AS last,
            (SELECT count(DISTINCT line) FROM reject_errors)::DOUBLE AS rejected
     FROM incoming`,
  );
  const parsed = Number(stats.parsed),
    rejected = Number(stats.rejected),
    valid = Number(stats.valid);
  return {
    rows: parsed + rejected,
    invalid: parsed - valid + rejected,
    valid,
    distinct: Number(stats.distinct),
    first: Number(stats.first),
    last: Number(stats.last),
  };
}

/**
 * Publishes the new rows of the connection's `incoming` table (from `loadCsv`) for `symbol` (`BTCUSDT`,
 * or `usdm:BTCUSDT` for a perpetual) into `lake` (spot trades → `ticks/`, spot aggTrades → `aggtrades/`,
 * USD-M aggTrades → `ticks/market=usdm`, as the recorder stores them: datasets.ts). Ids already stored are skipped by an exact anti-join
 * against the files whose name ranges overlap the file's ids, so re-importing adds nothing and overlaps
 * add only the missing ids; an id repeated in the file is kept once. New rows are published per UTC day,
 * split where the stored id ranges lie so a new file's range does not straddle a stored file; each
 * file is one sorted COPY, written to a temp name and renamed.
 */
export async function publishLoaded(
  connection: DuckDBConnection,
  {lake, symbol, kind, loaded}: {lake: string; symbol: string; kind: CsvShape["kind"]; loaded: LoadedCsv},
): Promise<ImportCounts> {
  const {market, symbol: name} = parseMarketSymbol(symbol);
  const dataset = datasetOf(kind, market);
  const {rows, invalid, valid, first, last} = loaded;
  const counts = {rows, invalid};
  try {
    if (valid === 0) return {...counts, added: 0, duplicates: 0, conflicts: 0, files: []};
    const overlapping = (await datasetFiles(dataset, lake, symbol)).filter((f) => f.last >= first && f.first <= last);
    // The common case (nothing stored in the file's id range) needs neither the anti-join nor segments.
    const fresh =
      overlapping.length === 0
        ? "(SELECT * FROM incoming WHERE valid)"
        : "(SELECT * FROM incoming i WHERE valid AND NOT EXISTS (SELECT 1 FROM stored s WHERE s.id = i.id))";
    // Counting distinct ids costs a hash table: only when the file repeats an id.
    const n = loaded.distinct < valid ? "count(DISTINCT id)::DOUBLE AS n" : "count(*)::DOUBLE AS n";
    let conflicts = 0,
      groupSql = `SELECT day, min(id)::DOUBLE AS first, max(id)::DOUBLE AS last, ${n} FROM ${fresh} GROUP BY day`;
    if (overlapping.length > 0) {
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE stored AS SELECT ${dataset.idColumn} AS id, time, price, qty
         FROM read_parquet([${overlapping.map((f) => quotedString(f.path)).join(", ")}]) WHERE ${dataset.idColumn} BETWEEN ${first} AND ${last}`,
      );
      // Stored id intervals, numbered: a new id before interval k, inside it, or after it gets its own segment.
      const intervals = idIntervals(overlapping.map((f) => ({...f, date: ""})));
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE intervals AS SELECT k::BIGINT AS k, lo::BIGINT AS lo, hi::BIGINT AS hi
         FROM (VALUES ${intervals.map(([a, b], i) => `(${i + 1}, ${a}, ${b})`).join(", ")}) v(k, lo, hi)`,
      );
      [{conflicts}] = (await rowsOf(
        connection,
        `SELECT count(*)::DOUBLE AS conflicts FROM incoming i JOIN stored s ON i.id = s.id
         WHERE i.valid AND (i.price <> s.price OR i.qty <> s.qty OR epoch_ms(i.time) <> epoch_ms(s.time))`,
      )) as {conflicts: number}[];
      groupSql = `SELECT day, CASE WHEN v.k IS NULL THEN 0 WHEN f.id <= v.hi THEN 2 * v.k - 1 ELSE 2 * v.k END AS segment,
                         min(id)::DOUBLE AS first, max(id)::DOUBLE AS last, ${n}
                  FROM ${fresh} f ASOF LEFT JOIN intervals v ON f.id >= v.lo GROUP BY ALL`;
    }
    const groups = await rowsOf(connection, `${groupSql} ORDER BY first`);
    const files: string[] = [];
    let added = 0;
    const select = selectList(dataset);
    const distinct = loaded.distinct < valid ? "DISTINCT ON (id)" : "";
    const options = parquetOptions({market, symbol: name, sortedBy: dataset.idColumn, notNull: dataset.notNull});
    for (const group of groups) {
      const [day, lo, hi] = [Number(group.day), Number(group.first), Number(group.last)];
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      // Segments are disjoint id ranges, so a group is its day and its id range among the fresh rows.
      const rowsSql = `SELECT ${distinct} ${select} FROM ${fresh} WHERE day = ${day} AND id BETWEEN ${lo} AND ${hi} ORDER BY id`;
      files.push(
        await publishFile(datasetPartition(dataset, lake, symbol, date), batchFileName(lo, hi), (temp) =>
          connection.run(`COPY (${rowsSql}) TO ${quotedString(temp)} ${options}`).then(() => undefined),
        ),
      );
      added += Number(group.n);
    }
    return {...counts, added, duplicates: valid - added, conflicts: Number(conflicts), files};
  } finally {
    await connection.run(
      "DROP TABLE IF EXISTS incoming; DROP TABLE IF EXISTS stored; DROP TABLE IF EXISTS intervals; DROP TABLE IF EXISTS reject_errors",
    );
  }
}

/** Imports the archive CSV at `csvPath` for `symbol` into `lake`: `loadCsv`, then `publishLoaded`. */
export async function importCsv(
  connection: DuckDBConnection,
  {lake, symbol, csvPath, shape}: {lake: string; symbol: string; csvPath: string; shape: CsvShape},
): Promise<ImportCounts> {
  const loaded = await loadCsv(connection, csvPath, shape);
  return publishLoaded(connection, {lake, symbol, kind: shape.kind, loaded});
}

// Format 2: a UTC-adjusted time; an archive knows neither the event nor the receive time.
function selectList(dataset: Dataset): string {
  const order = dataset.order ?? [
    dataset.idColumn,
    "time",
    "price",
    "qty",
    ...dataset.extra,
    "is_buyer_maker",
    "event_time",
    "receive_time",
  ];
  const expression: Record<string, string> = {
    [dataset.idColumn]: `id AS ${dataset.idColumn}`,
    time: "timezone('UTC', time) AS time",
    event_time: "NULL::TIMESTAMPTZ AS event_time",
    receive_time: "NULL::TIMESTAMPTZ AS receive_time",
  };
  return order.map((column) => expression[column] ?? column).join(", ");
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson();
}
