// The notebook's configuration (PAIRBOOK_* variables) and what a build covers, on a small real lake.
import {rm} from "node:fs/promises";
import {resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {coverage, notebookConfig, pairSlug, parsePairSlug} from "../../loaders/config.js";
import {smallLake} from "./smallLake.js";

let lake: string;
beforeAll(async () => (lake = await smallLake()), 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

describe("notebookConfig(env)", () => {
  it("notebookConfig({}) is the documented defaults", () => {
    expect(notebookConfig({})).toEqual({
      lake: resolve("data"),
      symbols: null,
      pairs: null,
      featured: ["BTCUSDT", "ETHUSDT"],
      interval: "1s",
      lookbackMs: 24 * 3600_000,
      liveUrl: "ws://127.0.0.1:8787",
    });
  });

  it("reads every variable, upper-casing symbols and dropping repeats and blanks", () => {
    expect(
      notebookConfig({
        PAIRBOOK_LAKE: "/tmp/x",
        PAIRBOOK_SYMBOLS: " solusdt, BTCUSDT,,SOLUSDT ",
        PAIRBOOK_PAIRS: "solusdt/btcusdt, ETHUSDT/BTCUSDT,",
        PAIRBOOK_PAIR: "ethusdt/solusdt",
        PAIRBOOK_INTERVAL: "5m",
        PAIRBOOK_LOOKBACK_HOURS: "1.5",
        PAIRBOOK_LIVE_URL: "ws://h:1",
      }),
    ).toEqual({
      lake: "/tmp/x",
      symbols: ["SOLUSDT", "BTCUSDT"],
      pairs: [
        ["SOLUSDT", "BTCUSDT"],
        ["ETHUSDT", "BTCUSDT"],
      ],
      featured: ["ETHUSDT", "SOLUSDT"],
      interval: "5m",
      lookbackMs: 5_400_000,
      liveUrl: "ws://h:1",
    });
  });

  it("reads USD-M perpetuals as usdm:SYMBOL in every variable, the qualifier lower-case and the symbol upper-case", () => {
    const config = notebookConfig({
      PAIRBOOK_SYMBOLS: "BTCUSDT, USDM:btcusdt,usdm:ETHUSDT,usdm:BTCUSDT",
      PAIRBOOK_PAIRS: "BTCUSDT/usdm:BTCUSDT,usdm:ethusdt/Usdm:BTCUSDT",
      PAIRBOOK_PAIR: " btcusdt / usdm:btcusdt ",
    });
    expect(config.symbols).toEqual(["BTCUSDT", "usdm:BTCUSDT", "usdm:ETHUSDT"]);
    expect(config.pairs).toEqual([
      ["BTCUSDT", "usdm:BTCUSDT"],
      ["usdm:ETHUSDT", "usdm:BTCUSDT"],
    ]);
    expect(config.featured).toEqual(["BTCUSDT", "usdm:BTCUSDT"]);
  });

  it.each([
    [
      {PAIRBOOK_SYMBOLS: "coinm:BTCUSD"},
      'invalid PAIRBOOK_SYMBOLS: "COINM:BTCUSD" is not a symbol (expected e.g. BTCUSDT or usdm:BTCUSDT)',
    ],
    [{PAIRBOOK_SYMBOLS: "usdm_BTCUSDT"}, 'invalid PAIRBOOK_SYMBOLS: "USDM_BTCUSDT" is not a symbol'],
    [{PAIRBOOK_PAIR: "usdm:BTCUSDT/USDM:btcusdt"}, 'invalid PAIRBOOK_PAIR "usdm:BTCUSDT/USDM:btcusdt"'],
    [{PAIRBOOK_PAIRS: "BTCUSDT/usdm:"}, 'invalid pair in PAIRBOOK_PAIRS "BTCUSDT/usdm:"'],
  ] as const)("refuses the perpetual-naming mistake %o", (env, message) => {
    expect(() => notebookConfig(env)).toThrow(message);
  });

  it.each([
    [{PAIRBOOK_PAIR: "BTCUSDT"}, 'invalid PAIRBOOK_PAIR "BTCUSDT" (expected two symbols such as BTCUSDT/ETHUSDT or BTCUSDT/usdm:BTCUSDT)'],
    [{PAIRBOOK_PAIR: "BTCUSDT/BTCUSDT"}, 'invalid PAIRBOOK_PAIR "BTCUSDT/BTCUSDT"'],
    [{PAIRBOOK_SYMBOLS: "BTCUSDT,BTC-USD"}, 'invalid PAIRBOOK_SYMBOLS: "BTC-USD" is not a symbol'],
    [{PAIRBOOK_PAIRS: "BTCUSDT/ETHUSDT,X/Y/Z"}, 'invalid pair in PAIRBOOK_PAIRS "X/Y/Z"'],
    [{PAIRBOOK_INTERVAL: "2s"}, /2s/],
    [{PAIRBOOK_LOOKBACK_HOURS: "0"}, 'invalid PAIRBOOK_LOOKBACK_HOURS "0" (expected a positive number)'],
    [{PAIRBOOK_LOOKBACK_HOURS: "soon"}, 'invalid PAIRBOOK_LOOKBACK_HOURS "soon"'],
  ] as const)("refuses %o with a message naming it", (env, message) => {
    expect(() => notebookConfig(env)).toThrow(message);
  });
});

describe("coverage(config)", () => {
  it("covers every symbol in the lake and every pair of them, the featured pair first", async () => {
    expect(await coverage(notebookConfig({PAIRBOOK_LAKE: lake}))).toEqual({
      symbols: ["BTCUSDT", "ETHUSDT"],
      pairs: [["BTCUSDT", "ETHUSDT"]],
    });
    // The featured pair comes first, in its own order.
    expect(await coverage(notebookConfig({PAIRBOOK_LAKE: lake, PAIRBOOK_PAIR: "ETHUSDT/BTCUSDT"}))).toEqual({
      symbols: ["BTCUSDT", "ETHUSDT"],
      pairs: [["ETHUSDT", "BTCUSDT"]],
    });
  });

  it("configured symbols and pairs win; a pair's symbols are added to the symbols", async () => {
    const config = notebookConfig({PAIRBOOK_LAKE: lake, PAIRBOOK_SYMBOLS: "SOLUSDT,BTCUSDT,ETHUSDT", PAIRBOOK_PAIR: "BTCUSDT/ETHUSDT"});
    expect(await coverage(config)).toEqual({
      symbols: ["SOLUSDT", "BTCUSDT", "ETHUSDT"],
      pairs: [
        ["BTCUSDT", "ETHUSDT"],
        ["SOLUSDT", "BTCUSDT"],
        ["SOLUSDT", "ETHUSDT"],
      ],
    });
    expect(await coverage(notebookConfig({PAIRBOOK_LAKE: lake, PAIRBOOK_SYMBOLS: "BTCUSDT", PAIRBOOK_PAIRS: "XRPUSDT/BTCUSDT"}))).toEqual({
      symbols: ["BTCUSDT", "XRPUSDT"],
      pairs: [["XRPUSDT", "BTCUSDT"]],
    });
  });

  it("a basis pair (spot and perpetual of one coin) is covered like any other pair", async () => {
    const config = notebookConfig({
      PAIRBOOK_LAKE: lake,
      PAIRBOOK_SYMBOLS: "BTCUSDT,usdm:BTCUSDT,ETHUSDT",
      PAIRBOOK_PAIR: "BTCUSDT/usdm:BTCUSDT",
    });
    expect(await coverage(config)).toEqual({
      symbols: ["BTCUSDT", "usdm:BTCUSDT", "ETHUSDT"],
      pairs: [
        ["BTCUSDT", "usdm:BTCUSDT"],
        ["BTCUSDT", "ETHUSDT"],
        ["usdm:BTCUSDT", "ETHUSDT"],
      ],
    });
  });

  it("an empty lake covers the featured pair (its bars will arrive live)", async () => {
    expect(await coverage(notebookConfig({PAIRBOOK_LAKE: `${lake}-missing`, PAIRBOOK_PAIR: "SOLUSDT/BNBUSDT"}))).toEqual({
      symbols: ["SOLUSDT", "BNBUSDT"],
      pairs: [["SOLUSDT", "BNBUSDT"]],
    });
  });
});

describe("pairSlug and parsePairSlug", () => {
  it("pairSlug(['BTCUSDT', 'ETHUSDT']) is BTCUSDT-ETHUSDT and parsePairSlug reads it back; a bad name throws", () => {
    expect(pairSlug(["BTCUSDT", "ETHUSDT"])).toBe("BTCUSDT-ETHUSDT");
    expect(parsePairSlug("BTCUSDT-ETHUSDT")).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(() => parsePairSlug("BTCUSDT")).toThrow('invalid pair page name "BTCUSDT"');
  });

  it("a perpetual leg is written usdm_SYMBOL in the name (no ':' in a URL path or file name); spot names are unchanged", () => {
    expect(pairSlug(["BTCUSDT", "usdm:BTCUSDT"])).toBe("BTCUSDT-usdm_BTCUSDT");
    expect(pairSlug(["usdm:ETHUSDT", "usdm:BTCUSDT"])).toBe("usdm_ETHUSDT-usdm_BTCUSDT");
    expect(parsePairSlug("BTCUSDT-usdm_BTCUSDT")).toEqual(["BTCUSDT", "usdm:BTCUSDT"]);
    expect(parsePairSlug("usdm_ETHUSDT-SOLUSDT")).toEqual(["usdm:ETHUSDT", "SOLUSDT"]);
    for (const bad of [
      "BTCUSDT-usdm:BTCUSDT",
      "usdm_BTCUSDT-usdm_BTCUSDT",
      "BTCUSDT-ETHUSDT-SOLUSDT",
      "btcusdt-ethusdt",
      "BTCUSDT-USDM_BTCUSDT",
    ])
      expect(() => parsePairSlug(bad), bad).toThrow(`invalid pair page name ${JSON.stringify(bad)}`);
  });
});
