/**
 * Total least squares (orthogonal regression) of a on b: the principal axis of the centred (b, a)
 * cloud, as the leading eigenvector of their 2×2 covariance (numpy `eigh`). O(n).
 * beta is NaN when the cloud has no unique principal axis (both series constant, or isotropic).
 *
 *   tls(eth, btc).beta
 */
export function tls(a: ArrayLike<number>, b: ArrayLike<number>): {readonly alpha: number; readonly beta: number} {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`tls: a and b differ in length (${n} vs ${b.length})`);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; ++i) (ma += a[i]), (mb += b[i]);
  ma /= n, mb /= n;
  let saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < n; ++i) {
    const da = a[i] - ma, db = b[i] - mb;
    saa += da * da, sbb += db * db, sab += da * db;
  }
  // Leading eigenvector (v_b, v_a) of [[sbb, sab], [sab, saa]]; slope v_a / v_b, in a stable form.
  const diff = saa - sbb, root = Math.hypot(diff, 2 * sab);
  const beta = sab === 0 ? (diff < 0 ? 0 : NaN) : diff >= 0 ? (diff + root) / (2 * sab) : (2 * sab) / (root - diff);
  return {alpha: ma - beta * mb, beta};
}
