import {ols} from "./ols.js";

/**
 * Half-life of mean reversion of a spread, in bars: OLS of Δs_t on [1, s_{t−1}] gives λ, and the
 * half-life is −ln 2 / ln(1 + λ). NaN when the spread does not revert (λ ≥ 0), over-reverts
 * (1 + λ ≤ 0) or is too short. O(n).
 *
 *   halfLife(spread(eth, btc, hedge)) // e.g. 37.2
 */
export function halfLife(s: ArrayLike<number>): number {
  const n = s.length;
  if (n < 4) return NaN;
  const lagged = new Float64Array(n - 1),
    diff = new Float64Array(n - 1);
  for (let t = 1; t < n; ++t) ((lagged[t - 1] = s[t - 1]), (diff[t - 1] = s[t] - s[t - 1]));
  const lambda = ols(diff, lagged).beta;
  return lambda < 0 && lambda > -1 ? -Math.LN2 / Math.log1p(lambda) : NaN;
}
