import {centredMoments} from "./moments.js";

/** Ordinary least squares of a on b with an intercept: a_t = alpha + beta·b_t + e_t. */
export interface OlsFit {
  readonly n: number;
  readonly alpha: number;
  readonly beta: number;
  readonly alphaStdErr: number;
  readonly betaStdErr: number;
  readonly alphaT: number;
  readonly betaT: number;
  readonly rSquared: number;
  readonly residuals: Float64Array;
}

/**
 * Fits a = alpha + beta·b by OLS (as statsmodels `OLS(a, add_constant(b)).fit()`), in O(n).
 * Throws RangeError on a length mismatch; returns NaN statistics when b is constant or n < 3.
 *
 *   ols([1, 2, 3.1], [1, 2, 3]).beta // ≈ 1.05
 */
export function ols(a: ArrayLike<number>, b: ArrayLike<number>): OlsFit {
  const {n, ma, mb, saa, sbb, sab} = centredMoments(a, b, "ols");
  const beta = sbb > 0 ? sab / sbb : NaN;
  const alpha = ma - beta * mb;
  const residuals = new Float64Array(n);
  let sse = 0;
  for (let i = 0; i < n; ++i) {
    const e = a[i] - alpha - beta * b[i];
    ((residuals[i] = e), (sse += e * e));
  }
  const s2 = n > 2 ? sse / (n - 2) : NaN;
  const betaStdErr = Math.sqrt(s2 / sbb);
  const alphaStdErr = Math.sqrt(s2 * (1 / n + (mb * mb) / sbb));
  return {
    n,
    alpha,
    beta,
    alphaStdErr,
    betaStdErr,
    alphaT: alpha / alphaStdErr,
    betaT: beta / betaStdErr,
    rSquared: saa > 0 ? 1 - sse / saa : NaN,
    residuals,
  };
}
