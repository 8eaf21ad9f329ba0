import {describe, expect, it} from "vitest";
import {takerImbalance, vwap} from "../../src/lib/barFlow.js";
import {bollinger} from "../../src/lib/bollinger.js";
import {expandingQuantile} from "../../src/lib/expandingQuantile.js";
import {hurst} from "../../src/lib/hurst.js";
import {macd} from "../../src/lib/macd.js";
import {rollingHurst} from "../../src/lib/rollingHurst.js";
import {rsi} from "../../src/lib/rsi.js";
import {rollingVolatility} from "../../src/lib/volatility.js";
import {mulberry32} from "../../src/lib/mulberry32.js";
import {expectAllClose, fixture, label, type SeriesFixture} from "./reference.js";

type Col = (number | null)[];
interface IndicatorCase {
  series: SeriesFixture;
  close: number[];
  volume: number[];
  quoteVolume: number[];
  takerBuyVolume: number[];
  options: {
    rsi: number;
    macd: [number, number, number];
    bollinger: [number, number];
    flow: number;
    volatility: number;
    quantiles: [number, number];
    hurst: [number, number];
  };
  expected: Record<
    | "rsi"
    | "macd"
    | "signal"
    | "histogram"
    | "bollingerUpper"
    | "bollingerLower"
    | "bollingerMiddle"
    | "vwap"
    | "vwapCumulative"
    | "imbalance"
    | "volatility"
    | "lowThreshold"
    | "highThreshold"
    | "hurst",
    Col
  > & {regime: (string | null)[]};
}

const cases = fixture<IndicatorCase>("indicators").map((c) => [label(c.series), c] as const);

describe("the symbol page's indicators match pandas / numpy at non-default parameters", () => {
  it.each(cases)("rsi, macd and bollinger at the fixture's periods match pandas ewm/rolling on %s", (_, c) => {
    const {close, options: o, expected: e} = c;
    expectAllClose(rsi(close, o.rsi), e.rsi, 1e-9, 1e-9, "rsi");
    const m = macd(close, {fast: o.macd[0], slow: o.macd[1], signal: o.macd[2]});
    expectAllClose(m.macd, e.macd, 1e-9, 1e-9, "macd");
    expectAllClose(m.signal, e.signal, 1e-9, 1e-9, "signal");
    expectAllClose(m.histogram, e.histogram, 1e-9, 1e-9, "histogram");
    const b = bollinger(close, {window: o.bollinger[0], k: o.bollinger[1]});
    expectAllClose(b.upper, e.bollingerUpper, 1e-9, 1e-9, "upper");
    expectAllClose(b.middle, e.bollingerMiddle, 1e-9, 1e-9, "middle");
    expectAllClose(b.lower, e.bollingerLower, 1e-9, 1e-9, "lower");
  });

  it.each(cases)("vwap and takerImbalance over a window match pandas rolling sums on %s", (_, c) => {
    expectAllClose(vwap(c, c.options.flow), c.expected.vwap, 1e-9, 1e-9, "vwap");
    expectAllClose(vwap(c), c.expected.vwapCumulative, 1e-9, 1e-9, "cumulative vwap");
    expectAllClose(takerImbalance(c, c.options.flow), c.expected.imbalance, 1e-9, 1e-9, "imbalance");
  });

  it.each(cases)("rollingVolatility's expanding thresholds and regimes match pandas expanding().quantile on %s", (_, c) => {
    const {options: o, expected: e} = c;
    const v = rollingVolatility(c.close, o.volatility, {low: o.quantiles[0], high: o.quantiles[1]});
    expectAllClose(v.volatility, e.volatility, 1e-6, 1e-12, "volatility");
    expectAllClose(v.lowThreshold, e.lowThreshold, 1e-6, 1e-12, "low");
    expectAllClose(v.highThreshold, e.highThreshold, 1e-6, 1e-12, "high");
    expect(v.regime).toEqual(e.regime);
  });

  it.each(cases)("rollingHurst(x, {window, maxLag}) matches numpy polyfit per trailing window on %s", (_, c) => {
    const [window, maxLag] = c.options.hurst;
    expectAllClose(rollingHurst(c.close, {window, maxLag}), c.expected.hurst, 1e-7, 1e-9, "hurst");
  });
});

describe("no look-ahead", () => {
  const random = mulberry32(15);
  let p = 100;
  const prices = Float64Array.from({length: 600}, (_, t) => (p *= Math.exp((t > 300 ? 0.004 : 0.001) * (random() - 0.5))));

  it("changing the prices after bar t never changes rollingVolatility's regime or thresholds at t", () => {
    const full = rollingVolatility(prices, 30);
    for (const t of [40, 120, 299, 450]) {
      const changed = prices.slice();
      for (let s = t + 1; s < changed.length; ++s) changed[s] *= 1 + 0.05 * Math.sin(s);
      const other = rollingVolatility(changed, 30);
      expect(other.regime.slice(0, t + 1)).toEqual(full.regime.slice(0, t + 1));
      expect([...other.lowThreshold.subarray(0, t + 1)]).toEqual([...full.lowThreshold.subarray(0, t + 1)]);
      // …while the data after t did change what follows.
      expect(other.regime.slice(t + 1)).not.toEqual(full.regime.slice(t + 1));
    }
  });

  it("rollingVolatility's regime at t equals the regime of the prices cut at t", () => {
    const full = rollingVolatility(prices, 30);
    for (const t of [60, 333, 599]) expect(rollingVolatility(prices.subarray(0, t + 1), 30).regime.at(-1)).toBe(full.regime[t]);
  });

  it("rollingHurst at t equals hurst of the trailing window (so no later bar)", () => {
    const h = rollingHurst(prices, {window: 100, maxLag: 10});
    for (const t of [99, 250, 599]) expect(h[t]).toBeCloseTo(hurst(prices.subarray(t - 99, t + 1), {maxLag: 10}), 9);
    expect(h[98]).toBeNaN();
  });
});

describe("expandingQuantile", () => {
  it("expandingQuantile([3, NaN, 1, 2, 5], [0.5], 2) is the median of the values so far, by hand", () => {
    const [median] = expandingQuantile([3, NaN, 1, 2, 5], [0.5], 2);
    expect([...median]).toEqual([NaN, NaN, 2, 2, 2.5]);
  });
  it("expandingQuantile(x, [1.5]) throws a RangeError", () => {
    expect(() => expandingQuantile([1], [1.5])).toThrow(RangeError);
  });
  it("rollingHurst(x, {window: 10, maxLag: 10}) throws a RangeError (window must exceed maxLag)", () => {
    expect(() => rollingHurst([1, 2], {window: 10, maxLag: 10})).toThrow(RangeError);
  });
});
