// Per symbol, what a lake's tick files hold: rows, distinct ids and the id range — the check every
// "each id exactly once" test ends with. Reads the raw glob on purpose (not pairbook's file list), so
// a row stored twice in any file is counted twice.
import {join} from "node:path";
import {withDuckDB} from "../../lake/duckdb.js";

export interface LakeIdCount {
  symbol: string;
  /** Rows, distinct trade ids, smallest and largest id. */
  n: number;
  ids: number;
  lo: number;
  hi: number;
}

/** Rows, distinct ids and id range per symbol over `<lake>/ticks/**\/*.parquet`, ordered by symbol. */
export async function lakeIdCounts(lake: string): Promise<LakeIdCount[]> {
  const rows = await withDuckDB(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT symbol, count(*)::DOUBLE AS n, count(DISTINCT trade_id)::DOUBLE AS ids, min(trade_id)::DOUBLE AS lo, max(trade_id)::DOUBLE AS hi
       FROM read_parquet($glob, hive_partitioning = true) GROUP BY symbol ORDER BY symbol`,
        {glob: join(lake, "ticks", "**", "*.parquet")},
      )
    ).getRowObjectsJS(),
  );
  return rows.map((r) => ({symbol: String(r.symbol), n: Number(r.n), ids: Number(r.ids), lo: Number(r.lo), hi: Number(r.hi)}));
}
