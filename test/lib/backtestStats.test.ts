import {describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {backtestStats} from "../../src/lib/backtestStats.js";
import {logPrices} from "../../src/lib/hedgeRatio.js";
import {expectClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

type Leg = {totalReturn: number; annualReturn: number; annualVolatility: number; maxDrawdown: number};
interface StatsCase {
  series: SeriesFixture;
  z: (number | null)[];
  options: {beta: number; entry: number; exit: number; lag: number; feeBps: number; barMs: number; log: boolean};
  expected: Record<string, number | null> & {trades: number; openAtEnd: boolean; buyAndHold: {a: Leg; b: Leg}};
}

const keys = [
  "barsPerYear",
  "capital",
  "totalReturn",
  "annualReturn",
  "annualVolatility",
  "maxDrawdownBars",
  "avgDrawdown",
  "avgDrawdownBars",
  "bestTrade",
  "worstTrade",
  "avgTrade",
  "expectancy",
  "sqn",
  "exposureAdjustedReturn",
] as const;

describe("backtestStats(backtest(...)) matches an independent pandas computation", () => {
  const cases = fixture<StatsCase>("backtestStats");
  it("covers an open trade at the end and a closed one", () => {
    expect(new Set(cases.map((c) => c.expected.openAtEnd))).toEqual(new Set([true, false]));
  });
  it.each(cases.map((c) => [label(c.series), c] as const))("%s", (_, c) => {
    const raw = pairOf(c.series),
      o = c.options;
    const [a, b] = o.log ? [logPrices(raw.a), logPrices(raw.b)] : [raw.a, raw.b];
    const z = Float64Array.from(c.z, (v) => (v === null ? NaN : v));
    const bt = backtest(a, b, z, {beta: o.beta, entry: o.entry, exit: o.exit, lag: o.lag, feeBps: o.feeBps, barMs: o.barMs});
    expect(bt.tradeList.length).toBe(c.expected.trades);
    expect(bt.tradeList.at(-1)?.exitBar === null).toBe(c.expected.openAtEnd);
    const s = backtestStats(bt, a, b, {barMs: o.barMs, log: o.log});
    for (const k of keys) expectClose(s[k], c.expected[k], 1e-9, 1e-12, k);
    for (const leg of ["a", "b"] as const)
      for (const k of ["totalReturn", "annualReturn", "annualVolatility", "maxDrawdown"] as const)
        expectClose(s.buyAndHold[leg][k], c.expected.buyAndHold[leg][k], 1e-9, 1e-12, `buyAndHold.${leg}.${k}`);
    // Consistent with the backtest's own metrics.
    expectClose(s.annualReturn / s.annualVolatility, bt.sharpe, 1e-9, 1e-12, "Sharpe");
    expectClose(s.totalReturn, bt.returnOnGross, 1e-12, 1e-12, "returnOnGross");
  });
});

describe("backtestStats by hand", () => {
  // Equity 0, 1, 3, 2, 0, 1, 4, 3: two drawdowns (depth 3 over 3 bars from the peak 3, depth 1 over 1 bar).
  const pnl = Float64Array.of(0, 1, 2, -1, -2, 1, 3, -1);
  const equity = new Float64Array(8),
    drawdown = new Float64Array(8);
  for (let t = 0, cum = 0, peak = 0; t < 8; ++t)
    ((cum += pnl[t]), (peak = Math.max(peak, cum)), (equity[t] = cum), (drawdown[t] = cum - peak));
  const position = Int8Array.of(1, 1, 1, 1, 0, 1, 1, 0);
  const a = Float64Array.from({length: 8}, (_, i) => 10 + i),
    b = Float64Array.from({length: 8}, () => 5);
  const tradeList = [
    {side: 1 as const, entryBar: 0, exitBar: 4, beta: 2, pnl: 0, bars: 4},
    {side: 1 as const, entryBar: 5, exitBar: 7, beta: 2, pnl: 2, bars: 2},
  ];
  const s = backtestStats({pnl, equity, drawdown, position, tradeList}, a, b, {barMs: 86_400_000});
  it("drawdown episodes, trades, SQN and exposure", () => {
    expect(s.barsPerYear).toBe(365);
    expect([s.maxDrawdownBars, s.avgDrawdown, s.avgDrawdownBars]).toEqual([3, 2, 2]);
    expect([s.bestTrade, s.worstTrade, s.avgTrade]).toEqual([2, 0, 1]);
    // capital = max(10 + 2·5, 15 + 2·5) = 25; returns 0/20 and 2/25.
    expect(s.capital).toBe(25);
    expect(s.expectancy).toBeCloseTo((0 + 2 / 25) / 2, 15);
    expect(s.sqn).toBeCloseTo((Math.sqrt(2) * 1) / Math.SQRT2, 15); // std of [0, 2] is √2
    expect(s.totalReturn).toBe(3 / 25);
    expect(s.annualReturn).toBeCloseTo(((3 / 8) * 365) / 25, 12);
    expect(s.exposureAdjustedReturn).toBeCloseTo(s.annualReturn / (6 / 8), 12);
    expect(s.buyAndHold.a.totalReturn).toBeCloseTo(17 / 10 - 1, 15);
    expect(s.buyAndHold.b.annualVolatility).toBe(0);
  });
  it("throws RangeError on a length mismatch", () => {
    expect(() => backtestStats({pnl, equity, drawdown, position, tradeList}, a.subarray(1), b)).toThrow(RangeError);
  });
});
