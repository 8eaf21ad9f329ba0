// The dynamic hedges bar by bar (IncrementalRollingOls, IncrementalKalman, IncrementalDynamicHedge)
// against their batch forms, save/restore, the carry-forward rule, and no look-ahead.
import {describe, expect, it} from "vitest";
import {dynamicHedge, IncrementalDynamicHedge} from "../../src/lib/dynamicHedge.js";
import {IncrementalKalman} from "../../src/lib/incrementalKalman.js";
import {IncrementalRollingOls} from "../../src/lib/incrementalRollingOls.js";
import {kalmanHedge} from "../../src/lib/kalman.js";
import {rollingOls} from "../../src/lib/rollingOls.js";
import {Xorshift128} from "./series.js";

function prices(n: number, seed = 5): {a: Float64Array; b: Float64Array} {
  const rng = new Xorshift128(seed),
    a = new Float64Array(n),
    b = new Float64Array(n);
  let pb = 3000,
    beta = 15;
  for (let i = 0; i < n; ++i) {
    ((pb *= 1 + 1e-3 * rng.normal()), (beta += 0.01 * rng.normal()));
    ((b[i] = pb), (a[i] = 500 + beta * pb + 20 * rng.normal()));
  }
  return {a, b};
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i)
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} ≠ ${expected[i]}`);
}

describe("rollingOls(a, b, window) by hand", () => {
  it("equals OLS of each window computed directly", () => {
    const {a, b} = prices(200);
    const r = rollingOls(a, b, 25);
    for (const t of [24, 25, 49, 50, 51, 137, 199]) {
      let ma = 0,
        mb = 0;
      for (let i = t - 24; i <= t; ++i) ((ma += a[i] / 25), (mb += b[i] / 25));
      let sab = 0,
        sbb = 0;
      for (let i = t - 24; i <= t; ++i) ((sab += (a[i] - ma) * (b[i] - mb)), (sbb += (b[i] - mb) ** 2));
      expect(r.beta[t]).toBeCloseTo(sab / sbb, 6);
      expect(r.alpha[t]).toBeCloseTo(ma - (sab / sbb) * mb, 2);
    }
    expect(r.beta[23]).toBeNaN();
  });
});

describe("the incremental hedges fed one bar at a time equal the batch ones bit for bit", () => {
  const {a, b} = prices(1000);

  it("IncrementalRollingOls, with a save/restore to replace bars", () => {
    const batch = rollingOls(a, b, 40),
      r = new IncrementalRollingOls(40),
      beta = new Float64Array(a.length),
      alpha = new Float64Array(a.length);
    const x = Float64Array.from(a);
    for (let t = 0; t < a.length; ++t) {
      // Every seventh bar first arrives with another price, then is replaced (restore, push again).
      const s = r.save();
      if (t % 7 === 3) ((x[t] = a[t] * 1.01), r.push(x, b), r.restore(s), (x[t] = a[t]));
      r.push(x, b);
      ((beta[t] = r.beta), (alpha[t] = r.alpha));
    }
    (expectSame(beta, batch.beta, "beta"), expectSame(alpha, batch.alpha, "alpha"));
  });

  it("IncrementalKalman, with a save/restore to replace bars", () => {
    const batch = kalmanHedge(a, b, {delta: 1e-5, ve: 2e-3}),
      k = new IncrementalKalman(1e-5, 2e-3),
      beta = new Float64Array(a.length);
    const x = Float64Array.from(a);
    for (let t = 0; t < a.length; ++t) {
      const s = k.save();
      if (t % 5 === 1) ((x[t] = a[t] + 50), k.push(x, b), k.restore(s), (x[t] = a[t]));
      k.push(x, b);
      beta[t] = k.beta;
    }
    expectSame(beta, batch.beta, "beta");
  });

  it("IncrementalDynamicHedge equals dynamicHedge, carrying β over a constant stretch of b", () => {
    const bb = Float64Array.from(b);
    // 80 equal prices: rolling OLS over 40 bars is undefined at 359 (a window whose sums are taken afresh).
    bb.fill(3000, 320, 400);
    for (const spec of [{kind: "rolling-ols", window: 40} as const, {kind: "kalman", delta: 1e-4, ve: 1e-3} as const]) {
      const batch = dynamicHedge(a, bb, spec),
        h = new IncrementalDynamicHedge(spec),
        beta = new Float64Array(a.length);
      for (let t = 0; t < a.length; ++t) (h.push(a, bb), (beta[t] = h.beta));
      expectSame(beta, batch.beta, spec.kind);
    }
    const r = dynamicHedge(a, bb, {kind: "rolling-ols", window: 40});
    expect(rollingOls(a, bb, 40).beta[359]).toBeNaN();
    expect(r.beta[359]).toBe(r.beta[358]); // carried from the last defined bar
    expect(r.beta[359]).not.toBeNaN();
    expect(r.beta[38]).toBeNaN(); // no β before the first window
  });
});

describe("no look-ahead: β at bar t uses bars ≤ t only", () => {
  it("dynamicHedge over a prefix equals dynamicHedge over all bars, cut", () => {
    const {a, b} = prices(600);
    for (const spec of [{kind: "rolling-ols", window: 50} as const, {kind: "kalman", delta: 1e-4, ve: 1e-3} as const]) {
      const all = dynamicHedge(a, b, spec);
      for (const m of [60, 333, 599]) {
        const part = dynamicHedge(a.subarray(0, m), b.subarray(0, m), spec);
        (expectSame(part.beta, all.beta.subarray(0, m), `${spec.kind} β`),
          expectSame(part.alpha, all.alpha.subarray(0, m), `${spec.kind} α`));
      }
    }
  });
});
