import {describe, expect, it} from "vitest";
import {hedgeRatio} from "../../src/lib/hedgeRatio.js";
import {huber} from "../../src/lib/huber.js";
import {kalmanHedge} from "../../src/lib/kalman.js";
import {ols} from "../../src/lib/ols.js";
import {rollingOls} from "../../src/lib/rollingOls.js";
import {theilSen} from "../../src/lib/theilSen.js";
import {tls} from "../../src/lib/tls.js";
import {expectAllClose, expectClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

interface Pair {
  alpha: number;
  beta: number;
}
interface HedgeCase {
  series: SeriesFixture;
  round?: boolean;
  expected: {
    ols: Pair & {alphaStdErr: number; betaStdErr: number; alphaT: number; betaT: number; rSquared: number};
    logOls: Pair;
    huber: Pair & {scale: number; iterations: number};
    theilSen: Pair;
    tls: Pair;
    kalman: {at: number[]; beta: number[]; alpha: number[]; error: number[]; variance: number[]};
    rollingOls: {window: number; at: number[]; alpha: number[]; beta: number[]; rSquared: number[]};
  };
}

const cases = fixture<HedgeCase>("hedges");
const plain = cases.filter((c) => !c.round);
const at = (x: Float64Array, idx: number[]) => idx.map((i) => x[i]);

describe("hedge ratios match statsmodels / scipy / numpy", () => {
  it.each(plain.map((c) => [label(c.series), c] as const))("ols(a, b) matches statsmodels OLS on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = ols(a, b),
      e = c.expected.ols;
    for (const k of ["alpha", "beta", "alphaStdErr", "betaStdErr", "alphaT", "betaT", "rSquared"] as const)
      expectClose(r[k], e[k], 1e-6, 1e-12, k);
  });

  it.each(plain.map((c) => [label(c.series), c] as const))(
    "hedgeRatio(a, b, {log: true}) matches statsmodels OLS on log prices on %s",
    (_, c) => {
      const {a, b} = pairOf(c.series);
      // The fixture logs |x| + 1 so that every generated series is positive.
      const r = hedgeRatio(
        a.map((v) => Math.abs(v) + 1),
        b.map((v) => Math.abs(v) + 1),
        {log: true},
      );
      expectClose(r.alpha, c.expected.logOls.alpha, 1e-6, 1e-9, "alpha");
      expectClose(r.beta, c.expected.logOls.beta, 1e-6, 1e-9, "beta");
    },
  );

  it.each(plain.map((c) => [label(c.series), c] as const))("huber(a, b) matches statsmodels RLM(HuberT) on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = huber(a, b),
      e = c.expected.huber;
    expectClose(r.alpha, e.alpha, 1e-5, 1e-9, "alpha");
    expectClose(r.beta, e.beta, 1e-5, 1e-9, "beta");
    expectClose(r.scale, e.scale, 1e-5, 1e-9, "scale");
    // The stopping rule is |Δ deviance| ≤ 1e-8 in absolute terms, so on price-sized data the exact
    // iteration it stops at depends on round-off noise; only the fit itself is compared.
    expect(r.iterations).toBeGreaterThan(1);
  });

  it.each(cases.map((c) => [`${label(c.series)}${c.round ? " rounded to the tick (ties)" : ""}`, c] as const))(
    "theilSen(a, b) equals scipy theilslopes exactly on %s",
    (_, c) => {
      let {a, b} = pairOf(c.series);
      if (c.round) ((a = a.map((v) => Math.round(v * 100) / 100)), (b = b.map((v) => Math.round(v))));
      const r = theilSen(a, b);
      expect(r.beta).toBe(c.expected.theilSen.beta);
      expect(r.alpha).toBe(c.expected.theilSen.alpha);
    },
  );

  it.each(plain.map((c) => [label(c.series), c] as const))("tls(a, b) matches numpy's principal axis on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = tls(a, b);
    expectClose(r.beta, c.expected.tls.beta, 1e-6, 1e-12, "beta");
    expectClose(r.alpha, c.expected.tls.alpha, 1e-6, 1e-9, "alpha");
  });

  it.each(plain.map((c) => [label(c.series), c] as const))("kalmanHedge(a, b) matches Chan's filter transcribed in numpy on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const r = kalmanHedge(a, b),
      e = c.expected.kalman;
    expectAllClose(at(r.beta, e.at), e.beta, 1e-6, 1e-12, "beta");
    expectAllClose(at(r.alpha, e.at), e.alpha, 1e-6, 1e-12, "alpha");
    expectAllClose(at(r.error, e.at), e.error, 1e-6, 1e-9, "error");
    expectAllClose(at(r.variance, e.at), e.variance, 1e-6, 1e-12, "variance");
  });

  it.each(plain.map((c) => [label(c.series), c] as const))("rollingOls(a, b, 20) matches statsmodels RollingOLS on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    const e = c.expected.rollingOls,
      r = rollingOls(a, b, e.window);
    expectAllClose(at(r.beta, e.at), e.beta, 1e-6, 1e-12, "beta");
    expectAllClose(at(r.alpha, e.at), e.alpha, 1e-6, 1e-9, "alpha");
    expectAllClose(at(r.rSquared, e.at), e.rSquared, 1e-6, 1e-12, "rSquared");
    expect(r.beta[e.window - 2]).toBeNaN();
  });
});

describe("theilSen on larger inputs", () => {
  it("theilSen(a, b) equals the brute-force median of all pairwise slopes at n = 2500 with duplicate x", () => {
    const n = 2500;
    const b = Float64Array.from({length: n}, (_, i) => Math.floor(((i * 7919) % 1000) / 3));
    const a = Float64Array.from({length: n}, (_, i) => 0.5 * b[i] + Math.sin(i * 12.9898) * 3);
    const slopes: number[] = [];
    for (let i = 0; i < n; ++i) for (let j = 0; j < n; ++j) if (b[i] > b[j]) slopes.push((a[i] - a[j]) / (b[i] - b[j]));
    const sorted = Float64Array.from(slopes).sort(),
      m = sorted.length;
    const expected = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    expect(theilSen(a, b).beta).toBe(expected);
  });

  it("theilSen(a, b) is NaN when all b are equal", () => {
    expect(theilSen([1, 2, 3], [5, 5, 5]).beta).toBeNaN();
  });
});
