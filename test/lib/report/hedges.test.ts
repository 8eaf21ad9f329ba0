// The hedge table's rows (src/lib/report/hedges.ts): R² where it means something, none for Kalman.
import {describe, expect, it} from "vitest";
import {hedgeRows, hedgeSharpes, zScoreAfterWarmUp} from "../../../src/lib/report/hedges.js";
import {backtestOptions, simulate} from "../../../src/lib/backtest.js";
import {pairFit} from "../../../src/lib/pairReport.js";
import {generatePair} from "../series.js";

describe("hedgeRows(fit, rollingWindow)", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 21, n: 2000});
  const fit = pairFit(a, b),
    rows = hedgeRows(fit, 200);
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it("gives the static hedges the R² of their spread (OLS: the fit's own R²)", () => {
    expect(rows.map((r) => r.name)).toEqual(["OLS", "Rolling OLS", "Kalman", "Huber", "Theil-Sen", "TLS", "RANSAC"]);
    expect(row("OLS").rSquared).toBeCloseTo(fit.hedge.rSquared, 12);
    for (const name of ["Huber", "Theil-Sen", "TLS", "RANSAC", "Rolling OLS"]) expect(row(name).rSquared, name).toBeGreaterThan(0.5);
  });

  it("gives the Kalman hedge no R² (its residuals use each bar's own update), but its other columns", () => {
    const k = row("Kalman");
    expect(k.rSquared).toBeNaN();
    expect(k.dynamic).toBe(true);
    expect(Number.isFinite(k.beta) && Number.isFinite(k.adfP)).toBe(true);
    // The filter's first bar is its prior (β₀ = α₀ = 0), no hedge: a whole price there would drive the
    // ADF and half-life columns. Its posterior residuals after that revert within a bar (no half-life).
    expect(k.spread[0]).toBeNaN();
    expect(Number.isFinite(k.spread[1])).toBe(true);
  });

  it("gives the rolling-OLS row a Sharpe: its rule trades once the rolling fit has warmed up", () => {
    const rule = {window: 30, entry: 1.5, exit: 0, lag: 1, feeBps: 0, barMs: 1000};
    const sharpes = hedgeSharpes(rows, fit, rule);
    const rolling = row("Rolling OLS"),
      i = rows.indexOf(rolling);
    expect(Number.isFinite(rolling.spread[0])).toBe(false); // the warm-up
    // z by hand: mean and sample std of each full window of finite spread values.
    const z = Array.from(rolling.spread, (_, t) => {
      const w = Array.from(rolling.spread.subarray(Math.max(0, t - rule.window + 1), t + 1));
      if (w.length < rule.window || !w.every(Number.isFinite)) return NaN;
      const m = w.reduce((s, v) => s + v, 0) / w.length,
        sd = Math.sqrt(w.reduce((s, v) => s + (v - m) ** 2, 0) / (w.length - 1));
      return (rolling.spread[t] - m) / sd;
    });
    const byHand = simulate(a, b, z, backtestOptions({...rule, beta: rolling.betaSeries}), null, null, null);
    expect(byHand.trades).toBeGreaterThan(0);
    expect(sharpes[i]).toBeCloseTo(byHand.sharpe, 6);
    for (const [j, sharpe] of sharpes.entries()) expect(Number.isFinite(sharpe), rows[j].name).toBe(true);
  });

  it("charges a perpetual leg's funding in every row's Sharpe, as pairRule's backtest does", () => {
    const times = Float64Array.from(a, (_, t) => t * 60_000);
    // A large rate every 100 bars on leg a: the Sharpe must move.
    const events = Array.from({length: 19}, (_, k) => ({time: (k + 1) * 100 * 60_000, rate: 0.01}));
    const rule = {window: 30, entry: 1.5, exit: 0, lag: 1, feeBps: 0, barMs: 60_000};
    const plain = hedgeSharpes(rows, fit, rule),
      funded = hedgeSharpes(rows, fit, {...rule, funding: {times, a: events}});
    const ols = rows.findIndex((r) => r.name === "OLS");
    const z = zScoreAfterWarmUp(rows[ols].spread, rule.window);
    const byHand = simulate(a, b, z, backtestOptions({...rule, beta: rows[ols].betaSeries, funding: {times, a: events}}), null, null, null);
    expect(byHand.fundingPaid).not.toBe(0);
    expect(funded[ols]).toBe(byHand.sharpe);
    expect(funded[ols]).not.toBe(plain[ols]);
  });
});
