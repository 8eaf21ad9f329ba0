// overview() on a small real lake (test/loaders/smallLake.ts): per-symbol and per-day counts, the
// window, ingest per minute and the gap, each worked out by hand from the lake's seven trades.
import {rm} from "node:fs/promises";
import {basename} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {notebookConfig} from "../../loaders/config.js";
import {healthUrlOf, lakeLabel, overview} from "../../loaders/overview.js";
import {gap, smallLake, t0} from "./smallLake.js";

let lake: string;
beforeAll(async () => (lake = await smallLake()), 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

describe("overview(config, symbols, pairs, now)", () => {
  it("counts trades per symbol and UTC day, the window's first prices, ingest per minute and the gap", async () => {
    const config = notebookConfig({PAIRBOOK_LAKE: lake, PAIRBOOK_LIVE_URL: "ws://127.0.0.1:9999/?token=s3cr3t"});
    const o = await overview(config, ["BTCUSDT", "ETHUSDT", "SOLUSDT"], [["BTCUSDT", "ETHUSDT"]], 123);
    const m0 = t0 - 58_000; // 23:59:00, the minute of the first trade
    expect(o).toEqual({
      builtAt: 123,
      // The temp lake is outside the project: only its folder's name is published.
      lake: basename(lake),
      interval: "1s",
      lookbackMs: 24 * 3600_000,
      from: t0,
      to: t0 + 5000,
      liveUrl: "ws://127.0.0.1:9999/?token=s3cr3t",
      healthUrl: "http://127.0.0.1:9999/health",
      symbols: [
        {symbol: "BTCUSDT", trades: 5, firstTime: t0 + 100, lastTime: t0 + 4900, lastPrice: 104, windowOpen: 100},
        {symbol: "ETHUSDT", trades: 2, firstTime: t0 + 300, lastTime: t0 + 3100, lastPrice: 11, windowOpen: 10},
        {symbol: "SOLUSDT", trades: 0, firstTime: null, lastTime: null, lastPrice: null, windowOpen: null},
      ],
      pairs: [{a: "BTCUSDT", b: "ETHUSDT", slug: "BTCUSDT-ETHUSDT"}],
      // Midnight is t0 + 2 s: BTCUSDT's trades 1–3 fall on Jan 1, 4–5 on Jan 2; the gap counts on the day it began.
      coverage: [
        {symbol: "BTCUSDT", date: "2026-01-01", trades: 3, files: 1, firstTime: t0 + 100, lastTime: t0 + 1500, gaps: 0, unfilledGaps: 0},
        {symbol: "BTCUSDT", date: "2026-01-02", trades: 2, files: 1, firstTime: t0 + 2200, lastTime: t0 + 4900, gaps: 0, unfilledGaps: 0},
        {symbol: "ETHUSDT", date: "2026-01-01", trades: 1, files: 1, firstTime: t0 + 300, lastTime: t0 + 300, gaps: 1, unfilledGaps: 1},
        {symbol: "ETHUSDT", date: "2026-01-02", trades: 1, files: 1, firstTime: t0 + 3100, lastTime: t0 + 3100, gaps: 0, unfilledGaps: 0},
      ],
      gaps: [gap],
      ingest: {from: m0, stepMs: 60_000, counts: {BTCUSDT: [3, 2], ETHUSDT: [1, 1], SOLUSDT: [0, 0]}},
    });
  });

  it("a 2 s lookback narrows the window, the window's first prices and the ingest minutes", async () => {
    const config = notebookConfig({PAIRBOOK_LAKE: lake, PAIRBOOK_LOOKBACK_HOURS: String(2 / 3600)});
    const o = await overview(config, ["BTCUSDT", "ETHUSDT"], [], 0);
    expect([o.from, o.to]).toEqual([t0 + 3000, t0 + 5000]);
    // In [t0 + 3 s, t0 + 5 s): BTCUSDT's trade 5 (104), ETHUSDT's trade 12 (11); all in the minute from midnight.
    expect(o.symbols.map((s) => s.windowOpen)).toEqual([104, 11]);
    expect(o.ingest).toEqual({from: t0 + 2000, stepMs: 60_000, counts: {BTCUSDT: [1], ETHUSDT: [1]}});
  });

  it("an empty lake (or a symbol not in it) gives no window and no counts", async () => {
    const o = await overview(notebookConfig({PAIRBOOK_LAKE: `${lake}-missing`}), ["BTCUSDT"], [], 0);
    expect({from: o.from, to: o.to, coverage: o.coverage, gaps: o.gaps, ingest: o.ingest}).toEqual({
      from: null,
      to: null,
      coverage: [],
      gaps: [],
      ingest: {from: null, stepMs: 60_000, counts: {}},
    });
  });
});

describe("healthUrlOf(liveUrl)", () => {
  it("is /health of the live URL's host over http(s), without the token; the default recorder's for a bad URL", () => {
    expect(healthUrlOf("ws://10.0.0.5:8787/?token=abc")).toBe("http://10.0.0.5:8787/health");
    expect(healthUrlOf("wss://box.example:9000")).toBe("https://box.example:9000/health");
    expect(healthUrlOf("not a url")).toBe("http://127.0.0.1:8787/health");
  });
});

describe("lakeLabel(lake, projectDir)", () => {
  it("is the path inside the project, else the folder's name: never an absolute path", () => {
    expect(lakeLabel("/home/ann/pairbook/data", "/home/ann/pairbook")).toBe("data");
    expect(lakeLabel("/home/ann/pairbook/test/.lake", "/home/ann/pairbook")).toBe("test/.lake");
    expect(lakeLabel("/mnt/big/lake-2026", "/home/ann/pairbook")).toBe("lake-2026");
    expect(lakeLabel("/home/ann/pairbook-lake", "/home/ann/pairbook")).toBe("pairbook-lake");
    expect(lakeLabel("/home/ann/pairbook", "/home/ann/pairbook")).toBe("pairbook");
  });
});
