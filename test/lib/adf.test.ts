import {describe, expect, it} from "vitest";
import {adf} from "../../src/lib/adf.js";
import {type Regression} from "../../src/lib/mackinnon.js";
import {expectClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

interface AdfCase {
  series: SeriesFixture;
  which: "a" | "spread";
  options: {regression: Regression; autolag: string | null; maxlag: number | null};
  expected: {
    statistic: number;
    pValue: number;
    usedLag: number;
    nobs: number;
    criticalValues: Record<"1%" | "5%" | "10%", number>;
    icBest: number | null;
  };
}

const cases = fixture<AdfCase>("adf");

describe("adf matches statsmodels adfuller", () => {
  it.each(
    cases.map(
      (c) =>
        [
          `adf(x, {regression: "${c.options.regression}", autolag: ${JSON.stringify(c.options.autolag)}${c.options.maxlag === null ? "" : `, maxlag: ${c.options.maxlag}`}}) on ${c.which} of ${label(c.series)}`,
          c,
        ] as const,
    ),
  )("%s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const x = c.which === "a" ? a : a.map((v, i) => v - 0.045 * b[i]);
    const r = adf(x, {regression: c.options.regression, autolag: c.options.autolag, maxlag: c.options.maxlag ?? undefined});
    const e = c.expected;
    expect(r.usedLag).toBe(e.usedLag);
    expect(r.nobs).toBe(e.nobs);
    expectClose(r.statistic, e.statistic, 1e-6, 1e-12, "statistic");
    expect(Math.abs(r.pValue - e.pValue)).toBeLessThanOrEqual(1e-4);
    for (const level of ["1%", "5%", "10%"] as const) expectClose(r.criticalValues[level], e.criticalValues[level], 1e-6, 1e-12, level);
    if (e.icBest === null) expect(r.icBest).toBeNaN();
    else expectClose(r.icBest, e.icBest, 1e-6, 1e-12, "icBest");
  });
});

describe("adf options", () => {
  const x = Float64Array.from({length: 200}, (_, i) => Math.sin(i) + i * 0.01);
  it("adf(x, {regression: 'cx'}) throws a RangeError naming the valid values", () => {
    expect(() => adf(x, {regression: "cx" as Regression})).toThrow(/invalid regression: "cx" \(expected n, c, ct or ctt\)/);
  });
  it("adf(x, {autolag: 'aicc'}) throws a RangeError", () => {
    expect(() => adf(x, {autolag: "aicc"})).toThrow(RangeError);
  });
  it("adf(x, {maxlag}) above statsmodels' cap throws a RangeError", () => {
    expect(() => adf(x, {maxlag: 99})).toThrow(/maxlag/);
  });
  it("adf of a constant series is NaN, not an exception", () => {
    expect(adf(new Float64Array(100).fill(3)).statistic).toBeNaN();
  });
  it("adf of a too short series is NaN", () => {
    expect(adf([1, 2, 3]).statistic).toBeNaN();
  });
});
