import {cholesky} from "./cholesky.js";
import {johansenMaxEigCritical, johansenTraceCritical} from "./johansenCritical.js";
import {lstsq} from "./lstsq.js";
import {symmetricEigen} from "./symmetricEigen.js";

export interface JohansenOptions {
  /** −1: no deterministic terms; 0: constant (default); 1: linear trend. */
  readonly detOrder?: number;
  /** Number of lagged differences in the VECM (default 1). */
  readonly kArDiff?: number;
}

export interface JohansenResult {
  /** Eigenvalues, descending. */
  readonly eigenvalues: Float64Array;
  /** Trace statistic for r ≤ 0, 1, … k−1. */
  readonly traceStat: Float64Array;
  readonly maxEigStat: Float64Array;
  /** Per row r: [90 %, 95 %, 99 %]. */
  readonly traceCritical: readonly (readonly [number, number, number])[];
  readonly maxEigCritical: readonly (readonly [number, number, number])[];
  /** Column j (row-major k×k) is the cointegrating vector of eigenvalues[j], normalised so Vᵀ·Skk·V = I
   * and its first non-zero entry is positive (statsmodels leaves per-column signs to LAPACK). */
  readonly eigenvectors: Float64Array;
  /** Number of residual rows T used in the statistics. */
  readonly nobs: number;
}

/**
 * Johansen's cointegration test, as statsmodels `coint_johansen(endog, det_order, k_ar_diff)`:
 * the same detrending, residual regressions and generalised eigenproblem Sk0·S00⁻¹·S0k v = λ·Skk v
 * (solved through Skk's Cholesky factor and a symmetric eigen-solver), trace and max-eigenvalue
 * statistics, and MacKinnon-Haug-Michelis critical values. O(n·k²·kArDiff² + k³).
 *
 *   johansen([eth, btc], {detOrder: 0, kArDiff: 1}).traceStat[0]
 */
