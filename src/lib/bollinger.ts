import {rollingMean, rollingStd} from "./rolling.js";

/**
 * Bollinger bands: rolling mean ± k·rolling std (ddof 1, as pandas `rolling(w).std()`) over `window`
 * bars, NaN for the first window − 1 (defaults 20 and 2). O(n).
 *
 *   bollinger(closes, {window: 20, k: 2}).upper
 */
export function bollinger(prices: ArrayLike<number>, {window = 20, k = 2}: {window?: number; k?: number} = {}) {
  const middle = rollingMean(prices, window),
    std = rollingStd(prices, window);
  return {middle, upper: middle.map((m, i) => m + k * std[i]), lower: middle.map((m, i) => m - k * std[i])} as const;
}
