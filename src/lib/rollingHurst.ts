/**
 * Hurst exponent over a trailing window: at bar t, `hurst(x.slice(t − window + 1, t + 1), {maxLag})`
 * (./hurst.ts: the slope of log std(x_{s+τ} − x_s), ddof 0, against log τ for τ = 2 … maxLag − 1), NaN
 * for the first window − 1 bars, where a window holds a NaN, or where a lagged difference is constant
 * over the window (no nonzero difference). A trailing window uses no later bar. Per lag, running sums
 * of the differences and their squares over the window (recomputed exactly every 4096 bars and after
 * a NaN, so they cannot drift): O(n·maxLag) instead of O(n·window·maxLag).
 *
 *   rollingHurst(closes, {window: 300, maxLag: 20})
 */
export function rollingHurst(x: ArrayLike<number>, {window = 300, maxLag = 20}: {window?: number; maxLag?: number} = {}): Float64Array {
  if (!Number.isInteger(maxLag) || maxLag < 4) throw new RangeError(`rollingHurst: invalid maxLag ${maxLag} (expected an integer ≥ 4)`);
  if (!Number.isInteger(window) || window <= maxLag)
    throw new RangeError(`rollingHurst: invalid window ${window} (expected an integer > maxLag ${maxLag})`);
  const n = x.length,
    k = maxLag - 2,
    out = new Float64Array(n).fill(NaN);
  const lx = Float64Array.from({length: k}, (_, j) => Math.log(j + 2)),
    mx = lx.reduce((s, v) => s + v, 0) / k,
    sxx = lx.reduce((s, v) => s + (v - mx) ** 2, 0);
  // Per lag τ: the window at t holds the differences d_s = x_s − x_{s−τ} for s in (t − window + τ, t].
  const s1 = new Float64Array(k),
    s2 = new Float64Array(k),
    nonzero = new Int32Array(k);
  let nanAt = -1;
  const d = (s: number, lag: number) => x[s] - x[s - lag];
  for (let t = 0; t < n; ++t) {
    if (Number.isNaN(x[t])) nanAt = t;
    // Exactly, every 4096 bars and when a NaN has just left the window (the running sums carry it).
    const exact = (t % 4096 === 4095 || (nanAt >= 0 && t - window === nanAt)) && t >= window - 1;
    for (let j = 0; j < k; ++j) {
      const lag = j + 2;
      if (exact) {
        ((s1[j] = 0), (s2[j] = 0), (nonzero[j] = 0));
        for (let s = t - window + 1 + lag; s <= t; ++s) {
          const v = d(s, lag);
          ((s1[j] += v), (s2[j] += v * v), (nonzero[j] += v !== 0 ? 1 : 0));
        }
        continue;
      }
      if (t >= lag) {
        const v = d(t, lag);
        ((s1[j] += v), (s2[j] += v * v), (nonzero[j] += v !== 0 ? 1 : 0));
      }
      const old = t - window + lag;
      if (old >= lag) {
        const v = d(old, lag);
        ((s1[j] -= v), (s2[j] -= v * v), (nonzero[j] -= v !== 0 ? 1 : 0));
      }
    }
    if (t < window - 1 || nanAt > t - window) continue;
    let my = 0,
      sxy = 0,
      ok = true;
    const ly = new Float64Array(k);
    for (let j = 0; j < k && ok; ++j) {
      const m = window - j - 2,
        variance = (s2[j] - (s1[j] * s1[j]) / m) / m;
      ok = nonzero[j] > 0 && variance > 0;
      ly[j] = 0.5 * Math.log(variance);
      my += ly[j];
    }
    if (!ok) continue;
    my /= k;
    for (let j = 0; j < k; ++j) sxy += (lx[j] - mx) * (ly[j] - my);
    out[t] = sxy / sxx;
  }
  return out;
}
