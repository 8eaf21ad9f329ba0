// The stored trades either side of a range of ids: what an outage's gap record needs to say when it
// began and ended in time. Files are chosen by the id ranges in their names (lake/files.ts), so a
// query reads one or two files, never the whole symbol. A compacted file's name can span a hole (it
// merged files either side of it), hence the bounds below rather than "the file just before".
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString, withDuckDB} from "./duckdb.js";
import {type TickFile, tickFiles} from "./files.js";
import {retryVanished} from "./vanishedFiles.js";

/** A stored trade's id and time (ms since the UTC epoch). */
export interface StoredTrade {
  readonly id: number;
  readonly time: number;
}

/** The last stored trade with an id below a range and the first above it (null when there is none). */
export interface Neighbours {
  readonly before: StoredTrade | null;
  readonly after: StoredTrade | null;
}

/**
 * The stored trades of `symbol` just before `fromId` and just after `toId`. `files` (the symbol's
 * `tickFiles`) can be passed to save listing the folders again. O(size of at most a few files).
 *
 *   const {before, after} = await storedNeighbours(connection, lake, "BTCUSDT", 1001, 1999);
 */
export async function storedNeighbours(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  fromId: number,
  toId: number,
  files?: readonly TickFile[],
): Promise<Neighbours> {
  if (!Number.isSafeInteger(fromId) || !Number.isSafeInteger(toId) || toId < fromId)
    throw new RangeError(`storedNeighbours: invalid id range ${fromId}..${toId}`);
  const all = files ?? (await tickFiles(lake, symbol));
  // The answer before lies in [the largest first id below fromId, fromId − 1]: that first id is stored.
  const below = all.filter((f) => f.first < fromId);
  const lo = below.reduce((m, f) => Math.max(m, f.first), -Infinity);
  const above = all.filter((f) => f.last > toId);
  const hi = above.reduce((m, f) => Math.min(m, f.last), Infinity);
  return {
    before: await pick(
      connection,
      below.filter((f) => f.last >= lo),
      lo,
      fromId - 1,
      "max",
    ),
    after: await pick(
      connection,
      above.filter((f) => f.first <= hi),
      toId + 1,
      hi,
      "min",
    ),
  };
}

/** The latest stored trade of each symbol (null for a symbol with none), with a DuckDB of its own. */
export async function lastStoredTrades(lake: string, symbols: readonly string[]): Promise<Map<string, StoredTrade | null>> {
  return retryVanished(() =>
    withDuckDB(async (connection) => {
      const out = new Map<string, StoredTrade | null>();
      for (const symbol of symbols) {
        const files = await tickFiles(lake, symbol);
        const last = files.reduce((m, f) => Math.max(m, f.last), -Infinity);
        out.set(
          symbol,
          await pick(
            connection,
            files.filter((f) => f.last === last),
            last,
            last,
            "max",
          ),
        );
      }
      return out;
    }),
  );
}

/** The trade with the largest (max) or smallest (min) id in [lo, hi] among `files`, or null. */
async function pick(
  connection: DuckDBConnection,
  files: readonly TickFile[],
  lo: number,
  hi: number,
  which: "max" | "min",
): Promise<StoredTrade | null> {
  if (files.length === 0 || !(lo <= hi)) return null;
  const reader = await connection.runAndReadAll(
    `SELECT trade_id::DOUBLE, epoch_ms("time")::DOUBLE FROM read_parquet([${files.map((f) => quotedString(f.path)).join(", ")}])
     WHERE trade_id BETWEEN $lo::BIGINT AND $hi::BIGINT ORDER BY trade_id ${which === "max" ? "DESC" : "ASC"} LIMIT 1`,
    {lo: String(lo), hi: String(hi)},
  );
  const [row] = reader.getRows();
  return row ? {id: Number(row[0]), time: Number(row[1])} : null;
}
