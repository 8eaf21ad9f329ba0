// The report under a Kalman hedge on raw prices of very different scales (BTC near 90,000, ETH near
// 3,000), with the filter's default δ and Ve: its spread is the filter's posterior residual, so R² is
// close to 1 — the prior at the first bar (β₀ = α₀ = 0, a whole ETH price as "spread") is no hedge
// and stays out of it (it made R² −4,643 on the demo's pair).
import {describe, expect, it} from "vitest";
import {mulberry32} from "../../../src/lib/mulberry32.js";
import {analyzeReport} from "../../../src/lib/report/analyzeReport.js";
import {withDynamicRule} from "../../../src/lib/report/dynamicReport.js";

function legs(n: number) {
  const random = mulberry32(7);
  const a = new Float64Array(n),
    b = new Float64Array(n);
  let x = 90_000;
  for (let t = 0; t < n; ++t) {
    x += (random() - 0.5) * 20;
    b[t] = x;
    a[t] = 0.034 * x - 60 + (random() - 0.5) * 2;
  }
  return {a, b};
}

describe("withDynamicRule with a Kalman hedge", () => {
  it("leaves the filter's prior out: R² within [0.99, 1], the spread's mean and std on the price's noise scale or below", () => {
    const {a, b} = legs(3600);
    const names = ["ETHUSDT", "BTCUSDT"] as const;
    const report = withDynamicRule(analyzeReport(a, b, {names}), a, b, {kind: "kalman", delta: 1e-4, ve: 1e-3}, {window: 60});
    expect(report.hedge.rSquared).toBeGreaterThanOrEqual(0.99);
    expect(report.hedge.rSquared).toBeLessThanOrEqual(1);
    expect(Math.abs(report.spread.mean)).toBeLessThan(1);
    expect(report.spread.std).toBeLessThan(1);
  });
});
