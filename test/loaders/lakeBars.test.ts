// loadLakeBars on a small real lake (test/loaders/smallLake.ts): the bars below are computed by hand
// from its seven trades — 1 s buckets from t0 (2026-01-01T23:59:58Z), empty buckets with NaN prices.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {firstTradeTime, loadLakeBars} from "../../loaders/lakeBars.js";
import {withDuckDB} from "../../lake/duckdb.js";
import type {BarColumns} from "../../src/lib/bars.js";
import {gap, smallLake, t0} from "./smallLake.js";

let lake: string;
const day = 24 * 3600_000;
beforeAll(async () => (lake = await smallLake()), 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

const columns = (bars: BarColumns, keys: readonly (keyof BarColumns)[]) =>
  Object.fromEntries(keys.map((k) => [k, Array.from(bars[k] as Float64Array)]));
const ohlc = ["start", "open", "high", "low", "close", "volume", "quoteVolume", "count", "vwap", "takerBuyVolume"] as const;

describe("loadLakeBars(lake, symbols, {interval, lookbackMs})", () => {
  it("resamples every symbol to the buckets from the first trade's to the last trade's, with volumes and counts", async () => {
    const loaded = await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: day});
    expect({interval: loaded.interval, from: loaded.from, to: loaded.to}).toEqual({interval: 1000, from: t0, to: t0 + 5000});
    const [btc, eth] = loaded.legs;
    expect([btc.symbol, btc.trades, eth.symbol, eth.trades]).toEqual(["BTCUSDT", 5, "ETHUSDT", 2]);
    const starts = [t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000];
    expect(columns(btc.bars, ohlc)).toEqual({
      start: starts,
      // bucket 0: trades 1 (100 × 1, taker buy) and 2 (102 × 2, buyer maker); 1: trade 3; 2: trade 4; 3: none; 4: trade 5
      open: [100, 101, 105, NaN, 104],
      high: [102, 101, 105, NaN, 104],
      low: [100, 101, 105, NaN, 104],
      close: [102, 101, 105, NaN, 104],
      volume: [3, 1, 3, 0, 1],
      quoteVolume: [304, 101, 315, 0, 104],
      count: [2, 1, 1, 0, 1],
      vwap: [304 / 3, 101, 105, NaN, 104],
      takerBuyVolume: [1, 1, 3, 0, 0],
    });
    expect(columns(eth.bars, ["start", "close", "count"])).toEqual({start: starts, close: [10, NaN, NaN, 11, NaN], count: [1, 0, 0, 1, 0]});
  });

  it("flags ETHUSDT's buckets from the one before its hole (t0 + 0.3 s) to the one after it (t0 + 3.1 s), and returns the gap", async () => {
    const loaded = await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: day});
    expect(Array.from(loaded.legs[0].gap)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(loaded.legs[1].gap)).toEqual([1, 1, 1, 1, 0]);
    expect(loaded.gaps).toEqual([gap]);
    // Only the requested symbols' gaps.
    expect((await loadLakeBars(lake, ["BTCUSDT"], {interval: 1000, lookbackMs: day})).gaps).toEqual([]);
  });

  it("a short lookback keeps the last whole buckets; a gap that ends before the window is left out", async () => {
    const loaded = await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: 1500});
    // ceil(1.5 s / 1 s) = 2 buckets ending with the latest trade's (t0 + 4.9 s).
    expect([loaded.from, loaded.to]).toEqual([t0 + 3000, t0 + 5000]);
    expect(columns(loaded.legs[0].bars, ["start", "close", "count"])).toEqual({
      start: [t0 + 3000, t0 + 4000],
      close: [NaN, 104],
      count: [0, 1],
    });
    expect([loaded.legs[0].trades, loaded.legs[1].trades]).toEqual([1, 1]);
    expect(Array.from(loaded.legs[1].gap)).toEqual([1, 0]); // the hole ends at t0 + 3.1 s
    expect(loaded.gaps).toEqual([gap]);
    const later = await loadLakeBars(lake, ["ETHUSDT"], {interval: 1000, lookbackMs: 1000, anchor: ["BTCUSDT"]});
    expect({from: later.from, to: later.to, gaps: later.gaps, flags: Array.from(later.legs[0].gap)}).toEqual({
      from: t0 + 4000,
      to: t0 + 5000,
      gaps: [],
      flags: [0],
    });
  });

  it("{anchor} ends the window at the anchor symbols' latest trade; 1 m bars put both days' trades in two buckets", async () => {
    const anchored = await loadLakeBars(lake, ["BTCUSDT"], {interval: 1000, lookbackMs: day, anchor: ["ETHUSDT"]});
    expect([anchored.from, anchored.to]).toEqual([t0, t0 + 4000]); // ETHUSDT trades from t0 + 0.3 s to t0 + 3.1 s
    expect(anchored.legs[0].trades).toBe(4);
    const minutes = await loadLakeBars(lake, ["BTCUSDT"], {interval: 60_000, lookbackMs: day});
    const m0 = t0 - 58_000; // 23:59:00
    expect([minutes.from, minutes.to]).toEqual([m0, m0 + 120_000]);
    expect(columns(minutes.legs[0].bars, ["start", "open", "close", "count", "volume"])).toEqual({
      start: [m0, m0 + 60_000],
      open: [100, 105],
      close: [101, 104],
      count: [3, 2],
      volume: [4, 4],
    });
  });

  it("an empty lake gives no window and empty legs", async () => {
    const empty = await mkdtemp(join(tmpdir(), "pairbook-empty-lake-"));
    try {
      const loaded = await loadLakeBars(empty, ["BTCUSDT"], {interval: 1000, lookbackMs: day});
      expect({
        from: loaded.from,
        to: loaded.to,
        gaps: loaded.gaps,
        trades: loaded.legs[0].trades,
        bars: loaded.legs[0].bars.start.length,
      }).toEqual({from: null, to: null, gaps: [], trades: 0, bars: 0});
    } finally {
      await rm(empty, {recursive: true, force: true});
    }
  });
});

describe("firstTradeTime(connection, lake, symbol)", () => {
  it("is the symbol's earliest trade time, or null for a symbol with no trades", async () => {
    expect(
      await withDuckDB(async (c) => [
        await firstTradeTime(c, lake, "BTCUSDT"),
        await firstTradeTime(c, lake, "ETHUSDT"),
        await firstTradeTime(c, lake, "SOLUSDT"),
      ]),
    ).toEqual([t0 + 100, t0 + 300, null]);
  });
});