export function johansen(series: readonly ArrayLike<number>[], options: JohansenOptions = {}): JohansenResult {
  const detOrder = options.detOrder ?? 0,
    kAr = options.kArDiff ?? 1;
  if (detOrder !== -1 && detOrder !== 0 && detOrder !== 1)
    throw new RangeError(`invalid detOrder: ${JSON.stringify(options.detOrder)} (expected -1, 0 or 1)`);
  if (!Number.isInteger(kAr) || kAr < 0)
    throw new RangeError(`invalid kArDiff: ${JSON.stringify(options.kArDiff)} (expected an integer ≥ 0)`);
  const k = series.length;
  if (k < 1) throw new RangeError("johansen: expected at least one series");
  const n = series[0].length;
  for (const s of series) if (s.length !== n) throw new RangeError(`johansen: series differ in length (${n} vs ${s.length})`);
  const T = n - 1 - kAr;
  if (T <= k * (kAr + 1) + 1) throw new RangeError(`johansen: ${n} rows are too few for ${k} series and kArDiff ${kAr}`);
  const f = detOrder > -1 ? 0 : -1;
  const endog = series.map((s) => detrend(Float64Array.from(s), detOrder));
  const dx = endog.map((y) => y.subarray(1).map((v, i) => v - y[i]));
  // Lagged differences: column (lag l, series j) at row r is dx_j[kAr + r − l].
  const z: Float64Array[] = [];
  for (let l = 1; l <= kAr; ++l) for (let j = 0; j < k; ++j) z.push(detrend(dx[j].slice(kAr - l, kAr - l + T), f));
  const r0 = dx.map((d) => resid(detrend(d.slice(kAr), f), z));
  const rk = endog.map((y) => resid(detrend(y.slice(1, 1 + T), f), z));
  const cross = (u: Float64Array[], v: Float64Array[]) => {
    const m = new Float64Array(k * k);
    for (let i = 0; i < k; ++i)
      for (let j = 0; j < k; ++j) {
        let s = 0;
        for (let t = 0; t < T; ++t) s += u[i][t] * v[j][t];
        m[i * k + j] = s / T;
      }
    return m;
  };
  const skk = cross(rk, rk),
    sk0 = cross(rk, r0),
    s00 = cross(r0, r0);
  // sig = Sk0·S00⁻¹·S0k, via S00 = M·Mᵀ: sig = (Sk0·M⁻ᵀ)(Sk0·M⁻ᵀ)ᵀ.
  const m00 = s00.slice();
  const lk = skk.slice();
  if (cholesky(m00, k, 0) < k || cholesky(lk, k, 0) < k)
    throw new RangeError("johansen: singular covariance (constant or collinear series)");
  const a = new Float64Array(k * k); // rows: Sk0 rows solved against Mᵀ
  for (let i = 0; i < k; ++i) {
    for (let j = 0; j < k; ++j) {
      let s = sk0[i * k + j];
      for (let p = 0; p < j; ++p) s -= a[i * k + p] * m00[j * k + p];
      a[i * k + j] = s / m00[j * k + j];
    }
  }
  // C = L⁻¹·A·Aᵀ·L⁻ᵀ with Skk = L·Lᵀ: B = L⁻¹A, C = B·Bᵀ (symmetric by construction).
  const b = new Float64Array(k * k);
  for (let j = 0; j < k; ++j) {
    for (let i = 0; i < k; ++i) {
      let s = a[i * k + j];
      for (let p = 0; p < i; ++p) s -= lk[i * k + p] * b[p * k + j];
      b[i * k + j] = s / lk[i * k + i];
    }
  }
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; ++i)
    for (let j = 0; j < k; ++j) {
      let s = 0;
      for (let p = 0; p < k; ++p) s += b[i * k + p] * b[j * k + p];
      c[i * k + j] = s;
    }
  const {values, vectors: w} = symmetricEigen(c, k);
  // v = L⁻ᵀ w, column by column.
  const v = new Float64Array(k * k);
  for (let col = 0; col < k; ++col) {
    for (let i = k - 1; i >= 0; --i) {
      let s = w[i * k + col];
      for (let p = i + 1; p < k; ++p) s -= lk[p * k + i] * v[p * k + col];
      v[i * k + col] = s / lk[i * k + i];
    }
    let first = 0;
    for (let i = 0; i < k && first === 0; ++i) first = v[i * k + col];
    if (first < 0) for (let i = 0; i < k; ++i) v[i * k + col] = -v[i * k + col];
  }
  const traceStat = new Float64Array(k),
    maxEigStat = new Float64Array(k);
  for (let i = k - 1; i >= 0; --i) {
    maxEigStat[i] = -T * Math.log(1 - values[i]);
    traceStat[i] = maxEigStat[i] + (i + 1 < k ? traceStat[i + 1] : 0);
  }
  const d = detOrder;
  return {
    eigenvalues: values,
    traceStat,
    maxEigStat,
    traceCritical: Array.from({length: k}, (_, i) => johansenTraceCritical(k - i, d)),
    maxEigCritical: Array.from({length: k}, (_, i) => johansenMaxEigCritical(k - i, d)),
    eigenvectors: v,
    nobs: T,
  };
}

/** Residuals of y on [x^order … x, 1] with x on linspace(−1, 1), as statsmodels' local detrend; −1 leaves y. */
function detrend(y: Float64Array, order: number): Float64Array {
  if (order === -1) return y;
  const n = y.length;
  if (order === 0) {
    let mean = 0;
    for (let i = 0; i < n; ++i) mean += y[i];
    mean /= n;
    return y.map((v) => v - mean);
  }
  const x = Float64Array.from({length: n}, (_, i) => (n === 1 ? -1 : -1 + (2 * i) / (n - 1)));
  return lstsq([x, new Float64Array(n).fill(1)], y).residuals;
}

function resid(y: Float64Array, z: readonly Float64Array[]): Float64Array {
  return z.length === 0 ? y : lstsq(z, y).residuals;
}
