// candleColumns against a hand computation: eight 1 s bars on an axis of 0.5 pixels per second, so
// columns of two bars: [0, 1], [2, 3], [4, 5], [6, 7].
import {describe, expect, it} from "vitest";
import {candleColumns} from "../../src/components/candleColumns.js";

const x = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000];
const N = NaN;
const candles = {
  open: Float64Array.from([10, 12, N, 20, N, N, 30, 31]),
  high: Float64Array.from([13, 15, N, 22, N, N, 33, 35]),
  low: Float64Array.from([9, 11, N, 18, N, N, 29, 28]),
  close: Float64Array.from([12, 14, N, 21, N, N, 31, 34]),
  volume: Float64Array.from([1, 2, 0, 4, 0, 0, 8, 16]),
  takerBuyVolume: Float64Array.from([1, 0.5, 0, 3, 0, 0, 2, 10]),
};

describe("candleColumns(x, candles, x0, perMs)", () => {
  it("folds each pixel column's bars: first open, max high, min low, last close, summed volumes; no candle for an empty column", () => {
    const c = candleColumns(x, candles, 0, 0.5 / 1000);
    expect(c.length).toBe(3);
    const take = (a: Float64Array) => Array.from(a.subarray(0, c.length));
    // Column 0: bars 0 and 1. Column 1: bar 3 only (bar 2 has no trades). Column 2: none. Column 3: bars 6, 7.
    expect(take(c.x)).toEqual([0, 3000, 6000]);
    expect(take(c.open)).toEqual([10, 20, 30]);
    expect(take(c.high)).toEqual([15, 22, 35]);
    expect(take(c.low)).toEqual([9, 18, 28]);
    expect(take(c.close)).toEqual([14, 21, 34]);
    expect(take(c.volume)).toEqual([3, 4, 24]);
    expect(take(c.takerBuyVolume)).toEqual([1.5, 3, 12]);
  });

  it("one bar per column when a bar is wider than a pixel; rows from `from` on only", () => {
    const c = candleColumns(x, candles, 0, 2 / 1000, 6);
    expect(c.length).toBe(2);
    expect([c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]]).toEqual([30, 33, 29, 31, 8]);
    expect([c.open[1], c.high[1], c.low[1], c.close[1], c.volume[1]]).toEqual([31, 35, 28, 34, 16]);
  });

  it("a column boundary follows x0: shifted by one bar, bars 1 and 2 share a column", () => {
    const c = candleColumns(x, candles, 1000, 0.5 / 1000);
    // floor((t − 1000)·0.0005): bar 0 → −1, bars 1-2 → 0, 3-4 → 1, 5-6 → 2, 7 → 3.
    expect(Array.from(c.open.subarray(0, c.length))).toEqual([10, 12, 20, 30, 31]);
    expect(Array.from(c.high.subarray(0, c.length))).toEqual([13, 15, 22, 33, 35]);
  });
});
