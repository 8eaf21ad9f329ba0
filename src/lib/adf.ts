import {adfGram} from "./adfGram.js";
import {cholesky} from "./cholesky.js";
import {mackinnonCrit, mackinnonP, type Regression, regressionOption} from "./mackinnon.js";

export type Autolag = "aic" | "bic" | "t-stat" | "none";

export interface AdfOptions {
  /** Deterministic terms: n (none), c (constant, default), ct (+ trend), ctt (+ quadratic trend). */
  readonly regression?: Regression;
  /** Lag selection: AIC (default), BIC, t-stat, or none (use maxlag). Case-insensitive. */
  readonly autolag?: string | null;
  /** Largest lag tried; default ⌈12·(n/100)^¼⌉ capped at n/2 − ntrend − 1, as statsmodels. */
  readonly maxlag?: number;
}

export interface CriticalValues {
  readonly "1%": number;
  readonly "5%": number;
  readonly "10%": number;
}

export interface AdfResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly usedLag: number;
  readonly nobs: number;
  readonly criticalValues: CriticalValues;
  /** Best information criterion (|t| of the last lag for t-stat); NaN when autolag is none. */
  readonly icBest: number;
}

const T_STOP = 1.6448536269514722; // norm.ppf(0.95), as statsmodels

/** Normalises an autolag option ("AIC", "bic", null …), failing with the accepted values. */
export function autolagOption(value: unknown): Autolag {
  if (value === null || value === undefined) return value === undefined ? "aic" : "none";
  const v = typeof value === "string" ? value.toLowerCase() : value;
  if (v !== "aic" && v !== "bic" && v !== "t-stat" && v !== "none") {
    throw new RangeError(`invalid autolag: ${JSON.stringify(value)} (expected aic, bic, t-stat or none)`);
  }
  return v;
}

/** The default and largest allowed maxlag for n points, as statsmodels `adfuller`. */
export function adfMaxlag(n: number, regression: Regression): {readonly default: number; readonly limit: number} {
  const nTrend = regression === "n" ? 0 : regression.length;
  const limit = Math.floor(n / 2) - nTrend - 1;
  return {default: Math.min(limit, Math.ceil(12 * Math.pow(n / 100, 1 / 4))), limit};
}

const undefinedResult = (): AdfResult => ({
  statistic: NaN,
  pValue: NaN,
  usedLag: NaN,
  nobs: NaN,
  criticalValues: {"1%": NaN, "5%": NaN, "10%": NaN},
  icBest: NaN,
});

/**
 * Augmented Dickey-Fuller unit-root test, matching statsmodels `adfuller(x, maxlag, regression,
 * autolag)`: same lag search (every lag fitted on the common sample of the largest), same AIC/BIC
 * and t-stat rules, MacKinnon (1994) p-value and (2010) critical values.
 *
 * All lag lengths share one cross-product matrix and one Cholesky factor (nested fits read their SSR
 * off its last row), so the cost is O(n·maxlag + maxlag³) instead of statsmodels' O(n·maxlag³).
 * RangeError for an invalid option or maxlag; NaN statistics for a series too short or constant.
 *
 *   adf(prices, {regression: "ct", autolag: "bic"}).pValue
 */
export function adf(x: ArrayLike<number>, options: AdfOptions = {}): AdfResult {
  const regression = regressionOption(options.regression ?? "c");
  const autolag = autolagOption(options.autolag);
  const n = x.length;
  const nTrend = regression === "n" ? 0 : regression.length;
  const {default: defaultMaxlag, limit} = adfMaxlag(n, regression);
  let maxlag = defaultMaxlag;
  if (options.maxlag !== undefined) {
    maxlag = options.maxlag;
    if (!Number.isInteger(maxlag) || maxlag < 0) throw new RangeError(`invalid maxlag: ${options.maxlag} (expected an integer ≥ 0)`);
    if (maxlag > limit) throw new RangeError(`invalid maxlag: ${maxlag} (must be at most n/2 − 1 − ntrend = ${limit} for ${n} points)`);
  } else if (maxlag < 0) return undefinedResult();
  for (let i = 0; i < n; ++i) if (!Number.isFinite(x[i])) throw new RangeError(`adf: x[${i}] is not a finite number`);

  let usedLag = maxlag,
    icBest = NaN;
  if (autolag !== "none") {
    const fits = nestedFits(x, maxlag, regression, false);
    if (fits === null) return undefinedResult();
    const {nobs, ssr, lastT} = fits;
    if (autolag === "t-stat") {
      for (let p = maxlag; p >= 0; --p) {
        ((icBest = Math.abs(lastT[p])), (usedLag = p));
        if (icBest >= T_STOP) break;
      }
    } else {
      const penalty = autolag === "aic" ? 2 : Math.log(nobs);
      icBest = Infinity;
      for (let p = 0; p <= maxlag; ++p) {
        const llf = (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr[p] / nobs) + 1);
        const ic = -2 * llf + penalty * (nTrend + 1 + p);
        if (ic < icBest) ((icBest = ic), (usedLag = p));
      }
      if (icBest === Infinity) return undefinedResult();
    }
  }
  const final = nestedFits(x, usedLag, regression, true);
  if (final === null) return {...undefinedResult(), usedLag, icBest};
  const statistic = final.lastT[usedLag];
  return {
    statistic,
    pValue: mackinnonP(statistic, regression, 1),
    usedLag,
    nobs: final.nobs,
    criticalValues: mackinnonCrit(1, regression, final.nobs),
    icBest,
  };
}

/**
 * SSR and the t statistic of the last column for every leading block of the ADF design with lags
 * 0 … `lags` on the sample of `lags`; null when the design is singular (e.g. a constant series).
 */
function nestedFits(x: ArrayLike<number>, lags: number, regression: Regression, levelLast: boolean) {
  const {g, q, nobs} = adfGram(x, lags, regression, levelLast);
  const size = q + 1,
    yy = g[q * size + q];
  // Scale to a unit diagonal so the pivot tolerance is relative (results are scale-invariant).
  const scale = new Float64Array(size);
  for (let i = 0; i < size; ++i) scale[i] = g[i * size + i] > 0 ? 1 / Math.sqrt(g[i * size + i]) : 0;
  for (let i = 0; i < size; ++i) for (let j = 0; j < size; ++j) g[i * size + j] *= scale[i] * scale[j];
  const rank = cholesky(g, size);
  if (rank < q || !(yy > 0)) return null;
  const nTrend = regression === "n" ? 0 : regression.length;
  const ssr = new Float64Array(lags + 1),
    lastT = new Float64Array(lags + 1);
  const yScale = Math.sqrt(yy);
  let explained = 0,
    col = 0;
  const base = q - lags; // columns before the first lag (trends and, unless last, the level)
  for (let p = 0; p <= lags; ++p) {
    const cols = base + p;
    for (; col < cols; ++col) explained += (g[q * size + col] * yScale) ** 2;
    ssr[p] = Math.max(0, yy - explained);
    const s = Math.sqrt(ssr[p] / (nobs - nTrend - 1 - p));
    lastT[p] = (g[q * size + cols - 1] * yScale) / s;
  }
  return {nobs, ssr, lastT};
}
