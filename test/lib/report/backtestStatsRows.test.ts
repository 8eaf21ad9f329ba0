import {describe, expect, it} from "vitest";
import type {BacktestStats} from "../../../src/lib/backtestStats.js";
import {backtestStatsLines, backtestStatsRows, statNumber, statPercent} from "../../../src/lib/report/backtestStatsRows.js";

const leg = (r: number) => ({totalReturn: r, annualReturn: 2 * r, annualVolatility: 0.5, maxDrawdown: 0.25});
const stats: BacktestStats = {
  bars: 1440,
  barsPerYear: 525_600,
  capital: 4321.123456789,
  totalReturn: 0.012345678,
  annualReturn: 1.5,
  annualVolatility: 0.2,
  maxDrawdownBars: 17,
  avgDrawdown: 2.5,
  avgDrawdownBars: 3.33333333,
  bestTrade: 9.87654321,
  worstTrade: -1,
  avgTrade: 0.5,
  expectancy: -0.000125,
  sqn: 1.23456,
  exposureAdjustedReturn: 3,
  buyAndHold: {a: leg(0.1), b: leg(-0.05)},
};

describe("backtestStatsRows(stats, names)", () => {
  const rows = backtestStatsRows(stats, ["ETH", "BTC"]);
  const text = (key: string) => rows.find((r) => r.key === key)?.text;

  it("formats every statistic once: percentages to 4 digits, numbers to 6, SQN to 3", () => {
    expect(text("totalReturn")).toBe("1.235%");
    expect(text("capital")).toBe("4321.12");
    expect(text("expectancy")).toBe("-0.0125%");
    expect(text("sqn")).toBe("1.23");
    expect(text("avgDrawdownBars")).toBe("3.333");
    expect(text("buyAndHold.b.totalReturn")).toBe("-5%");
    expect(rows.find((r) => r.key === "bestTrade")?.value).toBe(9.87654321);
  });

  it("covers every field of BacktestStats, each leg's benchmark under its name", () => {
    const keys = new Set(rows.map((r) => r.key));
    for (const k of Object.keys(stats).filter((k) => k !== "buyAndHold")) expect(keys, k).toContain(k);
    for (const side of ["a", "b"]) for (const k of Object.keys(leg(0))) expect(keys).toContain(`buyAndHold.${side}.${k}`);
    expect(rows.filter((r) => r.group === "buy and hold ETH")).toHaveLength(4);
  });

  it("NaN and infinities print as such", () => {
    expect(statNumber(NaN)).toBe("NaN");
    expect(statPercent(Infinity)).toBe("Infinity");
  });

  it("backtestStatsLines: one line per group, labels and texts in order", () => {
    const lines = backtestStatsLines(rows);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe("  trades            best 9.87654, worst -1, average 0.5, expectancy -0.0125%, SQN 1.23");
    expect(lines[4]).toMatch(/^ {2}buy and hold BTC {2}total -5%, annual -10%, annual vol 50%, max drawdown 25%$/);
  });
});
