import {describe, expect, it} from "vitest";
import {takerImbalance, vwap} from "../../src/lib/barFlow.js";

// Three bars: 2 @ 100 (1 bought by takers), an empty bucket, 3 @ 110 (all 3 bought by takers).
const bars = {volume: [2, 0, 3], quoteVolume: [200, 0, 330], takerBuyVolume: [1, 0, 3]};

describe("bar flow", () => {
  it("vwap(bars) accumulates quote over base volume from the first bar", () => {
    expect([...vwap(bars)]).toEqual([100, 100, 530 / 5]);
  });

  it("vwap(bars, 1) is each bar's own VWAP, NaN for an empty bar", () => {
    expect([...vwap(bars, 1)]).toEqual([100, NaN, 110]);
  });

  it("takerImbalance(bars) is (buy − sell) / volume per bar, and over a window", () => {
    expect([...takerImbalance(bars)]).toEqual([0, NaN, 1]);
    expect([...takerImbalance(bars, 3)]).toEqual([0, 0, (1 - 1 + 3) / 5]);
  });

  it("vwap(bars, 0) throws a RangeError", () => {
    expect(() => vwap(bars, 0)).toThrow(RangeError);
  });
});
