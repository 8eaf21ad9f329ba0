// The value an alert rule watches, from the closes of its last `window` bars: the same analytics
// the pages use, so a rule fires on the number a researcher sees.
import {adf} from "./adf.js";
import {pearson} from "./correlation.js";
import {type DynamicHedgeSpec, dynamicHedge} from "./dynamicHedge.js";
import {type HedgeMethod, hedgeRatio} from "./hedgeRatio.js";

/**
 * Metrics computed from bars: zscore, spread, correlation and adfPValue of a pair, price and volatility
 * of one symbol (the lists alert rules offer: src/protocol/alerts.ts). Staleness and open gaps come from
 * the recorder's own state.
 */
export type BarMetric = "zscore" | "spread" | "price" | "correlation" | "volatility" | "adfPValue";

export interface BarMetricOptions {
  /** Hedge for pair metrics (default OLS), fitted on the window. */
  hedge?: HedgeMethod;
  /**
   * A hedge that moves bar by bar, used instead of `hedge` (src/lib/dynamicHedge.ts, β_t from bars ≤ t):
   * it runs over all the closes given, and the metric reads the last `window` of them.
   */
  dynamic?: DynamicHedgeSpec | null;
  /** Bars the metric reads, the last of the closes (default all); the earlier ones only warm a dynamic hedge up. */
  window?: number;
  /** Bar length in ms, to annualize volatility. */
  intervalMs: number;
}

/**
 * The metric at the last of the given closes (`a` alone for symbol metrics, `a` on `b` for pairs):
 * - zscore: (s_last − mean(s)) / std(s) (ddof 1) of the hedged spread s = a − β·b − α over the window
 *   (the last value of rollingZScore(spread, window));
 * - spread: the last s; correlation: Pearson of the two close series; adfPValue: ADF (constant,
 *   AIC) p-value of s; price: the last close; volatility: annualized std of log returns (ddof 1).
 * With `dynamic`, s_t = a_t − β_t·b_t − α_t, the hedge run bar by bar over every close given, the
 * metric over the last `window` (a window bar without a defined β: NaN).
 * NaN when undefined (too few points, constant series). O(closes), ADF O(window · lags²).
 *
 *   barMetric("zscore", closesA, closesB, {intervalMs: 60_000})
 */
export function barMetric(
  metric: BarMetric,
  a: ArrayLike<number>,
  b: ArrayLike<number> | null,
  {hedge = "ols", dynamic = null, window, intervalMs}: BarMetricOptions,
): number {
  const from = window === undefined ? 0 : Math.max(0, a.length - window);
  if (dynamic && (metric === "zscore" || metric === "spread" || metric === "adfPValue")) {
    if (!b) throw new RangeError(`barMetric: ${metric} needs a pair`);
    return dynamicMetric(metric, a, b, dynamic, from);
  }
  if (from > 0) {
    const tail = (x: ArrayLike<number>) => Float64Array.from({length: x.length - from}, (_, i) => x[from + i]);
    return barMetric(metric, tail(a), b && tail(b), {hedge, intervalMs});
  }
  const n = a.length;
  if (metric === "price") return n ? a[n - 1] : NaN;
  if (metric === "volatility") {
    if (n < 3) return NaN;
    let mean = 0,
      m2 = 0;
    for (let i = 1; i < n; ++i) {
      const r = Math.log(a[i] / a[i - 1]),
        d = r - mean;
      mean += d / i;
      m2 += d * (r - mean);
    }
    return Math.sqrt(m2 / (n - 2)) * Math.sqrt((365 * 86_400_000) / intervalMs);
  }
  if (!b) throw new RangeError(`barMetric: ${metric} needs a pair`);
  if (b.length !== n) throw new RangeError(`barMetric: a and b differ in length (${n} vs ${b.length})`);
  if (metric === "correlation") return n < 3 ? NaN : pearson(a, b);
  if (n < 3) return NaN;
  const {alpha, beta} = hedgeRatio(a, b, {method: hedge});
  const s = new Float64Array(n);
  for (let i = 0; i < n; ++i) s[i] = a[i] - beta * b[i] - alpha;
  return spreadMetric(metric, s);
}

/** zscore, spread or adfPValue of a hedged spread. */
function spreadMetric(metric: BarMetric, s: Float64Array): number {
  const n = s.length;
  if (n < 3) return NaN;
  if (metric === "spread") return s[n - 1];
  if (metric === "adfPValue") return adf(s).pValue;
  let mean = 0;
  for (let i = 0; i < n; ++i) mean += s[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; ++i) ss += (s[i] - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  return std > 0 ? (s[n - 1] - mean) / std : NaN;
}

/** The spread under a dynamic hedge run over all of a and b, from bar `from` on; NaN where β is undefined. */
function dynamicMetric(metric: BarMetric, a: ArrayLike<number>, b: ArrayLike<number>, spec: DynamicHedgeSpec, from: number): number {
  if (b.length !== a.length) throw new RangeError(`barMetric: a and b differ in length (${a.length} vs ${b.length})`);
  const {alpha, beta} = dynamicHedge(a, b, spec);
  const s = new Float64Array(a.length - from);
  for (let i = 0; i < s.length; ++i) s[i] = a[from + i] - beta[from + i] * b[from + i] - alpha[from + i];
  return s.some(Number.isNaN) ? NaN : spreadMetric(metric, s);
}
