// Independent transcriptions of the dynamic hedges for tests: Chan's Kalman filter written out with
// 2×2 matrices, and OLS of each rolling window from its slice (two-pass).

/** Chan's Kalman filter on θ = [β, α], x = [b, 1]: θ₀ = 0, P₀ = 0, R = P + Vw (t > 0), posterior θ after each bar. */
export function kalmanOracle(a: ArrayLike<number>, b: ArrayLike<number>, delta: number, ve: number) {
  let th = [0, 0],
    P = [
      [0, 0],
      [0, 0],
    ];
  const vw = delta / (1 - delta),
    beta: number[] = [],
    alpha: number[] = [];
  for (let t = 0; t < a.length; ++t) {
    const R = t === 0 ? P : P.map((row, i) => row.map((v, j) => v + (i === j ? vw : 0)));
    const x = [b[t], 1];
    const Rx = [R[0][0] * x[0] + R[0][1] * x[1], R[1][0] * x[0] + R[1][1] * x[1]];
    const Q = x[0] * Rx[0] + x[1] * Rx[1] + ve;
    const K = [Rx[0] / Q, Rx[1] / Q];
    const e = a[t] - (th[0] * x[0] + th[1] * x[1]);
    th = [th[0] + K[0] * e, th[1] + K[1] * e];
    P = [0, 1].map((i) => [0, 1].map((j) => R[i][j] - K[i] * Rx[j]));
    (beta.push(th[0]), alpha.push(th[1]));
  }
  return {beta, alpha};
}

/** OLS of a on b over the `h` bars ending at each bar (NaN before the first full window). */
export function rollingOlsOracle(a: ArrayLike<number>, b: ArrayLike<number>, h: number) {
  const beta: number[] = [],
    alpha: number[] = [];
  for (let t = 0; t < a.length; ++t) {
    if (t < h - 1) {
      (beta.push(NaN), alpha.push(NaN));
      continue;
    }
    const x = Array.from({length: h}, (_, i) => b[t - h + 1 + i]),
      y = Array.from({length: h}, (_, i) => a[t - h + 1 + i]);
    const mx = x.reduce((s, v) => s + v, 0) / h,
      my = y.reduce((s, v) => s + v, 0) / h;
    let sxy = 0,
      sxx = 0;
    for (let i = 0; i < h; ++i) ((sxy += (x[i] - mx) * (y[i] - my)), (sxx += (x[i] - mx) ** 2));
    (beta.push(sxy / sxx), alpha.push(my - (sxy / sxx) * mx));
  }
  return {beta, alpha};
}

/** z of the last of `s`'s final `w` values: (last − mean) / std (ddof 1), two-pass. */
export function lastZ(s: readonly number[], w: number): number {
  const x = s.slice(-w);
  const m = x.reduce((acc, v) => acc + v, 0) / w;
  const sd = Math.sqrt(x.reduce((acc, v) => acc + (v - m) ** 2, 0) / (w - 1));
  return (x[w - 1] - m) / sd;
}
