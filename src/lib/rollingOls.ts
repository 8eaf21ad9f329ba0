/**
 * OLS of a on [1, b] over each trailing window of `window` points (statsmodels `RollingOLS(a,
 * add_constant(b), window)`): alpha, beta and R², NaN for the first window − 1 and for constant b.
 * Windowed sums are recomputed around each window's first point so long price series stay accurate.
 * O(n).
 *
 *   rollingOls(eth, btc, 60).beta
 */
export function rollingOls(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  window: number,
): {readonly alpha: Float64Array; readonly beta: Float64Array; readonly rSquared: Float64Array} {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`rollingOls: a and b differ in length (${n} vs ${b.length})`);
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`rollingOls: invalid window ${window} (expected an integer ≥ 3)`);
  const alpha = new Float64Array(n).fill(NaN),
    beta = new Float64Array(n).fill(NaN),
    rSquared = new Float64Array(n).fill(NaN);
  // Sums of deviations from a shift point (the window's first value, refreshed every window).
  let ka = 0,
    kb = 0,
    sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  const reset = (start: number, end: number) => {
    ((ka = a[start]), (kb = b[start]), (sa = sb = saa = sbb = sab = 0));
    for (let i = start; i < end; ++i) add(i, 1);
  };
  const add = (i: number, sign: number) => {
    const da = a[i] - ka,
      db = b[i] - kb;
    ((sa += sign * da), (sb += sign * db), (saa += sign * da * da), (sbb += sign * db * db), (sab += sign * da * db));
  };
  for (let t = window - 1; t < n; ++t) {
    const start = t - window + 1;
    if (start % window === 0 || t === window - 1) reset(start, t + 1);
    else (add(t, 1), add(start - 1, -1));
    const vbb = sbb - (sb * sb) / window,
      vab = sab - (sa * sb) / window,
      vaa = saa - (sa * sa) / window;
    if (!(vbb > 0)) continue;
    const bt = vab / vbb;
    beta[t] = bt;
    alpha[t] = ka + sa / window - bt * (kb + sb / window);
    rSquared[t] = vaa > 0 ? (vab * vab) / (vbb * vaa) : NaN;
  }
  return {alpha, beta, rSquared};
}
