// One symbol's bars in the formats GET /api/v1/bars offers: JSON and CSV (streamed, rows of 1,000),
// Arrow (the pages' bars file, src/protocol/barsFile.ts) and Parquet (DuckDB COPY to a temp file).
import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {barFields, type BarsContent, encodeBarsFile} from "../src/protocol/barsFile.js";
import {jsonValue} from "./reply.js";

/** The columns of a bars table, in order: time, the Float64 fields, count and gap. */
export const barColumns = ["time", ...barFields, "count", "gap"] as const;

const rowsPerChunk = 1000;

/** Row k of the first leg as values in `barColumns` order (NaN for an empty bucket's prices). */
function row(content: BarsContent, k: number): number[] {
  const {bars, gap} = content.legs[0];
  return [bars.start[k], ...barFields.map((f) => bars[f][k]), bars.count[k], gap[k]];
}

const rowCount = (content: BarsContent) => content.legs[0]?.bars.start.length ?? 0;

/** `{symbol, interval, from, to, trades, gaps, bars: [{time, open, …, count, gap}]}`, streamed; NaN prices are null. */
export function* barsJson(content: BarsContent, intervalName: string): Generator<string> {
  const leg = content.legs[0];
  const head = {
    symbol: leg.symbol,
    interval: intervalName,
    intervalMs: content.interval,
    from: content.from,
    to: content.to,
    trades: leg.trades,
    gaps: content.gaps,
  };
  yield `${JSON.stringify(head, jsonValue).slice(0, -1)},"bars":[`;
  const n = rowCount(content);
  for (let k = 0; k < n; k += rowsPerChunk) {
    const parts: string[] = [];
    for (let j = k; j < Math.min(n, k + rowsPerChunk); ++j) {
      const values = row(content, j);
      parts.push(JSON.stringify(Object.fromEntries(barColumns.map((c, i) => [c, values[i]]))));
    }
    yield `${k > 0 ? "," : ""}${parts.join(",")}`;
  }
  yield "]}\n";
}

/** CSV with a header `time,open,…,count,gap`; an empty bucket's prices are empty fields. Streamed. */
export function* barsCsv(content: BarsContent): Generator<string> {
  yield `${barColumns.join(",")}\n`;
  const n = rowCount(content);
  for (let k = 0; k < n; k += rowsPerChunk) {
    const lines: string[] = [];
    for (let j = k; j < Math.min(n, k + rowsPerChunk); ++j)
      lines.push(
        row(content, j)
          .map((v) => (Number.isNaN(v) ? "" : String(v)))
          .join(",") + "\n",
      );
    yield lines.join("");
  }
}

/** The pages' bars file (Arrow IPC stream) of the bars: columns `time`, `SYMBOL.open`, …, metadata "pairbook". */
export function barsArrow(content: BarsContent, intervalName: string, builtAt: number): Uint8Array {
  return encodeBarsFile(content, {interval: intervalName, builtAt, liveUrl: ""});
}

/** Parquet (zstd) with `barColumns` (time as epoch ms DOUBLE, count and gap as INTEGER; empty prices NULL), via DuckDB. */
export async function barsParquet(content: BarsContent): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "pairbook-serve-"));
  try {
    const path = join(dir, "bars.parquet");
    await withDuckDB(async (connection) => {
      const types = barColumns.map((c) => `"${c}" ${c === "count" || c === "gap" ? "INTEGER" : "DOUBLE"}`);
      await connection.run(`CREATE TABLE bars (${types.join(", ")})`);
      const appender = await connection.createAppender("bars");
      try {
        for (let k = 0; k < rowCount(content); ++k) {
          row(content, k).forEach((v, i) => {
            if (Number.isNaN(v)) appender.appendNull();
            else if (i >= barColumns.length - 2) appender.appendInteger(v);
            else appender.appendDouble(v);
          });
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await connection.run(`COPY bars TO ${quotedString(path)} (FORMAT parquet, COMPRESSION zstd)`);
    });
    return new Uint8Array(await readFile(path));
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}
