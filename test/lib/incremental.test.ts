// The incremental (bar-by-bar) forms of the rolling statistics, the backtest and the alignment against
// their batch functions: appending values one at a time, and replacing the last ones through
// save/restore, must give the batch results exactly (the same arithmetic in the same order).
import {describe, expect, it} from "vitest";
import {alignBars} from "../../src/lib/align.js";
import {backtest, backtestOptions, type BacktestOptions} from "../../src/lib/backtest.js";
import type {BarColumns} from "../../src/lib/bars.js";
import {rollingCorrelation} from "../../src/lib/correlation.js";
import {IncrementalAlign} from "../../src/lib/incrementalAlign.js";
import {IncrementalBacktest} from "../../src/lib/incrementalBacktest.js";
import {IncrementalCorrelation} from "../../src/lib/incrementalCorrelation.js";
import {IncrementalZScore} from "../../src/lib/incrementalZScore.js";
import {rollingMean, rollingStd, rollingZScore} from "../../src/lib/rolling.js";
import {spread} from "../../src/lib/spread.js";
import {generatePair, Xorshift128} from "./series.js";

/** Element by element with Object.is: the same doubles, NaN where NaN. */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i)
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} instead of ${expected[i]}`);
}

const prices = generatePair({kind: "prices", seed: 11, n: 3000});
const coint = generatePair({kind: "cointegrated", seed: 12, n: 3000});
/** Prices with NaN holes and a constant stretch (std 0). */
const holes = Float64Array.from(coint.a, (v, i) => (i % 397 === 5 || i === 1000 ? NaN : i >= 2000 && i < 2100 ? 42 : v));

describe("IncrementalZScore(window).push(x) equals rollingMean, rollingStd and rollingZScore", () => {
  const cases: [string, Float64Array, number][] = [
    ["prices, window 60", prices.a, 60],
    ["cointegrated, window 2", coint.a, 2],
    ["cointegrated, window 5", coint.a, 5],
    ["NaN holes and a constant stretch, window 30", holes, 30],
    ["window larger than the data", coint.a.subarray(0, 40), 100],
    ["a single value", coint.a.subarray(0, 1), 3],
    ["constant data", new Float64Array(200).fill(7), 20],
  ];
  it.each(cases)("appending one value at a time: %s", (_, x, window) => {
    const zs = new IncrementalZScore(window),
      n = x.length;
    const mean = new Float64Array(n),
      std = new Float64Array(n),
      z = new Float64Array(n);
    for (let i = 0; i < n; ++i) (zs.push(x), (mean[i] = zs.mean), (std[i] = zs.std), (z[i] = zs.z));
    expectSame(mean, rollingMean(x, window), "mean");
    expectSame(std, rollingStd(x, window), "std");
    expectSame(z, rollingZScore(x, window), "z");
  });

  it("replacing the last value (restore, push the new one) equals the batch on the final series", () => {
    const rng = new Xorshift128(5),
      x = Float64Array.from(prices.b),
      window = 50;
    const zs = new IncrementalZScore(window),
      z = new Float64Array(x.length);
    for (let i = 0; i < x.length; ++i) {
      const before = zs.save(),
        real = x[i];
      // Up to three provisional values of the bar before its final one, as a live feed sends them.
      for (let k = Math.floor(rng.uniform() * 4); k > 0; --k) ((x[i] = real + rng.normal()), zs.restore(before), zs.push(x));
      ((x[i] = real), zs.restore(before), zs.push(x), (z[i] = zs.z));
    }
    expectSame(z, rollingZScore(x, window), "z");
  });

  it("going back several values and pushing others equals the batch on the series as it ends", () => {
    const x = Float64Array.from(coint.b),
      window = 20,
      zs = new IncrementalZScore(window),
      saved = [];
    for (let i = 0; i < 500; ++i) (saved.push(zs.save()), zs.push(x));
    for (let i = 480; i < 500; ++i) x[i] += 3; // the last 20 bars revised
    zs.restore(saved[480]);
    for (let i = 480; i < 500; ++i) zs.push(x);
    expect(Object.is(zs.z, rollingZScore(x.subarray(0, 500), window)[499])).toBe(true);
  });

  it("rejects a window below 2 and a push past the series' end with a RangeError", () => {
    expect(() => new IncrementalZScore(1)).toThrow(RangeError);
    expect(() => new IncrementalZScore(2.5)).toThrow(RangeError);
    const zs = new IncrementalZScore(2);
    expect(() => zs.push([])).toThrow(RangeError);
  });
});

describe("IncrementalCorrelation(window).push(a, b) equals rollingCorrelation", () => {
  const ret = (x: Float64Array) => Float64Array.from(x, (v, i) => (i === 0 ? NaN : v / x[i - 1] - 1));
  const cases: [string, Float64Array, Float64Array, number][] = [
    ["returns of prices (NaN first), window 60", ret(prices.a), ret(prices.b), 60],
    ["cointegrated levels, window 2", coint.a, coint.b, 2],
    ["window 7 (refreshes every 7)", coint.a, coint.b, 7],
    ["NaN holes and a constant stretch, window 30", holes, coint.b, 30],
    ["window larger than the data", coint.a.subarray(0, 30), coint.b.subarray(0, 30), 31],
  ];
  it.each(cases)("appending one pair at a time: %s", (_, a, b, window) => {
    const rc = new IncrementalCorrelation(window),
      out = new Float64Array(a.length);
    for (let t = 0; t < a.length; ++t) (rc.push(a, b), (out[t] = rc.value));
    expectSame(out, rollingCorrelation(a, b, window), "correlation");
  });

  it("replacing the last pair equals the batch on the final series", () => {
    const rng = new Xorshift128(6),
      a = ret(prices.a),
      b = ret(prices.b),
      window = 25;
    const rc = new IncrementalCorrelation(window),
      out = new Float64Array(a.length);
    for (let t = 0; t < a.length; ++t) {
      const before = rc.save(),
        real = a[t];
      for (let k = Math.floor(rng.uniform() * 3); k > 0; --k) ((a[t] = real * rng.normal()), rc.restore(before), rc.push(a, b));
      ((a[t] = real), rc.restore(before), rc.push(a, b), (out[t] = rc.value));
    }
    expectSame(out, rollingCorrelation(a, b, window), "correlation");
  });
});

describe("IncrementalBacktest(options).push(a, b, z) equals backtest", () => {
  const {a, b} = coint,
    beta = 1.5;
  const z = rollingZScore(spread(a, b, {alpha: 10, beta}), 40);
  const zHoles = Float64Array.from(z, (v, i) => (i % 211 === 0 ? NaN : v));
  const betaSeries = Float64Array.from(a, (_, i) => 1.4 + 0.2 * Math.sin(i / 300));
  const cases: [string, Float64Array, BacktestOptions][] = [
    ["defaults", z, {beta}],
    ["entry 1.5, exit 0.2, stop 3, fees", z, {beta, entry: 1.5, exit: 0.2, stop: 3, feeBps: 2, slippageBps: 1}],
    ["lag 0", z, {beta, entry: 1, exit: -0.5, lag: 0}],
    ["lag 3 with NaN z", zHoles, {beta, entry: 1.2, lag: 3, feeBps: 1}],
    ["a β per bar, frozen at entry", z, {beta: betaSeries, entry: 1.5, exit: 0.5}],
  ];

  it.each(cases)("bar by bar, every series, the metrics and the trades: %s", (_, zs, options) => {
    const run = new IncrementalBacktest(backtestOptions(options)),
      n = a.length,
      batch = backtest(a, b, zs, options);
    const position = new Float64Array(n),
      pnl = new Float64Array(n),
      equity = new Float64Array(n),
      drawdown = new Float64Array(n);
    for (let t = 0; t < n; ++t)
      (run.push(a, b, zs), (position[t] = run.position), (pnl[t] = run.pnl), (equity[t] = run.equity), (drawdown[t] = run.drawdown));
    (expectSame(position, batch.position, "position"),
      expectSame(pnl, batch.pnl, "pnl"),
      expectSame(equity, batch.equity, "equity"),
      expectSame(drawdown, batch.drawdown, "drawdown"));
    const {position: _p, pnl: _q, equity: _e, drawdown: _d, tradeList, ...metrics} = batch;
    expect(batch.trades).toBeGreaterThan(5);
    expect(run.metrics()).toEqual(metrics);
    expect(run.tradeList()).toEqual(tradeList);
  });

  it("after any number of bars, its metrics and trades are those of backtest on the bars so far (an open trade included)", () => {
    const options = {beta, entry: 1.5, exit: 0.3, feeBps: 1, lag: 2},
      run = new IncrementalBacktest(backtestOptions(options));
    let opens = 0;
    for (let t = 0; t < 1500; ++t) {
      run.push(a, b, z);
      if (t % 37 !== 0 && t !== 1499) continue;
      const m = t + 1,
        batch = backtest(a.subarray(0, m), b.subarray(0, m), z.subarray(0, m), options);
      const {position: _p, pnl: _q, equity: _e, drawdown: _d, tradeList, ...metrics} = batch;
      expect(run.metrics(), `after ${m} bars`).toEqual(metrics);
      expect(run.tradeList(), `after ${m} bars`).toEqual(tradeList);
      if (run.openTrade()) ++opens;
    }
    expect(opens).toBeGreaterThan(3); // some checks fell inside a trade
  });

  it("replacing the last bar, and going back several bars, equals the batch on the series as it ends", () => {
    const rng = new Xorshift128(7),
      options = {beta, entry: 1.2, exit: 0, stop: 2.8, lag: 1, feeBps: 3};
    const za = Float64Array.from(z),
      aa = Float64Array.from(a),
      run = new IncrementalBacktest(backtestOptions(options));
    const saved = [];
    for (let t = 0; t < aa.length; ++t) {
      saved.push(run.save());
      const realZ = za[t],
        realA = aa[t];
      for (let k = Math.floor(rng.uniform() * 3); k > 0; --k)
        ((za[t] = 3 * rng.normal()), (aa[t] = realA + rng.normal()), run.restore(saved[t]), run.push(aa, b, za));
      ((za[t] = realZ), (aa[t] = realA), run.restore(saved[t]), run.push(aa, b, za));
      if (t === 2000) {
        // Five bars back: push provisional bars, return, push the real ones.
        run.restore(saved[1996]);
        for (let s = 1996; s <= t; ++s) ((za[s] = -za[s]), run.push(aa, b, za), (za[s] = -za[s]));
        run.restore(saved[1996]);
        for (let s = 1996; s <= t; ++s) run.push(aa, b, za);
      }
    }
    const batch = backtest(aa, b, za, options);
    expect(run.equity).toBe(batch.totalPnl);
    expect(run.tradeList()).toEqual(batch.tradeList);
    expect(run.metrics().sharpe).toBe(batch.sharpe);
  });
});

/** Random bars on a 1 s grid from `first`: NaN closes (empty buckets) and gap flags here and there. */
function randomLeg(seed: number, first: number, n: number): {bars: BarColumns; gap: Uint8Array} {
  const rng = new Xorshift128(seed),
    start = new Float64Array(n),
    close = new Float64Array(n),
    gap = new Uint8Array(n);
  let p = 100;
  for (let i = 0; i < n; ++i) {
    start[i] = first + i * 1000;
    p += rng.normal();
    const u = rng.uniform();
    close[i] = u < 0.15 ? NaN : p;
    gap[i] = u > 0.97 || (i >= 200 && i < 230) ? 1 : 0;
  }
  const nan = new Float64Array(n).fill(NaN),
    zero = new Float64Array(n);
  return {
    bars: {
      interval: 1000,
      start,
      open: close,
      high: close,
      low: close,
      close,
      volume: zero,
      quoteVolume: zero,
      count: Float64Array.from(close, (c) => (Number.isNaN(c) ? 0 : 1)),
      vwap: nan,
      takerBuyVolume: zero,
    },
    gap,
  };
}

describe("IncrementalAlign(interval).push(bucket by bucket) equals alignBars", () => {
  it.each([
    ["the same grid", 0],
    ["leg b starting 37 buckets later (a carries a close in)", 37],
  ] as const)("rows, left-out count and gap runs, on %s", (_, offset) => {
    const t0 = 1_700_000_000_000,
      A = randomLeg(1, t0, 600),
      B = randomLeg(2, t0 + offset * 1000, 600 - offset);
    const batch = alignBars(A.bars, B.bars, {gapA: A.gap, gapB: B.gap});
    // The close carried into the first common bucket: a's last one before it, unless a gap came after.
    let carry = NaN;
    for (let i = 0; i < offset; ++i) carry = A.gap[i] ? NaN : Number.isNaN(A.bars.close[i]) ? carry : A.bars.close[i];
    const al = new IncrementalAlign(1000, {a: carry, b: NaN}),
      time: number[] = [],
      ca: number[] = [],
      cb: number[] = [];
    for (let k = offset; k < 600; ++k) {
      if (al.push(t0 + k * 1000, A.bars.close[k], A.gap[k], B.bars.close[k - offset], B.gap[k - offset]))
        (time.push(t0 + k * 1000), ca.push(al.a), cb.push(al.b));
    }
    (expectSame(time, batch.time, "time"), expectSame(ca, batch.a, "a"), expectSame(cb, batch.b, "b"));
    expect(al.excluded).toBe(batch.excluded);
    expect(al.gaps).toEqual(batch.gaps);
    expect(al.rows).toBe(batch.time.length);
  });

  it("returning to an earlier bucket and pushing again gives the same rows and gap runs", () => {
    const t0 = 1_700_000_000_000,
      A = randomLeg(3, t0, 400),
      B = randomLeg(4, t0, 400);
    const batch = alignBars(A.bars, B.bars, {gapA: A.gap, gapB: B.gap});
    const al = new IncrementalAlign(1000),
      saved = [];
    for (let k = 0; k < 400; ++k) (saved.push(al.save()), al.push(t0 + k * 1000, A.bars.close[k], A.gap[k], B.bars.close[k], B.gap[k]));
    // Back into the gap run at 200…229 and out again: the run must shrink and regrow.
    al.restore(saved[215]);
    expect(al.gaps[al.gaps.length - 1]).toEqual({from: t0 + 200_000, to: t0 + 215_000});
    for (let k = 215; k < 400; ++k) al.push(t0 + k * 1000, A.bars.close[k], A.gap[k], B.bars.close[k], B.gap[k]);
    expect(al.gaps).toEqual(batch.gaps);
    expect(al.excluded).toBe(batch.excluded);
    expect(al.rows).toBe(batch.time.length);
  });
});
