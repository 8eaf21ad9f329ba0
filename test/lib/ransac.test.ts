import {describe, expect, it} from "vitest";
import {hedgeRatio} from "../../src/lib/hedgeRatio.js";
import {mulberry32} from "../../src/lib/mulberry32.js";
import {ransac} from "../../src/lib/ransac.js";
import {expectClose, fixture} from "./reference.js";

interface RansacCase {
  name: string;
  a: number[];
  b: number[];
  expected: {alpha: number; beta: number; threshold: number; inliers: number[]; inlierCount: number};
}

describe("ransac(a, b) matches scikit-learn RANSACRegressor on clean lines with gross outliers", () => {
  const cases = fixture<RansacCase>("ransac");
  it("has cases", () => expect(cases.length).toBeGreaterThanOrEqual(3));
  for (const c of cases) {
    it.each([0, 1, 42, 2 ** 31])(`${c.name}, seed %d: same inlier mask, slope and intercept`, (seed) => {
      const r = ransac(c.a, c.b, {seed});
      expectClose(r.threshold, c.expected.threshold, 1e-12, 1e-12, "threshold");
      expect(Array.from(r.inliers)).toEqual(c.expected.inliers);
      expect(r.inlierCount).toBe(c.expected.inlierCount);
      expectClose(r.beta, c.expected.beta, 1e-9, 1e-12, "beta");
      expectClose(r.alpha, c.expected.alpha, 1e-9, 1e-12, "alpha");
    });
  }
  it("hedgeRatio(a, b, {method: 'ransac'}) is ransac with seed 0", () => {
    const c = cases[0];
    const r = ransac(c.a, c.b);
    expect(hedgeRatio(c.a, c.b, {method: "ransac"})).toEqual({method: "ransac", alpha: r.alpha, beta: r.beta});
  });
});

describe("ransac(a, b, {seed})", () => {
  // An ambiguous cloud (two crossing lines): the draws decide the fit, so the seed must fix it.
  const random = mulberry32(9);
  const b = Array.from({length: 300}, () => 100 * random());
  const a = b.map((x, i) => (i % 2 ? 2 * x : 150 - x) + random());
  it("is deterministic for a given seed", () => {
    expect(ransac(a, b, {seed: 5})).toEqual(ransac(a, b, {seed: 5}));
  });
  it("stops early once a consensus set is likely (scikit-learn's dynamic trial count)", () => {
    const x = Array.from({length: 100}, (_, i) => i),
      y = x.map((v) => 3 + 2 * v);
    // All points on the line: after the first sample w = 1, so ⌈log(0.01)/log(ε)⌉ = 1 trial.
    const r = ransac(y, x);
    expect(r.trials).toBe(1);
    expect([r.alpha, r.beta, r.inlierCount]).toEqual([3, 2, 100]);
  });
  it("throws RangeError for caller mistakes and returns NaN without a line", () => {
    expect(() => ransac([1, 2], [1])).toThrow(RangeError);
    expect(() => ransac([1, 2], [1, 2], {maxTrials: 0})).toThrow(/invalid maxTrials/);
    expect(() => ransac([1, 2], [1, 2], {threshold: -1})).toThrow(/invalid threshold/);
    expect(ransac([1, 2, 3], [5, 5, 5]).beta).toBeNaN();
  });
});

describe("mulberry32(seed)", () => {
  it("gives the published mulberry32 sequence", () => {
    // First outputs of the reference one-liner (Tommy Ettinger's mulberry32) for seed 42, × 2^32.
    const r = mulberry32(42);
    expect([r(), r(), r()].map((v) => v * 4294967296)).toEqual([2581720956, 1925393290, 3661312704]);
  });
});
