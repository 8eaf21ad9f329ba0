import {describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {basketBacktest} from "../../src/lib/basketBacktest.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {expectClose, fixture} from "./reference.js";

// Three seeded series of scripts/reference/baskets.py (only the inputs are used here).
const [basket] = fixture<{y: number[]; x: number[][]}>("baskets");
const a = Float64Array.from(basket.y),
  legs = basket.x.map((x) => Float64Array.from(x));
const n = a.length;
const rule = {entry: 1.5, exit: 0.3, stop: 3, lag: 1, feeBps: 7, slippageBps: 3};

describe("basketBacktest(a, legs, z, {betas})", () => {
  // Mixed signs: the legs' notionals add up, their values partly cancel.
  const betas = [0.8, -0.6];
  const spread = a.map((v, t) => v - betas[0] * legs[0][t] - betas[1] * legs[1][t]);
  const z = rollingZScore(spread, 20);
  const r = basketBacktest(a, legs, z, {betas, ...rule});

  it("trades, and every bar's PnL is h(t−1)·(Δa − Σ βᵢ·Δbᵢ) less fees on |a| + Σ |βᵢ·bᵢ| at each fill", () => {
    expect(r.trades).toBeGreaterThan(3);
    let fees = 0,
      total = 0,
      changes = 0;
    for (let t = 0; t < n; ++t) {
      const held = t > 0 ? r.position[t - 1] : 0;
      let p = t > 0 ? held * (a[t] - a[t - 1] - betas[0] * (legs[0][t] - legs[0][t - 1]) - betas[1] * (legs[1][t] - legs[1][t - 1])) : 0;
      if (r.position[t] !== held) {
        const fee = 1e-3 * (Math.abs(a[t]) + Math.abs(betas[0] * legs[0][t]) + Math.abs(betas[1] * legs[1][t]));
        ((p -= fee), (fees += fee), ++changes);
        // One fill a bar: an exit and an entry never share one.
        expect(r.position[t] === 0 || held === 0).toBe(true);
      }
      total += p;
      expectClose(r.pnl[t], p, 1e-9, 1e-6, `pnl[${t}]`);
    }
    expectClose(r.feesPaid, fees, 1e-12, 1e-12, "feesPaid");
    expectClose(r.totalPnl, total, 1e-9, 1e-6, "totalPnl");
    expect(r.equity[n - 1]).toBe(r.totalPnl);
    expect(changes).toBeGreaterThanOrEqual(2 * r.trades - 1);
  });

  it("takes the positions of the rule on z (those of backtest on the basket as one leg)", () => {
    const hedge = a.map((_, t) => betas[0] * legs[0][t] + betas[1] * legs[1][t]);
    expect([...r.position]).toEqual([...backtest(a, hedge, z, {beta: 1, ...rule}).position]);
    expect(r.tradeList.length).toBe(r.trades);
    expect([...r.betas]).toEqual(betas);
  });

  it("with one leg equals backtest(a, b, z, {beta})", () => {
    const beta = 0.9;
    const z1 = rollingZScore(
      a.map((v, t) => v - beta * legs[0][t]),
      30,
    );
    const one = basketBacktest(a, [legs[0]], z1, {betas: [beta], ...rule}),
      pair = backtest(a, legs[0], z1, {beta, ...rule});
    expect([...one.position]).toEqual([...pair.position]);
    for (const k of ["totalPnl", "feesPaid", "maxDrawdown", "sharpe", "returnOnGross"] as const)
      expectClose(one[k], pair[k], 1e-9, 1e-9, k);
  });

  it("throws a RangeError for betas that do not match the legs", () => {
    expect(() => basketBacktest(a, legs, z, {betas: [1]})).toThrow(/1 betas for 2 legs/);
    expect(() => basketBacktest(a, [legs[0].subarray(1)], z, {betas: [1]})).toThrow(/differ in length/);
  });
});
