import {ewm} from "./ema.js";

/**
 * Wilder's RSI over `period` bars: averages of gains and losses by pandas `ewm(alpha=1/period,
 * adjust=False, min_periods=period)` over the price changes; 100 when there are no losses, NaN
 * for the first `period` bars and when prices are flat. O(n).
 *
 *   rsi(closes, 14)
 */
export function rsi(prices: ArrayLike<number>, period = 14): Float64Array {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`rsi: invalid period ${period} (expected an integer ≥ 1)`);
  const n = prices.length;
  const gain = new Float64Array(n),
    loss = new Float64Array(n);
  for (let t = 1; t < n; ++t) {
    const d = prices[t] - prices[t - 1];
    ((gain[t] = d > 0 ? d : 0), (loss[t] = d < 0 ? -d : 0));
  }
  const ag = ewm(gain, 1 / period, 1),
    al = ewm(loss, 1 / period, 1);
  const out = new Float64Array(n).fill(NaN);
  for (let t = period; t < n; ++t) out[t] = al[t] === 0 ? (ag[t] === 0 ? NaN : 100) : 100 - 100 / (1 + ag[t] / al[t]);
  return out;
}
