import {describe, expect, it} from "vitest";
import {basketBacktest} from "../../src/lib/basketBacktest.js";
import {basketReport} from "../../src/lib/basketReport.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {expectAllClose, expectClose, fixture} from "./reference.js";

// scripts/reference/baskets.py: inputs, statsmodels coint / coint_johansen and the spread's adfuller.
interface BasketCase {
  name: string;
  y: number[];
  x: number[][];
  coint: {options: {trend: string; autolag: string | null}; expected: {statistic: number; pValue: number; params: number[]}}[];
  johansen: {options: {detOrder: number; kArDiff: number}; expected: {traceStat: number[]; maxEigStat: number[]}}[];
  spreadAdf: {statistic: number; pValue: number; usedLag: number; nobs: number};
}

describe("basketReport(a, [b1, b2], options)", () => {
  it.each(fixture<BasketCase>("baskets").map((c) => [c.name, c] as const))("on the %s matches statsmodels", (_, c) => {
    const {report: r} = basketReport(c.y, c.x, {trend: "c", johansenDet: 1, johansenLags: 2, window: 30});
    const eg = c.coint.find((e) => e.options.trend === "c" && e.options.autolag === "aic")!;
    expectAllClose([...r.hedge.betas, r.hedge.alpha], eg.expected.params, 1e-8, 1e-12, "hedge");
    expectClose(r.coint.statistic, eg.expected.statistic, 1e-8, 1e-12, "coint");
    expectClose(r.adf.statistic, c.spreadAdf.statistic, 1e-8, 1e-12, "adf");
    expect([r.adf.usedLag, r.adf.nobs]).toEqual([c.spreadAdf.usedLag, c.spreadAdf.nobs]);
    const jo = c.johansen.find((e) => e.options.detOrder === 1 && e.options.kArDiff === 2)!;
    expectAllClose(r.johansen.traceStat, jo.expected.traceStat, 1e-8, 1e-8, "trace");
    expect(r.johansen.traceStat.length).toBe(c.x.length + 1);
  });

  it("backtests the residual spread's z-score across every leg with the hedge vector", () => {
    const [c] = fixture<BasketCase>("baskets");
    const rule = {entry: 1.5, exit: 0.2, feeBps: 4, window: 25};
    const res = basketReport(c.y, c.x, {trend: "ct", ...rule});
    const eg = c.coint.find((e) => e.options.trend === "ct")!;
    const [b1, b2, alpha, slope] = eg.expected.params;
    const spread = c.y.map((v, t) => v - b1 * c.x[0][t] - b2 * c.x[1][t] - alpha - slope * (t + 1));
    expectAllClose(res.spread, spread, 1e-6, 1e-6, "spread");
    const direct = basketBacktest(c.y, c.x, rollingZScore(res.spread, 25), {betas: res.report.hedge.betas, ...rule});
    expect(res.report.backtest.totalPnl).toBe(direct.totalPnl);
    expect(res.report.backtest.trades).toBeGreaterThan(0);
    expect(res.report.hedge.trendSlope).toBeCloseTo(slope, 10);
  });

  it("throws a RangeError for no leg, or a non-positive price with log", () => {
    const [c] = fixture<BasketCase>("baskets");
    expect(() => basketReport(c.y, [])).toThrow(/0 legs/);
    expect(() => basketReport(c.y, [c.x[0], c.x[1].map((v, i) => (i === 7 ? -1 : v))], {log: true, names: ["btc", "eth", "sol"]})).toThrow(
      /sol/,
    );
  });
});
