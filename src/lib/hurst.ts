/**
 * Hurst exponent by the scaling of lagged differences: the slope of log std(x_{t+τ} − x_t) (ddof 0)
 * against log τ for τ = 2 … maxLag − 1 (numpy `polyfit(log(lags), log(tau), 1)[0]`, the form popular
 * in pairs-trading notes). ≈ 0.5 for a random walk, < 0.5 mean-reverting, > 0.5 trending.
 * NaN when a lagged difference is constant. O(n·maxLag).
 *
 *   hurst(spread, {maxLag: 20})
 */
export function hurst(x: ArrayLike<number>, {maxLag = 20}: {maxLag?: number} = {}): number {
  const n = x.length;
  if (!Number.isInteger(maxLag) || maxLag < 4) throw new RangeError(`hurst: invalid maxLag ${maxLag} (expected an integer ≥ 4)`);
  if (n <= maxLag) return NaN;
  const lx: number[] = [],
    ly: number[] = [];
  for (let lag = 2; lag < maxLag; ++lag) {
    const m = n - lag;
    let mean = 0;
    for (let t = 0; t < m; ++t) mean += x[t + lag] - x[t];
    mean /= m;
    let ss = 0;
    for (let t = 0; t < m; ++t) ss += (x[t + lag] - x[t] - mean) ** 2;
    if (!(ss > 0)) return NaN;
    (lx.push(Math.log(lag)), ly.push(Math.log(Math.sqrt(ss / m))));
  }
  const k = lx.length,
    mx = lx.reduce((s, v) => s + v, 0) / k,
    my = ly.reduce((s, v) => s + v, 0) / k;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < k; ++i) ((sxy += (lx[i] - mx) * (ly[i] - my)), (sxx += (lx[i] - mx) ** 2));
  return sxy / sxx;
}
