// The oldest stored trade of a symbol: history fills the window below it (newest first), so where a
// run stopped is always the lake's own bottom — a restart plans from it and fetches nothing stored.
import {withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {type StoredTrade, storedNeighbours} from "../../lake/storedNeighbours.js";

/** The symbol's stored trade with the lowest id, or null when the lake holds none. Reads one file. */
export async function lakeBottom(lake: string, symbol: string): Promise<StoredTrade | null> {
  const files = await tickFiles(lake, symbol);
  if (files.length === 0) return null;
  const first = files.reduce((m, f) => Math.min(m, f.first), Infinity);
  if (first === 0) return {id: 0, time: -Infinity}; // nothing can lie below id 0
  return withDuckDB(async (connection) => (await storedNeighbours(connection, lake, symbol, first - 1, first - 1, files)).after);
}
