import {describe, expect, it} from "vitest";
import {addTrade, barOf, intervalMs, resample, type Trade} from "../../src/lib/bars.js";

const t0 = Date.UTC(2026, 0, 1);
// Two buckets of 1 s; ids 3 and 4 share a millisecond, out of order in the array.
const trades: Trade[] = [
  {id: 1, time: t0 + 100, price: 10, qty: 1, isBuyerMaker: false},
  {id: 2, time: t0 + 900, price: 12, qty: 2, isBuyerMaker: true},
  {id: 4, time: t0 + 950, price: 11, qty: 1, isBuyerMaker: false},
  {id: 3, time: t0 + 950, price: 13, qty: 1, isBuyerMaker: true},
  {id: 5, time: t0 + 3_200, price: 9, qty: 4, isBuyerMaker: false},
];
const columns = {
  id: trades.map((t) => t.id),
  time: trades.map((t) => t.time),
  price: trades.map((t) => t.price),
  qty: trades.map((t) => t.qty),
  isBuyerMaker: trades.map((t) => t.isBuyerMaker),
};

describe("resample", () => {
  it("resample(trades, 1000) gives OHLC by (time, id), volumes, VWAP and keeps empty buckets", () => {
    const bars = resample(columns, 1000);
    expect([...bars.start]).toEqual([t0, t0 + 1000, t0 + 2000, t0 + 3000]);
    expect([...bars.open]).toEqual([10, NaN, NaN, 9]);
    expect([...bars.close]).toEqual([11, NaN, NaN, 9]); // id 4 is last at t0+950
    expect([...bars.high]).toEqual([13, NaN, NaN, 9]);
    expect([...bars.low]).toEqual([10, NaN, NaN, 9]);
    expect([...bars.count]).toEqual([4, 0, 0, 1]);
    expect([...bars.volume]).toEqual([5, 0, 0, 4]);
    expect(bars.quoteVolume[0]).toBe(10 + 24 + 11 + 13);
    expect(bars.vwap[0]).toBeCloseTo(58 / 5, 12);
    expect([...bars.takerBuyVolume]).toEqual([2, 0, 0, 4]);
  });

  it("resample(trades, 1000, {from, to}) covers exactly [from, to) and ignores trades outside", () => {
    const bars = resample(columns, 1000, {from: t0 + 1000, to: t0 + 4000});
    expect([...bars.start]).toEqual([t0 + 1000, t0 + 2000, t0 + 3000]);
    expect([...bars.count]).toEqual([0, 0, 1]);
  });

  it("rejects columns of different lengths and a bad interval", () => {
    expect(() => resample({...columns, price: [1]}, 1000)).toThrow(RangeError);
    expect(() => resample(columns, 0)).toThrow(RangeError);
    expect(() => intervalMs("2s")).toThrow(/invalid interval: "2s"/);
  });

  it("addTrade in any order builds the same bar as resample", () => {
    const first = trades.slice(0, 4);
    for (const order of [first, [...first].reverse(), [first[2], first[0], first[3], first[1]]]) {
      const bar = barOf(order[0], 1000);
      for (const t of order.slice(1)) addTrade(bar, t);
      const bars = resample(columns, 1000);
      expect({
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
        count: bar.count,
        takerBuyVolume: bar.takerBuyVolume,
      }).toEqual({
        open: bars.open[0],
        high: bars.high[0],
        low: bars.low[0],
        close: bars.close[0],
        volume: bars.volume[0],
        count: bars.count[0],
        takerBuyVolume: bars.takerBuyVolume[0],
      });
      expect(bar.vwap).toBeCloseTo(bars.vwap[0], 12);
    }
  });
});
