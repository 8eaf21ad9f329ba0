// Gaps are data: each hole in a symbol's trade ids, filled from REST or not, is stored in the lake as
// `<lake>/gaps/date=<YYYY-MM-DD of detection>/<SYMBOL>-<from id>-<to id>-<detected at ms>.parquet`,
// one row, columns symbol, from_id, to_id, from_time, to_time, cause, filled, detected_at (the record:
// src/protocol/gaps.ts).
import type {DuckDBConnection} from "@duckdb/node-api";
import {join} from "node:path";
import type {GapRecord} from "../src/protocol/gaps.js";
import {quotedString} from "./duckdb.js";
import {utcDate} from "./layout.js";
import {publishFile} from "./publish.js";

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
