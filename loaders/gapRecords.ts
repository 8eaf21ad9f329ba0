// Reads the lake's gap records (see lake/gaps.ts for how the recorder writes them).
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import type {GapRecord} from "../lake/gaps.js";
import {quotedString} from "../lake/duckdb.js";

/** Every gap record in the lake, oldest first (empty when there are none). */
export async function readGaps(connection: DuckDBConnection, lake: string): Promise<GapRecord[]> {
  const files: string[] = [];
  try {
    for (const day of await readdir(join(lake, "gaps"))) {
      if (!day.startsWith("date=")) continue;
      for (const name of await readdir(join(lake, "gaps", day))) if (name.endsWith(".parquet") && !name.startsWith(".")) files.push(join(lake, "gaps", day, name));
    }
  } catch {
    return [];
  }
  if (files.length === 0) return [];
  const reader = await connection.runAndReadAll(
    `SELECT symbol, from_id::DOUBLE, to_id::DOUBLE, epoch_ms(from_time)::DOUBLE, epoch_ms(to_time)::DOUBLE, cause, filled, epoch_ms(detected_at)::DOUBLE
     FROM read_parquet([${files.map((f) => quotedString(f)).join(", ")}]) ORDER BY detected_at, symbol, from_id`
  );
  return reader.getRows().map((r) => ({
    symbol: String(r[0]), fromId: Number(r[1]), toId: Number(r[2]),
    fromTime: r[3] === null ? null : Number(r[3]), toTime: r[4] === null ? null : Number(r[4]),
    cause: String(r[5]), filled: Boolean(r[6]), detectedAt: Number(r[7])
  }));
}

/**
 * The time ranges in which a symbol's trades are incomplete: its unfilled gaps (a filled gap's ids all
 * came from REST, so its bars are whole). A gap with one unknown end covers only its known end.
 */
export function gapRanges(gaps: readonly GapRecord[], symbol: string): {from: number; to: number}[] {
  const out: {from: number; to: number}[] = [];
  for (const g of gaps) {
    if (g.symbol !== symbol || g.filled) continue;
    const from = g.fromTime ?? g.toTime, to = g.toTime ?? g.fromTime;
    if (from !== null && to !== null) out.push({from, to});
  }
  return out;
}
