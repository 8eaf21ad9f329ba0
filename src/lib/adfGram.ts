import type {Regression} from "./mackinnon.js";

/**
 * The cross-product matrix of an ADF regression, built once for all lag lengths (internal to `adf`).
 *
 * Rows are t = lags … m−1 of the differences d (m = n − 1). Columns, in order: the non-constant trend
 * terms, then `level` placement, then the lagged differences d[t−1] … d[t−lags]; the response d[t] is
 * appended last, so the Cholesky factor's last row holds L⁻¹Xᵀy. When the regression has a constant
 * it is partialled out (every column centred), and the trend terms are replaced by an orthogonal
 * basis of the same span: coefficients of the other columns, SSR and t statistics are unchanged, and
 * the normal equations stay well conditioned on price-sized levels and long samples.
 *
 * Lagged-difference blocks are Toeplitz up to end corrections, so the whole matrix costs O(n·lags).
 */
export interface AdfGram {
  /** Row-major (q+1)×(q+1) matrix, q regressors then the response. */
  readonly g: Float64Array;
  readonly q: number;
  readonly nobs: number;
  /** Column index of the lagged level. */
  readonly levelColumn: number;
}

export function adfGram(x: ArrayLike<number>, lags: number, regression: Regression, levelLast: boolean): AdfGram {
  const m = x.length - 1,
    nobs = m - lags,
    t0 = lags;
  const centred = regression !== "n";
  const nTrend = regression === "ct" ? 1 : regression === "ctt" ? 2 : 0;
  // Shift the differences by their overall mean first so centring sums below do not cancel.
  let shift = 0;
  if (centred) {
    for (let t = 0; t < m; ++t) shift += x[t + 1] - x[t];
    shift /= m;
  }
  const d = new Float64Array(m);
  for (let t = 0; t < m; ++t) d[t] = x[t + 1] - x[t] - shift;

  // Column vectors materialised for the non-Toeplitz part: trend basis and centred level.
  const dense: Float64Array[] = [];
  const half = (nobs - 1) / 2;
  if (nTrend >= 1) {
    const tau = new Float64Array(nobs);
    for (let r = 0; r < nobs; ++r) tau[r] = (r - half) / nobs;
    dense.push(tau);
    if (nTrend === 2) {
      const quad = new Float64Array(nobs);
      let mean = 0;
      for (let r = 0; r < nobs; ++r) mean += tau[r] * tau[r];
      mean /= nobs;
      for (let r = 0; r < nobs; ++r) quad[r] = tau[r] * tau[r] - mean;
      dense.push(quad);
    }
  }
  const level = new Float64Array(nobs);
  let levelMean = 0;
  if (centred) {
    for (let r = 0; r < nobs; ++r) levelMean += x[t0 + r];
    levelMean /= nobs;
  }
  for (let r = 0; r < nobs; ++r) level[r] = x[t0 + r] - levelMean;
  dense.push(level);
  const nDense = dense.length;

  // Sums of the shifted differences over each lag's window, for centring: sum[j] = Σ_r d[t0+r−j].
  const sum = new Float64Array(lags + 1);
  for (let r = 0; r < nobs; ++r) sum[0] += d[t0 + r];
  for (let j = 1; j <= lags; ++j) sum[j] = sum[j - 1] + d[t0 - j] - d[m - j];
  const mean = (j: number) => (centred ? sum[j] / nobs : 0);

  // Raw Toeplitz block R[i][j] = Σ_r d[t0+r−i]·d[t0+r−j], i, j = 0 … lags (0 is the response).
  const L1 = lags + 1;
  const raw = new Float64Array(L1 * L1);
  for (let j = 0; j <= lags; ++j) {
    let s = 0;
    for (let r = 0; r < nobs; ++r) s += d[t0 + r] * d[t0 + r - j];
    ((raw[j] = s), (raw[j * L1] = s));
  }
  for (let i = 0; i < lags; ++i) {
    for (let j = i; j < lags; ++j) {
      const v = raw[i * L1 + j] + d[t0 - 1 - i] * d[t0 - 1 - j] - d[m - 1 - i] * d[m - 1 - j];
      ((raw[(i + 1) * L1 + j + 1] = v), (raw[(j + 1) * L1 + i + 1] = v));
    }
  }

  // Assemble: order of dense columns is trends, level; `levelLast` moves the level after the lags.
  const q = nDense + lags,
    size = q + 1;
  const g = new Float64Array(size * size);
  const trendIdx = (c: number) => c; // trends keep positions 0 … nTrend−1
  const levelColumn = levelLast ? q - 1 : nTrend;
  const lagColumn = (j: number) => (levelLast ? nTrend + j - 1 : nTrend + j); // j = 1 … lags
  const denseColumn = (c: number) => (c < nTrend ? trendIdx(c) : levelColumn);
  const set = (i: number, j: number, v: number) => ((g[i * size + j] = v), (g[j * size + i] = v));
  // Dense × dense and dense × lagged differences (j = 0 is the response, column q).
  for (let a = 0; a < nDense; ++a) {
    const va = dense[a];
    for (let b = a; b < nDense; ++b) {
      const vb = dense[b];
      let s = 0;
      for (let r = 0; r < nobs; ++r) s += va[r] * vb[r];
      set(denseColumn(a), denseColumn(b), s);
    }
    // Dense columns are centred already, so Σ v·(d − mean) = Σ v·d.
    for (let j = 0; j <= lags; ++j) {
      let s = 0;
      const off = t0 - j;
      for (let r = 0; r < nobs; ++r) s += va[r] * d[off + r];
      set(denseColumn(a), j === 0 ? q : lagColumn(j), s);
    }
  }
  for (let i = 0; i <= lags; ++i) {
    for (let j = i; j <= lags; ++j) {
      const v = raw[i * L1 + j] - nobs * mean(i) * mean(j);
      set(i === 0 ? q : lagColumn(i), j === 0 ? q : lagColumn(j), v);
    }
  }
  return {g, q, nobs, levelColumn};
}
