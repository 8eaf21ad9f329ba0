import {expandingQuantile} from "./expandingQuantile.js";
import {rollingStd} from "./rolling.js";

export type VolatilityRegime = "low" | "normal" | "high";

/**
 * Rolling volatility of log returns (pandas `np.log(p).diff().rolling(w).std()`, ddof 1, NaN for the
 * first w bars) with a regime label per bar: low below the `low` quantile, high above the `high`
 * quantile (defaults ⅓ and ⅔), normal between, null where undefined. The thresholds are EXPANDING
 * quantiles — at bar t, of the volatilities of bars ≤ t only (pandas `vol.expanding(minPeriods)
 * .quantile(q)`, linear) — so a regime never uses a later bar and does not change as bars arrive; the
 * regime is null until `minPeriods` volatilities exist (default: `window`). The last thresholds equal
 * the whole sample's quantiles. O(n log n).
 *
 *   rollingVolatility(btc, 60).regime.at(-1) // "normal"
 */
export function rollingVolatility(
  prices: ArrayLike<number>,
  window: number,
  {low = 1 / 3, high = 2 / 3, minPeriods = window}: {low?: number; high?: number; minPeriods?: number} = {},
) {
  if (!(low >= 0 && low <= high && high <= 1))
    throw new RangeError(`rollingVolatility: invalid quantiles ${low}, ${high} (expected 0 ≤ low ≤ high ≤ 1)`);
  const n = prices.length;
  const returns = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; ++t) returns[t] = Math.log(prices[t] / prices[t - 1]);
  const volatility = new Float64Array(n).fill(NaN);
  if (n > 1) volatility.set(rollingStd(returns.subarray(1), window), 1);
  const [lowThreshold, highThreshold] = expandingQuantile(volatility, [low, high], minPeriods);
  const regime: (VolatilityRegime | null)[] = Array.from(volatility, (v, t) =>
    Number.isNaN(v) || Number.isNaN(lowThreshold[t]) ? null : v < lowThreshold[t] ? "low" : v > highThreshold[t] ? "high" : "normal",
  );
  return {volatility, regime, lowThreshold, highThreshold} as const;
}
