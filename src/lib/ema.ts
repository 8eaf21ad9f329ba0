/**
 * Exponential moving average with α = 2/(span + 1), seeded with the first value (pandas
 * `ewm(span, adjust=False).mean()`). O(n).
 *
 *   ema(closes, 12)
 */
export function ema(x: ArrayLike<number>, span: number): Float64Array {
  if (!(span >= 1)) throw new RangeError(`ema: invalid span ${span} (expected ≥ 1)`);
  return ewm(x, 2 / (span + 1), 0);
}

/** pandas `ewm(alpha=alpha, adjust=False).mean()` starting at index `from` (NaN before). O(n). */
export function ewm(x: ArrayLike<number>, alpha: number, from: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let y = NaN;
  for (let t = from; t < x.length; ++t) out[t] = y = Number.isNaN(y) ? x[t] : (1 - alpha) * y + alpha * x[t];
  return out;
}
