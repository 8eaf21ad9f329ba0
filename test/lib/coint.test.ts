import {describe, expect, it} from "vitest";
import {coint} from "../../src/lib/coint.js";
import {expectClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

interface CointCase {
  series: SeriesFixture;
  options: {trend: "c" | "ct"; autolag: string | null};
  expected: {statistic: number; pValue: number; criticalValues: [number, number, number]};
}

describe("coint matches statsmodels coint (Engle-Granger, N = 2)", () => {
  it.each(
    fixture<CointCase>("coint").map(
      (c) =>
        [`coint(a, b, {trend: "${c.options.trend}", autolag: ${JSON.stringify(c.options.autolag)}}) on ${label(c.series)}`, c] as const,
    ),
  )("%s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = coint(a, b, c.options);
    expectClose(r.statistic, c.expected.statistic, 1e-6, 1e-12, "statistic");
    expect(Math.abs(r.pValue - c.expected.pValue)).toBeLessThanOrEqual(1e-4);
    expectClose(r.criticalValues["1%"], c.expected.criticalValues[0]);
    expectClose(r.criticalValues["5%"], c.expected.criticalValues[1]);
    expectClose(r.criticalValues["10%"], c.expected.criticalValues[2]);
  });

  it("coint(a, b, {trend: 'n'}) has NaN critical values (none published), as statsmodels", () => {
    const b = Float64Array.from({length: 100}, (_, i) => Math.sqrt(i + 1) + Math.sin(i));
    const r = coint(
      b.map((v, i) => 2 * v + Math.sin(i * i)),
      b,
      {trend: "n"},
    );
    expect(Object.values(r.criticalValues).every(Number.isNaN)).toBe(true);
    expect(r.pValue).toBeGreaterThanOrEqual(0);
    expect(r.alpha).toBe(0);
  });

  it("coint of an exactly collinear pair is −∞ with p-value 0, as statsmodels", () => {
    const b = Float64Array.from({length: 100}, (_, i) => Math.sqrt(i + 1));
    const r = coint(
      b.map((v) => 2 * v + 1),
      b,
    );
    expect(r.statistic).toBe(-Infinity);
    expect(r.pValue).toBe(0);
  });
});
