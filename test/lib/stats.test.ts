import {describe, expect, it} from "vitest";
import {bollinger} from "../../src/lib/bollinger.js";
import {correlationMatrix, pearson, rollingCorrelation} from "../../src/lib/correlation.js";
import {halfLife} from "../../src/lib/halfLife.js";
import {hurst} from "../../src/lib/hurst.js";
import {macd} from "../../src/lib/macd.js";
import {rollingMean, rollingStd, rollingZScore} from "../../src/lib/rolling.js";
import {rsi} from "../../src/lib/rsi.js";
import {rollingVolatility} from "../../src/lib/volatility.js";
import {expectAllClose, expectClose, fixture, label, pairOf, type SeriesFixture} from "./reference.js";

type Col = (number | null)[];
interface StatsCase {
  series: SeriesFixture;
  window: number;
  expected: {
    rollingMean: Col;
    rollingStd: Col;
    rollingZ: Col;
    pearson: number;
    rollingCorrelation: Col;
    correlationMatrix: number[];
    halfLife: number | null;
    hurst: number;
    rsi: Col;
    macd: Col;
    signal: Col;
    bollingerUpper: Col;
    volatility: Col;
    volatilityThresholds: [number, number];
  };
}

const cases = fixture<StatsCase>("stats").map((c) => [label(c.series), c] as const);

describe("statistics match pandas / numpy / statsmodels", () => {
  it.each(cases)("rollingMean, rollingStd and rollingZScore(x, 25) match pandas rolling on %s", (_, c) => {
    const {a} = pairOf(c.series);
    expectAllClose(rollingMean(a, c.window), c.expected.rollingMean, 1e-9, 1e-12, "mean");
    expectAllClose(rollingStd(a, c.window), c.expected.rollingStd, 1e-7, 1e-12, "std");
    expectAllClose(rollingZScore(a, c.window), c.expected.rollingZ, 1e-6, 1e-6, "z");
  });

  it.each(cases)("pearson, rollingCorrelation and correlationMatrix match numpy/pandas on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    expectClose(pearson(a, b), c.expected.pearson, 1e-9, 1e-12, "pearson");
    expectAllClose(rollingCorrelation(a, b, c.window), c.expected.rollingCorrelation, 1e-6, 1e-6, "rolling");
    const s = a.map((v, i) => v - 1.5 * b[i]);
    expectAllClose(correlationMatrix([a, b, s]), c.expected.correlationMatrix, 1e-9, 1e-9, "matrix");
  });

  it.each(cases)("halfLife(a − 1.5·b) matches statsmodels OLS of Δs on s₋₁ on %s", (_, c) => {
    const {a, b} = pairOf(c.series);
    expectClose(halfLife(a.map((v, i) => v - 1.5 * b[i])), c.expected.halfLife, 1e-6, 1e-12, "halfLife");
  });

  it.each(cases)("hurst(a) matches numpy polyfit of lagged-difference std on %s", (_, c) => {
    expectClose(hurst(pairOf(c.series).a), c.expected.hurst, 1e-9, 1e-12, "hurst");
  });

  it.each(cases)("rsi(a, 14), macd(a) and bollinger(a) match pandas ewm/rolling on %s", (_, c) => {
    const {a} = pairOf(c.series);
    expectAllClose(rsi(a, 14), c.expected.rsi, 1e-9, 1e-9, "rsi");
    const m = macd(a);
    expectAllClose(m.macd, c.expected.macd, 1e-9, 1e-9, "macd");
    expectAllClose(m.signal, c.expected.signal, 1e-9, 1e-9, "signal");
    expectAllClose(bollinger(a).upper, c.expected.bollingerUpper, 1e-9, 1e-9, "upper");
  });

  it.each(cases)(
    "rollingVolatility(|b| + 1, 25) matches pandas log-return rolling std, its last thresholds the whole sample's quantiles on %s",
    (_, c) => {
      const {b} = pairOf(c.series);
      const v = rollingVolatility(
        b.map((x) => Math.abs(x) + 1),
        c.window,
      );
      expectAllClose(v.volatility, c.expected.volatility, 1e-6, 1e-12, "volatility");
      // Expanding thresholds: at the last bar they are the quantiles of the whole sample.
      expectClose(v.lowThreshold.at(-1)!, c.expected.volatilityThresholds[0], 1e-6, 1e-12, "low");
      expectClose(v.highThreshold.at(-1)!, c.expected.volatilityThresholds[1], 1e-6, 1e-12, "high");
      const labels = new Set(v.regime.filter((r) => r !== null));
      expect([...labels].sort()).toEqual(["high", "low", "normal"]);
      expect(v.regime[c.window - 1]).toBeNull();
    },
  );
});

describe("statistics on degenerate input", () => {
  it("halfLife of a random-walk-like trending series is NaN (λ ≥ 0)", () => {
    expect(halfLife(Float64Array.from({length: 50}, (_, i) => i * i))).toBeNaN();
  });
  it("pearson of a constant series is NaN", () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it("rollingStd(x, 1) throws a RangeError", () => {
    expect(() => rollingStd([1, 2, 3], 1)).toThrow(RangeError);
  });
});
