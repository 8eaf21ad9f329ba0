import {centredMoments} from "./moments.js";

/**
 * Total least squares (orthogonal regression) of a on b: the principal axis of the centred (b, a)
 * cloud, as the leading eigenvector of their 2×2 covariance (numpy `eigh`). O(n).
 * beta is NaN when the cloud has no unique principal axis (both series constant, or isotropic).
 *
 *   tls(eth, btc).beta
 */
export function tls(a: ArrayLike<number>, b: ArrayLike<number>): {readonly alpha: number; readonly beta: number} {
  const {ma, mb, saa, sbb, sab} = centredMoments(a, b, "tls");
  // Leading eigenvector (v_b, v_a) of [[sbb, sab], [sab, saa]]; slope v_a / v_b, in a stable form.
  const diff = saa - sbb,
    root = Math.hypot(diff, 2 * sab);
  const beta = sab === 0 ? (diff < 0 ? 0 : NaN) : diff >= 0 ? (diff + root) / (2 * sab) : (2 * sab) / (root - diff);
  return {alpha: ma - beta * mb, beta};
}
