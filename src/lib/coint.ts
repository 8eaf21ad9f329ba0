import {adf, type CriticalValues} from "./adf.js";
import {lstsq} from "./lstsq.js";
import {mackinnonCrit, mackinnonP, regressionOption} from "./mackinnon.js";

export interface CointOptions {
  /** Deterministic terms of the cointegrating regression: c (default) or ct. */
  readonly trend?: "c" | "ct";
  /** Lag selection of the residual ADF: AIC (default), BIC, t-stat or none. */
  readonly autolag?: string | null;
  readonly maxlag?: number;
}

export interface CointResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly criticalValues: CriticalValues;
  /** Lag used by the residual ADF. */
  readonly usedLag: number;
  /** The cointegrating regression a = alpha + beta·b (+ trend·t). */
  readonly alpha: number;
  readonly beta: number;
}

const SQRT_EPS = Math.sqrt(2 ** -52);

/**
 * Engle-Granger two-step cointegration test of a on b, as statsmodels `coint(a, b, trend, maxlag,
 * autolag)`: OLS of a on [b, 1(, t)], then an ADF without deterministic terms on the residuals;
 * MacKinnon p-value and critical values for N = 2 series (critical values at nobs − 1, as statsmodels).
 * An (almost) perfectly collinear pair gives statistic −∞ and p-value 0, as statsmodels.
 * O(n·maxlag) like `adf`.
 *
 *   coint(eth, btc).pValue
 */
export function coint(a: ArrayLike<number>, b: ArrayLike<number>, options: CointOptions = {}): CointResult {
  const trend = regressionOption(options.trend ?? "c", ["c", "ct"]);
  const n = a.length;
  if (b.length !== n) throw new RangeError(`coint: a and b differ in length (${n} vs ${b.length})`);
  const ones = new Float64Array(n).fill(1);
  const columns: ArrayLike<number>[] = [b, ones];
  if (trend === "ct") columns.push(Float64Array.from({length: n}, (_, i) => i + 1));
  const fit = lstsq(columns, a);
  let mean = 0;
  for (let i = 0; i < n; ++i) mean += a[i];
  mean /= n;
  let tss = 0;
  for (let i = 0; i < n; ++i) tss += (a[i] - mean) ** 2;
  const rSquared = 1 - fit.ssr / tss;
  const criticalValues = mackinnonCrit(2, trend, n - 1);
  const [beta, alpha] = fit.coefficients;
  if (rSquared >= 1 - 100 * SQRT_EPS) return {statistic: -Infinity, pValue: 0, criticalValues, usedLag: NaN, alpha, beta};
  const test = adf(fit.residuals, {regression: "n", autolag: options.autolag, maxlag: options.maxlag});
  return {statistic: test.statistic, pValue: mackinnonP(test.statistic, trend, 2), criticalValues, usedLag: test.usedLag, alpha, beta};
}
