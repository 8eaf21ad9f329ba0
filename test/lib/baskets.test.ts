import {describe, expect, it} from "vitest";
import {coint} from "../../src/lib/coint.js";
import {johansen} from "../../src/lib/johansen.js";
import type {Regression} from "../../src/lib/mackinnon.js";
import {expectAllClose, expectClose, fixture} from "./reference.js";

// scripts/reference/baskets.py (statsmodels 0.13.5): seeded baskets written into the fixture.
interface BasketCase {
  name: string;
  y: number[];
  x: number[][];
  coint: {
    options: {trend: Regression; autolag: string | null};
    expected: {statistic: number; pValue: number; criticalValues: (number | null)[]; params: number[]};
  }[];
  johansen: {
    options: {detOrder: number; kArDiff: number};
    expected: {
      eigenvalues: number[];
      traceStat: number[];
      maxEigStat: number[];
      traceCritical: number[][];
      maxEigCritical: number[][];
      eigenvectors: number[][];
    };
  }[];
}

const cases = fixture<BasketCase>("baskets");
const cointCases = cases.flatMap((c) =>
  c.coint.map((e) => [`coint(y, [x1…x${c.x.length}], ${JSON.stringify(e.options)}) on the ${c.name}`, c, e] as const),
);
const johansenCases = cases.flatMap((c) =>
  c.johansen.map((e) => [`johansen([y, x1…x${c.x.length}], ${JSON.stringify(e.options)}) on the ${c.name}`, c, e] as const),
);

describe("coint with a basket matches statsmodels coint(y, X, trend)", () => {
  it.each(cointCases)("%s", (_, c, e) => {
    const r = coint(c.y, c.x, e.options);
    expectClose(r.statistic, e.expected.statistic, 1e-8, 1e-12, "statistic");
    // The same MacKinnon (1994) surface Φ(poly(stat)) as statsmodels, so no approximation error between
    // the two: only the statistic's, amplified by d log p / d stat (≤ ~60 here; seen ≤ 6e-12 relative).
    expectClose(r.pValue, e.expected.pValue, 1e-8, 1e-300, "pValue");
    const cv = r.criticalValues;
    expectAllClose([cv["1%"], cv["5%"], cv["10%"]], e.expected.criticalValues, 1e-12, 1e-12, "criticalValues");
    const k = c.x.length,
      t = e.options.trend;
    const params = [...r.betas];
    if (t !== "n") params.push(r.alpha);
    if (t === "ct" || t === "ctt") params.push(r.trend);
    if (t === "ctt") params.push(r.quadratic);
    expectAllClose(params, e.expected.params, 1e-8, 1e-12, "params");
    expect(r.beta).toBe(r.betas[0]);
    expect(r.betas.length).toBe(k);
  });

  it("coint(a, b) of a pair equals coint(a, [b])", () => {
    const [c] = cases;
    const pair = coint(c.y, c.x[0], {trend: "ct"}),
      basket = coint(c.y, [c.x[0]], {trend: "ct"});
    expect([pair.statistic, pair.pValue, pair.alpha, pair.beta]).toEqual([basket.statistic, basket.pValue, basket.alpha, basket.beta]);
  });

  it("coint with 6 regressors or a leg of another length throws a RangeError", () => {
    const x = Array.from({length: 50}, (_, i) => Math.sin(i) + i);
    expect(() => coint(x, [x, x, x, x, x, x])).toThrow(/6 regressors \(expected 1 to 5/);
    expect(() => coint(x, [x, x.slice(1)])).toThrow(/differ in length \(50 vs 49\)/);
    expect(() => coint(x, x, {trend: "cx" as "c"})).toThrow(/invalid regression: "cx" \(expected n, c, ct or ctt\)/);
  });
});

describe("johansen on 3 and 4 series matches statsmodels coint_johansen", () => {
  it.each(johansenCases)("%s", (_, c, e) => {
    const r = johansen([c.y, ...c.x], e.options);
    const k = c.x.length + 1;
    expectAllClose(r.eigenvalues, e.expected.eigenvalues, 1e-8, 1e-9, "eigenvalues");
    expectAllClose(r.traceStat, e.expected.traceStat, 1e-8, 1e-8, "trace");
    expectAllClose(r.maxEigStat, e.expected.maxEigStat, 1e-8, 1e-8, "maxEig");
    expect(r.traceCritical.map((row) => [...row])).toEqual(e.expected.traceCritical);
    expect(r.maxEigCritical.map((row) => [...row])).toEqual(e.expected.maxEigCritical);
    // Both normalised to Vᵀ·Skk·V = I with each column's first entry positive; compare to the
    // largest entry of the column (small entries are differences of large ones).
    for (let j = 0; j < k; ++j) {
      const want = e.expected.eigenvectors.map((row) => row[j]);
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < k; ++i)
        expectClose(r.eigenvectors[i * k + j], want[i], (1e-8 * scale) / Math.max(Math.abs(want[i]), 1e-300), 1e-300, `evec[${i}][${j}]`);
    }
  });
});
