// The notebook module's pure part (src/notebook/views.ts) on bars files built in memory: expected rows
// worked out by hand from the alignment rules (gap buckets out, closes carried over empty buckets).
import {describe, expect, it} from "vitest";
import type {BarColumns} from "../../src/lib/bars.js";
import {type BarsFile, decodeBarsFile, encodeBarsFile} from "../../src/protocol/barsFile.js";
import {basketOf, featuredOf, intervalChoices, pairOf, symbolBars, viewInterval} from "../../src/notebook/views.js";

const t0 = Date.UTC(2026, 0, 1);

/** One leg on a grid starting at t0: NaN close = an empty bucket. */
function leg(closes: number[], interval: number): BarColumns {
  const f = (v: (c: number) => number) => Float64Array.from(closes, v);
  return {
    interval,
    start: Float64Array.from(closes, (_, i) => t0 + i * interval),
    ...{open: f((c) => c), high: f((c) => c), low: f((c) => c), close: f((c) => c)},
    ...{volume: f((c) => (Number.isNaN(c) ? 0 : 1)), quoteVolume: f((c) => (Number.isNaN(c) ? 0 : c))},
    ...{count: f((c) => (Number.isNaN(c) ? 0 : 1)), vwap: f((c) => c), takerBuyVolume: f(() => 0)},
  };
}

/** A decoded bars file of `legs` (symbol → closes, gap flags) at `interval` ms. */
function file(legs: Record<string, {closes: number[]; gap?: number[]}>, interval = 1000, name = "1s"): BarsFile {
  const entries = Object.entries(legs);
  const n = entries[0][1].closes.length;
  const bytes = encodeBarsFile(
    {
      interval,
      from: t0,
      to: t0 + n * interval,
      gaps: [],
      legs: entries.map(([symbol, {closes, gap}]) => ({
        symbol,
        bars: leg(closes, interval),
        gap: Uint8Array.from(gap ?? closes.map(() => 0)),
        trades: n,
      })),
    },
    {interval: name, builtAt: t0, liveUrl: ""},
  );
  return decodeBarsFile(bytes.slice().buffer);
}

describe("viewInterval and intervalChoices", () => {
  it("accept the file's interval and its coarser multiples, and name them when refusing one", () => {
    const minute = file({A: {closes: [1, 2]}}, 60_000, "1m");
    expect(intervalChoices(minute)).toEqual(["1m", "5m", "15m", "1h"]);
    expect(viewInterval(minute)).toBe(60_000);
    expect(viewInterval(minute, "15m")).toBe(900_000);
    expect(() => viewInterval(minute, "1s")).toThrow(new RangeError('invalid interval: "1s" (expected one of 1m, 5m, 15m, 1h)'));
    expect(() => viewInterval(minute, "2m")).toThrow(RangeError);
  });
});

describe("symbolBars(file, symbol, {interval, lookbackMs})", () => {
  it("rebuckets to a coarser interval: a minute's close is its last second's", () => {
    const closes = Array.from({length: 120}, (_, i) => 100 + i);
    const {bars, gap} = symbolBars(file({A: {closes}}), "A", {interval: "1m"});
    expect([...bars.start]).toEqual([t0, t0 + 60_000]);
    expect([...bars.close]).toEqual([159, 219]);
    expect([...bars.open]).toEqual([100, 160]);
    expect([...gap]).toEqual([0, 0]);
  });

  it("keeps the last lookbackMs, and names the symbols when asked for an unknown one", () => {
    const f = file({A: {closes: [1, 2, 3, 4]}, B: {closes: [5, 6, 7, 8]}});
    expect([...symbolBars(f, "B", {lookbackMs: 2000}).bars.close]).toEqual([7, 8]);
    expect(() => symbolBars(f, "C")).toThrow(new RangeError('unknown symbol: "C" (this build has A, B)'));
  });
});

describe("pairOf and basketOf", () => {
  // B has an empty bucket at 1 (its close carries) and a gap at 4; C has not traded before bucket 1.
  const f = file({
    A: {closes: [1, 2, 3, 4, 5, 6]},
    B: {closes: [10, NaN, 30, 40, 50, 60], gap: [0, 0, 0, 0, 1, 0]},
    C: {closes: [NaN, 200, 300, 400, 500, 600]},
  });

  it("pairOf(file, A, B) carries B over its empty bucket and leaves its gap bucket out", () => {
    const p = pairOf(f, "A", "B");
    expect([...p.time].map((t) => (t - t0) / 1000)).toEqual([0, 1, 2, 3, 5]);
    expect([...p.a]).toEqual([1, 2, 3, 4, 6]);
    expect([...p.b]).toEqual([10, 10, 30, 40, 60]);
  });

  it("basketOf(file, [A, B, C]) keeps the buckets every leg has: 1, 2, 3 and 5", () => {
    const bk = basketOf(f, ["A", "B", "C"]);
    expect(bk.symbols).toEqual(["A", "B", "C"]);
    expect(bk.intervalMs).toBe(1000);
    expect([...bk.time].map((t) => (t - t0) / 1000)).toEqual([1, 2, 3, 5]);
    expect(bk.closes.map((c) => [...c])).toEqual([
      [2, 3, 4, 6],
      [10, 30, 40, 60],
      [200, 300, 400, 600],
    ]);
  });

  it("basketOf orders the closes as the symbols are given", () => {
    const bk = basketOf(f, ["C", "A"]);
    expect(bk.closes.map((c) => [...c])).toEqual([
      [200, 300, 400, 500, 600],
      [2, 3, 4, 5, 6],
    ]);
  });

  it("basketOf refuses fewer than two symbols, a repeated one and an unknown one", () => {
    expect(() => basketOf(f, ["A"])).toThrow(RangeError);
    expect(() => basketOf(f, ["A", "B", "A"])).toThrow(RangeError);
    expect(() => basketOf(f, ["A", "X"])).toThrow(/unknown symbol: "X"/);
  });
});

describe("featuredOf(file, pairs)", () => {
  const f = file({A: {closes: [1]}, B: {closes: [2]}, C: {closes: [3]}});

  it("takes the overview's first pair whose legs the file holds", () => {
    expect(
      featuredOf(f, [
        {a: "X", b: "A"},
        {a: "C", b: "B"},
        {a: "A", b: "B"},
      ]),
    ).toEqual(["C", "B"]);
  });

  it("falls back to the first two symbols, and is null with fewer than two", () => {
    expect(featuredOf(f, [])).toEqual(["A", "B"]);
    expect(featuredOf(file({A: {closes: [1]}}), [])).toBeNull();
  });
});
