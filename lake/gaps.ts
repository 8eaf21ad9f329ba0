// Gaps are data: each hole in a symbol's trade ids, filled from REST or not, is stored in the lake as
// `<lake>/gaps/date=<YYYY-MM-DD of detection>/<SYMBOL>-<from id>-<to id>-<detected at ms>.parquet`,
// one row, columns symbol, from_id, to_id, from_time, to_time, cause, filled, detected_at.
import type {DuckDBConnection} from "@duckdb/node-api";
import {join} from "node:path";
import {quotedString} from "./duckdb.js";
import {utcDate} from "./layout.js";
import {publishFile} from "./publish.js";

/** A hole found in a symbol's id sequence and what became of it. */
export interface GapRecord {
  readonly symbol: string;
  readonly fromId: number;
  readonly toId: number;
  /**
   * Times (ms) of the last trade stored before the hole and of the first one after it: the bars from
   * the one to the other are flagged. Null when that trade was unknown to the recorder (records of
   * older versions; a lake it could not read); readers then look it up by id (loaders/gapRecords.ts).
   */
  readonly fromTime: number | null;
  readonly toTime: number | null;
  /** stream | reconnect | restart, possibly followed by why a backfill failed. */
  readonly cause: string;
  /** True when REST supplied every id of the range; false for a hole that stays. */
  readonly filled: boolean;
  readonly detectedAt: number;
}

export function gapsGlob(lake: string): string {
  return join(lake, "gaps", "*", "*.parquet");
}

const timestamp = (ms: number | null) => (ms === null ? "NULL::TIMESTAMP" : `epoch_ms(${Math.round(ms)}::BIGINT)`);

/** Writes one gap record atomically (temp file, fsync, rename). */
export async function writeGap(connection: DuckDBConnection, lake: string, gap: GapRecord): Promise<string> {
  return publishFile(join(lake, "gaps", `date=${utcDate(gap.detectedAt)}`), `${gap.symbol}-${gap.fromId}-${gap.toId}-${gap.detectedAt}.parquet`, (temp) =>
    connection.run(
      `COPY (SELECT ${quotedString(gap.symbol)} AS symbol, ${gap.fromId}::BIGINT AS from_id, ${gap.toId}::BIGINT AS to_id,
              ${timestamp(gap.fromTime)} AS from_time, ${timestamp(gap.toTime)} AS to_time, ${quotedString(gap.cause)} AS cause,
              ${gap.filled} AS filled, ${timestamp(gap.detectedAt)} AS detected_at)
       TO ${quotedString(temp)} (FORMAT parquet)`
    ).then(() => {})
  );
}
