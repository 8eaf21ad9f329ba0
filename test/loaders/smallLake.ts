// A small real lake for the loader tests, written with the lake's own writer: a handful of trades of
// two symbols around a UTC midnight, and one unfilled ETHUSDT gap. The tests derive their expected
// values by hand from the trades listed here.
import {mkdtemp} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {withDuckDB} from "../../lake/duckdb.js";
import {writeGap} from "../../lake/gaps.js";
import {LakeWriter} from "../../lake/writer.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

/** 2026-01-01T23:59:58Z: midnight is t0 + 2000. */
export const t0 = Date.UTC(2026, 0, 1, 23, 59, 58);

/** [id, ms after t0, price, qty, isBuyerMaker] */
type Row = readonly [number, number, number, number, boolean];

export const trades: Record<"BTCUSDT" | "ETHUSDT", readonly Row[]> = {
  BTCUSDT: [
    [1, 100, 100, 1, false],
    [2, 600, 102, 2, true],
    [3, 1500, 101, 1, false],
    [4, 2200, 105, 3, false],
    [5, 4900, 104, 1, true],
  ],
  ETHUSDT: [
    [10, 300, 10, 5, false],
    [12, 3100, 11, 1, true],
  ],
};

/** ETHUSDT's id 11 never arrived: the hole runs from trade 10 to trade 12. */
export const gap: GapRecord = {
  symbol: "ETHUSDT",
  fromId: 11,
  toId: 11,
  fromTime: t0 + 300,
  toTime: t0 + 3100,
  cause: "test",
  filled: false,
  detectedAt: t0 + 5000,
};

/** Writes the lake into a new temp folder and returns its path. */
export async function smallLake(): Promise<string> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-loaders-"));
  const writer = await LakeWriter.open(lake, Object.keys(trades), {publishMs: 0});
  for (const [symbol, rows] of Object.entries(trades)) {
    for (const [id, dt, price, qty, isBuyerMaker] of rows) writer.add(symbol, {id, time: t0 + dt, price, qty, isBuyerMaker});
  }
  await writer.close();
  await withDuckDB((connection) => writeGap(connection, lake, gap));
  return lake;
}
