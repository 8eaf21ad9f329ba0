import {windowMoments} from "./moments.js";

/**
 * OLS of a on [1, b] over each trailing window of `window` points (statsmodels `RollingOLS(a,
 * add_constant(b), window)`): alpha, beta and R², NaN for the first window − 1 and for constant b.
 * Windowed sums from `windowMoments`, so long price series stay accurate.
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
  windowMoments(a, b, window, (t, {ka, kb, sa, sb, vaa, vbb, vab}) => {
    if (!(vbb > 0)) return;
    const bt = vab / vbb;
    beta[t] = bt;
    alpha[t] = ka + sa / window - bt * (kb + sb / window);
    rSquared[t] = vaa > 0 ? (vab * vab) / (vbb * vaa) : NaN;
  });
  return {alpha, beta, rSquared};
}
