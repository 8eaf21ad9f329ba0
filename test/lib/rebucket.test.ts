// rebucket: coarse bars folded from fine bars, against resample of the same trades.
import {describe, expect, it} from "vitest";
import {resample} from "../../src/lib/bars.js";
import {rebucket} from "../../src/lib/rebucket.js";
import {seededTrades} from "./seededTrades.js";

describe("rebucket", () => {
  it("rebucket(resample(trades, 1s), 1m) equals resample(trades, 1m)", () => {
    const t = seededTrades(3, 3600);
    const from = Math.floor(t.time[0] / 60_000) * 60_000,
      to = from + 61 * 60_000;
    const fine = resample(t, 1000, {from, to}),
      coarse = resample(t, 60_000, {from, to});
    const {bars} = rebucket(fine, 60_000);
    expect(Array.from(bars.start)).toEqual(Array.from(coarse.start));
    for (const key of ["open", "high", "low", "close", "count"] as const) expect(Array.from(bars[key])).toEqual(Array.from(coarse[key]));
    for (const key of ["volume", "quoteVolume", "takerBuyVolume", "vwap"] as const) {
      bars[key].forEach((v, k) => (Number.isNaN(coarse[key][k]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(coarse[key][k], 9)));
    }
  });

  it("rebucket flags a coarse bucket when any of its bars is flagged, and rejects a finer interval", () => {
    const fine = resample(seededTrades(4, 300), 1000);
    const gap = new Uint8Array(fine.start.length);
    gap[70] = 1;
    const {gap: coarse, bars} = rebucket(fine, 60_000, gap);
    const k = Math.floor((fine.start[70] - bars.start[0]) / 60_000);
    expect(
      Array.from(coarse)
        .map((f, i) => (f ? i : -1))
        .filter((i) => i >= 0),
    ).toEqual([k]);
    expect(() => rebucket(fine, 1500)).toThrow(RangeError);
  });
});
