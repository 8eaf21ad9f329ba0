// Reads the lake's gap records (see lake/gaps.ts for how the recorder writes them) and turns them into
// the time ranges whose bars are flagged.
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import {quotedString} from "../lake/duckdb.js";
import {type TickFile, tickFiles} from "../lake/files.js";
import {storedNeighbours} from "../lake/storedNeighbours.js";
import type {GapRecord} from "../src/protocol/gaps.js";

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
 * The gap records with every unknown time of an unfilled gap looked up in the lake: from_time = the
 * last stored trade with an id below the gap, to_time = the first above it (lake/storedNeighbours.ts).
 * Records written before the recorder knew its last stored trade at restart have from_time null; a
 * time stays null only when no stored trade lies on that side. Filled gaps are returned as they are.
 * O(unfilled records with a null time × one or two file reads).
 */
export async function withGapTimes(connection: DuckDBConnection, lake: string, gaps: readonly GapRecord[]): Promise<GapRecord[]> {
  const files = new Map<string, TickFile[]>();
  const out: GapRecord[] = [];
  for (const g of gaps) {
    if (g.filled || (g.fromTime !== null && g.toTime !== null)) {
      out.push(g);
      continue;
    }
    if (!files.has(g.symbol)) files.set(g.symbol, await tickFiles(lake, g.symbol));
    const {before, after} = await storedNeighbours(connection, lake, g.symbol, g.fromId, g.toId, files.get(g.symbol));
    out.push({...g, fromTime: g.fromTime ?? before?.time ?? null, toTime: g.toTime ?? after?.time ?? null});
  }
  return out;
}

/**
 * The time ranges [from, to] (ms, inclusive) in which a symbol's trades are incomplete: its unfilled
 * gaps, from the last trade stored before each to the first after it (a filled gap's ids all came
 * from REST, so its bars are whole). Pass records through `withGapTimes` first: a time still null
 * means no stored trade on that side, and the range is open there (−∞ or +∞), since every bucket on
 * that side of the hole may lack its trades.
 *
 *   gapFlags(bars.start, interval, gapRanges(await withGapTimes(connection, lake, gaps), "BTCUSDT"))
 */
export function gapRanges(gaps: readonly GapRecord[], symbol: string): {from: number; to: number}[] {
  const out: {from: number; to: number}[] = [];
  for (const g of gaps) {
    if (g.symbol !== symbol || g.filled) continue;
    out.push({from: g.fromTime ?? -Infinity, to: g.toTime ?? Infinity});
  }
  return out;
}
