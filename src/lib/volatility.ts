import {rollingStd} from "./rolling.js";

export type VolatilityRegime = "low" | "normal" | "high";

/**
 * Rolling volatility of log returns (pandas `np.log(p).diff().rolling(w).std()`, ddof 1, NaN for the
 * first w bars) with a regime label per bar: low below the `low` quantile of the defined values, high
 * above the `high` quantile (numpy linear quantiles; defaults ⅓ and ⅔), null where undefined. O(n log n).
 *
 *   rollingVolatility(btc, 60).regime.at(-1) // "normal"
 */
export function rollingVolatility(
  prices: ArrayLike<number>,
  window: number,
  {low = 1 / 3, high = 2 / 3}: {low?: number; high?: number} = {},
) {
  if (!(low >= 0 && low <= high && high <= 1))
    throw new RangeError(`rollingVolatility: invalid quantiles ${low}, ${high} (expected 0 ≤ low ≤ high ≤ 1)`);
  const n = prices.length;
  const returns = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; ++t) returns[t] = Math.log(prices[t] / prices[t - 1]);
  const volatility = new Float64Array(n).fill(NaN);
  if (n > 1) volatility.set(rollingStd(returns.subarray(1), window), 1);
  const defined = volatility.filter((v) => !Number.isNaN(v)).sort();
  const lowThreshold = quantile(defined, low),
    highThreshold = quantile(defined, high);
  const regime: (VolatilityRegime | null)[] = Array.from(volatility, (v) =>
    Number.isNaN(v) ? null : v < lowThreshold ? "low" : v > highThreshold ? "high" : "normal",
  );
  return {volatility, regime, lowThreshold, highThreshold} as const;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q,
    i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}
