import {describe, expect, it} from "vitest";
import {johansen} from "../../src/lib/johansen.js";
import {expectAllClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

interface JohansenCase {
  series: SeriesFixture;
  options: {detOrder: number; kArDiff: number};
  expected: {eigenvalues: number[]; traceStat: number[]; maxEigStat: number[]; traceCritical: number[][]; maxEigCritical: number[][]};
}

describe("johansen matches statsmodels coint_johansen", () => {
  it.each(
    fixture<JohansenCase>("johansen").map(
      (c) => [`johansen([a, b], {detOrder: ${c.options.detOrder}, kArDiff: ${c.options.kArDiff}}) on ${label(c.series)}`, c] as const,
    ),
  )("%s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = johansen([a, b], c.options);
    // Eigenvalues near 0 are differences of near-equal numbers in both implementations.
    expectAllClose(r.eigenvalues, c.expected.eigenvalues, 1e-6, 1e-9, "eigenvalues");
    expectAllClose(r.traceStat, c.expected.traceStat, 1e-6, 1e-6, "trace");
    expectAllClose(r.maxEigStat, c.expected.maxEigStat, 1e-6, 1e-6, "maxEig");
    expect(r.traceCritical.map((row) => [...row])).toEqual(c.expected.traceCritical);
    expect(r.maxEigCritical.map((row) => [...row])).toEqual(c.expected.maxEigCritical);
  });

  it("johansen(x, {detOrder: 2}) throws a RangeError", () => {
    expect(() => johansen([[1, 2, 3]], {detOrder: 2})).toThrow(/invalid detOrder: 2 \(expected -1, 0 or 1\)/);
  });
});
