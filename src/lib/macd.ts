import {ema} from "./ema.js";

/**
 * MACD: ema(fast) − ema(slow), its ema(signal) and the histogram (pandas `ewm(span, adjust=False)`;
 * defaults 12, 26, 9). O(n).
 *
 *   macd(closes).histogram
 */
export function macd(prices: ArrayLike<number>, {fast = 12, slow = 26, signal = 9}: {fast?: number; slow?: number; signal?: number} = {}) {
  if (!(fast < slow)) throw new RangeError(`macd: fast span ${fast} must be below slow span ${slow}`);
  const f = ema(prices, fast),
    s = ema(prices, slow);
  const line = f.map((v, i) => v - s[i]);
  const sig = ema(line, signal);
  return {macd: line, signal: sig, histogram: line.map((v, i) => v - sig[i])} as const;
}
