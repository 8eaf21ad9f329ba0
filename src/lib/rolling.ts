function checkWindow(name: string, window: number, min = 1): void {
  if (!Number.isInteger(window) || window < min) throw new RangeError(`${name}: invalid window ${window} (expected an integer ≥ ${min})`);
}

/**
 * Trailing mean over `window` values, NaN for the first window−1 (pandas `rolling(w).mean()`). O(n).
 * For finite x: the running sums carry a NaN to every later value, where pandas recovers once the
 * window has passed it — start the series after a NaN prefix (the pages do), as the incremental
 * forms (incrementalZScore.ts) do the same arithmetic.
 */
export function rollingMean(x: ArrayLike<number>, window: number): Float64Array {
  checkWindow("rollingMean", window);
  const n = x.length,
    out = new Float64Array(n).fill(NaN);
  let sum = 0;
  for (let i = 0; i < n; ++i) {
    sum += x[i];
    if (i >= window) sum -= x[i - window];
    if (i >= window - 1) out[i] = sum / window;
  }
  return out;
}

/**
 * Trailing sample standard deviation (ddof 1) over `window` values, NaN for the first window−1
 * (pandas `rolling(w).std()`). Welford-style updates keep it stable on price-sized values. O(n).
 */
export function rollingStd(x: ArrayLike<number>, window: number): Float64Array {
  checkWindow("rollingStd", window, 2);
  const n = x.length,
    out = new Float64Array(n).fill(NaN);
  let mean = 0,
    m2 = 0;
  for (let i = 0; i < n; ++i) {
    if (i < window) {
      const d = x[i] - mean;
      mean += d / (i + 1);
      m2 += d * (x[i] - mean);
    } else {
      const xin = x[i],
        xout = x[i - window];
      const oldMean = mean;
      mean += (xin - xout) / window;
      m2 += (xin - xout) * (xin - mean + xout - oldMean);
    }
    if (i >= window - 1) out[i] = Math.sqrt(Math.max(0, m2) / (window - 1));
  }
  return out;
}

/** (x − rolling mean) / rolling std over a trailing window; NaN where undefined (std 0 or warm-up). O(n). */
export function rollingZScore(x: ArrayLike<number>, window: number): Float64Array {
  const mean = rollingMean(x, window),
    std = rollingStd(x, window);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; ++i) out[i] = std[i] > 0 ? (x[i] - mean[i]) / std[i] : NaN;
  return out;
}
