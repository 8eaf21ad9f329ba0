import {describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {walkForward} from "../../src/lib/walkForward.js";

/** A deterministic wiggle (no Math.random: frozen inputs). */
const wiggle = (t: number) => Math.sin(t * 1.7) + 0.5 * Math.cos(t * 0.31);

describe("walkForward(a, b, {train, test}) on exact linear pieces", () => {
  // b wiggles; a = α_k + β_k·b exactly on bars [10k, 10k + 10): each train window is one piece, so
  // OLS recovers (α_k, β_k) of the piece it trains on, and segment k (trained on piece k) tests on piece k + 1.
  const pieces = [
    {alpha: 5, beta: 2},
    {alpha: -3, beta: 3},
    {alpha: 10, beta: 0.5},
    {alpha: 0, beta: 1.25},
  ];
  const n = 40;
  const b = Float64Array.from({length: n}, (_, t) => 100 + t + 3 * wiggle(t));
  const a = Float64Array.from(b, (v, t) => pieces[Math.floor(t / 10)].alpha + pieces[Math.floor(t / 10)].beta * v);
  const wf = walkForward(a, b, {train: 10, test: 10, window: 5, entry: 1, exit: 0, lag: 1});

  it("fits each segment's hedge on its train window: β and α of the piece by hand", () => {
    expect(wf.segments.map((s) => [s.trainFrom, s.testFrom, s.testTo])).toEqual([
      [0, 10, 20],
      [10, 20, 30],
      [20, 30, 40],
    ]);
    wf.segments.forEach((s, k) => {
      expect(s.beta).toBeCloseTo(pieces[k].beta, 9);
      expect(s.alpha).toBeCloseTo(pieces[k].alpha, 7);
    });
  });

  it("stitches the test windows: bars 10…39, equity the running sum of each segment's own backtest", () => {
    expect(Array.from(wf.bars)).toEqual(Array.from({length: 30}, (_, i) => 10 + i));
    let cum = 0,
      trades = 0;
    for (const [k, s] of wf.segments.entries()) {
      // The segment by hand: the known piece's hedge, z over train + test, the rule on the test bars.
      const h = pieces[k];
      const lo = s.trainFrom,
        hi = s.testTo;
      const spread = Float64Array.from({length: hi - lo}, (_, i) => a[lo + i] - h.beta * b[lo + i] - h.alpha);
      const z = rollingZScore(spread, 5).subarray(10);
      const bt = backtest(a.subarray(s.testFrom, hi), b.subarray(s.testFrom, hi), z, {beta: h.beta, entry: 1, exit: 0, lag: 1});
      expect(s.totalPnl).toBeCloseTo(bt.totalPnl, 6);
      expect(s.trades).toBe(bt.trades);
      for (let i = 0; i < bt.pnl.length; ++i) cum += bt.pnl[i];
      expect(wf.equity[s.testTo - 10 - 1]).toBeCloseTo(cum, 6);
      trades += bt.trades;
    }
    expect(wf.tradeList.length).toBe(trades);
    expect(trades).toBeGreaterThan(0); // the pieces' breaks move the spread, so the rule trades
    expect(Math.max(...wf.drawdown)).toBeLessThanOrEqual(0);
    expect(wf.stats?.bestTrade).toBe(Math.max(...wf.tradeList.map((t) => t.pnl)));
  });

  it("a shorter last test window, and step > test skips bars", () => {
    const short = walkForward(a.subarray(0, 35), b.subarray(0, 35), {train: 10, test: 10, window: 5});
    expect(short.segments.map((s) => [s.testFrom, s.testTo])).toEqual([
      [10, 20],
      [20, 30],
      [30, 35],
    ]);
    const sparse = walkForward(a, b, {train: 10, test: 5, step: 15, window: 5});
    expect(sparse.segments.map((s) => [s.trainFrom, s.testFrom, s.testTo])).toEqual([
      [0, 10, 15],
      [15, 25, 30],
    ]);
    expect(sparse.bars.length).toBe(10);
  });
});

describe("walkForward has no look-ahead", () => {
  const n = 300;
  const b = Float64Array.from({length: n}, (_, t) => 50 + 0.05 * t + wiggle(t));
  const a = Float64Array.from(b, (v, t) => 1.5 * v + 2 + 0.3 * wiggle(3 * t + 1));
  const options = {train: 60, test: 30, window: 20, entry: 1.5, exit: 0, lag: 1, feeBps: 1, barMs: 60_000};
  const base = walkForward(a, b, options);

  it("changing bars after a segment's train window leaves its β (and every earlier one) unchanged", () => {
    const k = 3,
      cut = base.segments[k].testFrom;
    const a2 = Float64Array.from(a, (v, t) => (t >= cut ? v * 1.1 + 5 * wiggle(7 * t) : v));
    const b2 = Float64Array.from(b, (v, t) => (t >= cut ? v * 0.9 - 3 : v));
    const moved = walkForward(a2, b2, options);
    for (let j = 0; j <= k; ++j) expect(moved.segments[j].beta, `segment ${j}`).toBe(base.segments[j].beta);
    expect(moved.segments[k + 1].beta).not.toBe(base.segments[k + 1].beta); // the test can fail
  });

  it("changing bars after a segment's test window leaves its PnL and trades unchanged", () => {
    const k = 2,
      cut = base.segments[k].testTo;
    const a2 = Float64Array.from(a, (v, t) => (t >= cut ? v + 10 * wiggle(5 * t) : v));
    const moved = walkForward(a2, b, options);
    for (let j = 0; j <= k; ++j) {
      expect(moved.segments[j].totalPnl).toBe(base.segments[j].totalPnl);
      expect(moved.segments[j].trades).toBe(base.segments[j].trades);
    }
  });
});

describe("walkForward rejects bad options", () => {
  const x = Float64Array.from({length: 50}, (_, i) => i + wiggle(i));
  it.each([
    [{train: 2, test: 5, window: 5}, /invalid train/],
    [{train: 10, test: 0, window: 5}, /invalid test/],
    [{train: 10, test: 5, step: 3, window: 5}, /invalid step/],
  ])("%o", (o, message) => expect(() => walkForward(x, x, o)).toThrow(message));
  it("a and b of different lengths", () =>
    expect(() => walkForward(x, x.subarray(1), {train: 10, test: 5, window: 5})).toThrow(RangeError));
  it("no segment when the data is no longer than the train window", () => {
    const r = walkForward(x.subarray(0, 10), x.subarray(0, 10), {train: 10, test: 5, window: 5});
    expect(r.segments).toEqual([]);
    expect(r.stats).toBeNull();
  });
});
