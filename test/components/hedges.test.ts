// The hedge table's rows (src/components/hedges.ts): R² where it means something, none for Kalman.
import {describe, expect, it} from "vitest";
import {hedgeRows} from "../../src/components/hedges.js";
import {pairFit} from "../../src/lib/pairReport.js";
import {generatePair} from "../lib/series.js";

describe("hedgeRows(fit, rollingWindow)", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 21, n: 2000});
  const fit = pairFit(a, b), rows = hedgeRows(fit, 200);
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it("gives the static hedges the R² of their spread (OLS: the fit's own R²)", () => {
    expect(rows.map((r) => r.name)).toEqual(["OLS", "Rolling OLS", "Kalman", "Huber", "Theil-Sen", "TLS"]);
    expect(row("OLS").rSquared).toBeCloseTo(fit.hedge.rSquared, 12);
    for (const name of ["Huber", "Theil-Sen", "TLS", "Rolling OLS"]) expect(row(name).rSquared, name).toBeGreaterThan(0.5);
  });

  it("gives the Kalman hedge no R² (its residuals use each bar's own update), but its other columns", () => {
    const k = row("Kalman");
    expect(k.rSquared).toBeNaN();
    expect(k.dynamic).toBe(true);
    expect(Number.isFinite(k.beta) && Number.isFinite(k.halfLife)).toBe(true);
  });
});
