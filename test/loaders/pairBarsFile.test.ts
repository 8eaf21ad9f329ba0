// pairBarsFile on the small real lake (test/loaders/smallLake.ts): what the pair report's candles,
// volume and taker panels read, decoded back. Expected values by hand from the lake's seven trades.
import {rm} from "node:fs/promises";
import {tableFromIPC} from "apache-arrow";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {pairBarsFile} from "../../loaders/pairBarsFile.js";
import {type BarsMeta, decodeBarsFile, encodeBarsFile} from "../../src/protocol/barsFile.js";
import {smallLake, t0} from "./smallLake.js";

let lake: string;
beforeAll(async () => (lake = await smallLake()), 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

const opts = {interval: "1s", builtAt: 0, liveUrl: "ws://127.0.0.1:8787"};

describe("pairBarsFile(loadLakeBars(...))", () => {
  it("keeps per leg open, high, low, close, volume, taker buy volume, count and gap; no quote volume; time as a grid", async () => {
    const bytes = pairBarsFile(await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: 86400e3}), opts);
    const table = tableFromIPC(bytes);
    const leg = (s: string) => ["open", "high", "low", "close", "volume", "takerBuyVolume", "count", "gap"].map((f) => `${s}.${f}`);
    expect(table.schema.fields.map((f) => f.name)).toEqual([...leg("BTCUSDT"), ...leg("ETHUSDT")]);
    // The trades' prices are whole numbers, their volumes too: every Float64 column goes as Int32.
    const meta = JSON.parse(table.schema.metadata.get("pairbook")!) as BarsMeta;
    expect(meta.packed?.time).toEqual({start: t0, step: 1000});
    expect(meta.packed?.decimals?.["BTCUSDT.close"]).toBe(0);
    expect(String(table.schema.fields.find((f) => f.name === "ETHUSDT.open")!.type)).toBe("Int32");
  });

  it("decodes to exactly what the unpacked bars file decodes to", async () => {
    const content = await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: 86400e3});
    const packed = decodeBarsFile(pairBarsFile(content, opts).slice().buffer);
    const whole = decodeBarsFile(encodeBarsFile(content, opts).slice().buffer);
    expect(packed.time).toEqual(whole.time);
    for (const s of ["BTCUSDT", "ETHUSDT"])
      for (const f of ["open", "high", "low", "close", "volume", "takerBuyVolume", "count"] as const)
        expect(packed.symbols.get(s)!.bars[f], `${s}.${f}`).toEqual(whole.symbols.get(s)!.bars[f]);
  });

  it("decodes to the legs' OHLC, volume and taker buy volume (by hand from the trades)", async () => {
    const bytes = pairBarsFile(await loadLakeBars(lake, ["BTCUSDT", "ETHUSDT"], {interval: 1000, lookbackMs: 86400e3}), opts);
    const file = decodeBarsFile(bytes.slice().buffer);
    expect(Array.from(file.time)).toEqual([0, 1, 2, 3, 4].map((k) => t0 + 1000 * k));
    const btc = file.symbols.get("BTCUSDT")!.bars;
    // bucket 0: 100 × 1 (taker buy), 102 × 2 (buyer maker); 1: 101 × 1 (buy); 2: 105 × 3 (buy); 3: none; 4: 104 × 1 (sell)
    expect(Array.from(btc.open)).toEqual([100, 101, 105, NaN, 104]);
    expect(Array.from(btc.high)).toEqual([102, 101, 105, NaN, 104]);
    expect(Array.from(btc.low)).toEqual([100, 101, 105, NaN, 104]);
    expect(Array.from(btc.close)).toEqual([102, 101, 105, NaN, 104]);
    expect(Array.from(btc.volume)).toEqual([3, 1, 3, 0, 1]);
    expect(Array.from(btc.takerBuyVolume)).toEqual([1, 1, 3, 0, 0]);
    // ETHUSDT: 10 × 5 (taker buy) at +0.3 s, 11 × 1 (sell) at +3.1 s.
    const eth = file.symbols.get("ETHUSDT")!.bars;
    expect(Array.from(eth.open)).toEqual([10, NaN, NaN, 11, NaN]);
    expect(Array.from(eth.volume)).toEqual([5, 0, 0, 1, 0]);
    expect(Array.from(eth.takerBuyVolume)).toEqual([5, 0, 0, 0, 0]);
    // No quote volume in the file: VWAP unknown.
    expect(Array.from(btc.vwap).every(Number.isNaN)).toBe(true);
  });
});
