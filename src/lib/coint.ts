import {adf, type CriticalValues} from "./adf.js";
import {lstsq} from "./lstsq.js";
import {mackinnonCrit, mackinnonP, type Regression, regressionOption} from "./mackinnon.js";

export interface CointOptions {
  /** Deterministic terms of the cointegrating regression: n (none), c (constant, default), ct (+ trend),
   * ctt (+ quadratic trend). */
  readonly trend?: Regression;
  /** Lag selection of the residual ADF: AIC (default), BIC, t-stat or none. */
  readonly autolag?: string | null;
  readonly maxlag?: number;
}

export interface CointResult {
  readonly statistic: number;
  /** MacKinnon (1994) p-value for N = regressors + 1 series. */
  readonly pValue: number;
  /** MacKinnon (2010) critical values; NaN for trend n (none published), as statsmodels. */
  readonly criticalValues: CriticalValues;
  /** Lag used by the residual ADF. */
  readonly usedLag: number;
  /** The cointegrating regression a = alpha + Σ betas[i]·b_i (+ trend·t + quadratic·t², t = 1 … n). */
  readonly alpha: number;
  /** betas[0]: the hedge ratio of a pair. */
  readonly beta: number;
  readonly betas: Float64Array;
  /** Coefficients of t and t² (0 when the trend has no such term). */
  readonly trend: number;
  readonly quadratic: number;
  /** a − the fitted regression: the spread the residual ADF tests. */
  readonly residuals: Float64Array;
}

const SQRT_EPS = Math.sqrt(2 ** -52);

/** Largest number of regressors MacKinnon's 1994 p-value surfaces allow (N ≤ 6 series). */
export const maxCointRegressors = 5;

/**
 * Engle-Granger two-step cointegration test of a on one series b or a basket [b1, …, bk], as
 * statsmodels `coint(a, b, trend, maxlag, autolag)`: OLS of a on [b1 … bk, 1, t, t²] (the terms of
 * the trend), then an ADF without deterministic terms on the residuals; MacKinnon p-value and
 * critical values for N = k + 1 series (critical values at nobs − 1, as statsmodels). An (almost)
 * perfectly collinear fit gives statistic −∞ and p-value 0, as statsmodels. RangeError for more
 * than 5 regressors. O(n·(k + maxlag)²).
 *
 *   coint(btc, [eth, sol], {trend: "ct"}).pValue
 */
export function coint(a: ArrayLike<number>, b: ArrayLike<number> | readonly ArrayLike<number>[], options: CointOptions = {}): CointResult {
  const trend = regressionOption(options.trend ?? "c");
  const n = a.length;
  const legs = isBasket(b) ? b : [b];
  const k = legs.length;
  if (k < 1 || k > maxCointRegressors)
    throw new RangeError(`coint: ${k} regressors (expected 1 to ${maxCointRegressors}: MacKinnon's p-values stop at N = 6 series)`);
  for (const leg of legs) if (leg.length !== n) throw new RangeError(`coint: a and b differ in length (${n} vs ${leg.length})`);
  const columns: ArrayLike<number>[] = [...legs];
  if (trend !== "n") columns.push(new Float64Array(n).fill(1));
  if (trend === "ct" || trend === "ctt") columns.push(Float64Array.from({length: n}, (_, i) => i + 1));
  if (trend === "ctt") columns.push(Float64Array.from({length: n}, (_, i) => (i + 1) ** 2));
  const fit = lstsq(columns, a);
  const c = fit.coefficients;
  // statsmodels' R²: centred with a constant, uncentred without.
  let mean = 0;
  if (trend !== "n") {
    for (let i = 0; i < n; ++i) mean += a[i];
    mean /= n;
  }
  let tss = 0;
  for (let i = 0; i < n; ++i) tss += (a[i] - mean) ** 2;
  const rSquared = 1 - fit.ssr / tss;
  const criticalValues = trend === "n" ? {"1%": NaN, "5%": NaN, "10%": NaN} : mackinnonCrit(k + 1, trend, n - 1);
  const fitted = {
    criticalValues,
    alpha: trend === "n" ? 0 : c[k],
    beta: c[0],
    betas: c.slice(0, k),
    trend: trend === "ct" || trend === "ctt" ? c[k + 1] : 0,
    quadratic: trend === "ctt" ? c[k + 2] : 0,
    residuals: fit.residuals,
  };
  if (rSquared >= 1 - 100 * SQRT_EPS) return {statistic: -Infinity, pValue: 0, usedLag: NaN, ...fitted};
  const test = adf(fit.residuals, {regression: "n", autolag: options.autolag, maxlag: options.maxlag});
  return {statistic: test.statistic, pValue: mackinnonP(test.statistic, trend, k + 1), usedLag: test.usedLag, ...fitted};
}

function isBasket(b: ArrayLike<number> | readonly ArrayLike<number>[]): b is readonly ArrayLike<number>[] {
  return b.length > 0 && typeof b[0] !== "number";
}
