import {IncrementalRollingOls} from "./incrementalRollingOls.js";

/**
 * OLS of a on [1, b] over each trailing window of `window` points (statsmodels `RollingOLS(a,
 * add_constant(b), window)`): alpha, beta and R², NaN for the first window − 1 and for constant b.
 * Windowed sums as `windowMoments` takes them, so long price series stay accurate; runs
 * `IncrementalRollingOls` (so a fit fed bar by bar gives the same numbers). O(n).
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
  const r = new IncrementalRollingOls(window);
  const alpha = new Float64Array(n),
    beta = new Float64Array(n),
    rSquared = new Float64Array(n);
  for (let t = 0; t < n; ++t) {
    r.push(a, b);
    ((alpha[t] = r.alpha), (beta[t] = r.beta), (rSquared[t] = r.rSquared));
  }
  return {alpha, beta, rSquared};
}
