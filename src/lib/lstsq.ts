/** A least-squares fit y ≈ X·coefficients. */
export interface LstsqFit {
  readonly coefficients: Float64Array;
  readonly residuals: Float64Array;
  readonly ssr: number;
  /** Number of columns kept; a column collinear with earlier ones gets coefficient 0. */
  readonly rank: number;
  /** (XᵀX)⁻¹, row-major k×k (rows and columns of dropped columns are 0). */
  readonly covUnscaled: Float64Array;
}

/**
 * Least squares by Householder QR on the columns of X (as numpy `lstsq` / statsmodels `OLS` for a
 * full-rank X), backward stable even for near-collinear or price-sized columns. O(n·k²).
 * Columns whose remaining norm is below 1e-12 of their original norm are treated as collinear.
 *
 *   lstsq([ones, b], a).coefficients // [alpha, beta]
 */
export function lstsq(columns: readonly ArrayLike<number>[], y: ArrayLike<number>): LstsqFit {
  const k = columns.length,
    n = y.length;
  for (const c of columns) if (c.length !== n) throw new RangeError(`lstsq: a column has ${c.length} rows, y has ${n}`);
  const q = columns.map((c) => Float64Array.from(c));
  const r = new Float64Array(y);
  const norms = q.map(norm);
  const kept = new Array<boolean>(k).fill(false);
  const R = new Float64Array(k * k);
  const vs: Float64Array[] = [];
  const rows: number[] = []; // Householder step index → pivot row
  let step = 0;
  for (let j = 0; j < k; ++j) {
    const c = q[j];
    // Apply earlier reflections to column j.
    for (let s = 0; s < step; ++s) applyReflection(vs[s], rows[s], c);
    let tail = 0;
    for (let i = step; i < n; ++i) tail += c[i] * c[i];
    tail = Math.sqrt(tail);
    for (let s = 0; s < step; ++s) R[s * k + j] = c[rows[s]];
    if (!(tail > 1e-12 * norms[j]) || step >= n) continue;
    const alpha = c[step] > 0 ? -tail : tail;
    const v = new Float64Array(n);
    for (let i = step; i < n; ++i) v[i] = c[i];
    v[step] -= alpha;
    let vn = 0;
    for (let i = step; i < n; ++i) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    for (let i = step; i < n; ++i) v[i] /= vn;
    (vs.push(v), rows.push(step));
    R[step * k + j] = alpha;
    kept[j] = true;
    ++step;
  }
  for (let s = 0; s < step; ++s) applyReflection(vs[s], rows[s], r);
  // Back-substitute R·β = Qᵀy over kept columns (R is upper triangular in step × kept-column space).
  const keptCols = [...Array(k).keys()].filter((j) => kept[j]);
  const beta = new Float64Array(k);
  for (let s = step - 1; s >= 0; --s) {
    let v = r[s];
    for (let t = s + 1; t < step; ++t) v -= R[s * k + keptCols[t]] * beta[keptCols[t]];
    beta[keptCols[s]] = v / R[s * k + keptCols[s]];
  }
  // (RᵀR)⁻¹ = R⁻¹R⁻ᵀ over the kept columns.
  const inv = new Float64Array(step * step); // R⁻¹, upper triangular
  for (let c = 0; c < step; ++c) {
    inv[c * step + c] = 1 / R[c * k + keptCols[c]];
    for (let s = c - 1; s >= 0; --s) {
      let v = 0;
      for (let t = s + 1; t <= c; ++t) v += R[s * k + keptCols[t]] * inv[t * step + c];
      inv[s * step + c] = -v / R[s * k + keptCols[s]];
    }
  }
  const cov = new Float64Array(k * k);
  for (let a = 0; a < step; ++a) {
    for (let b = 0; b < step; ++b) {
      let v = 0;
      for (let t = Math.max(a, b); t < step; ++t) v += inv[a * step + t] * inv[b * step + t];
      cov[keptCols[a] * k + keptCols[b]] = v;
    }
  }
  const residuals = new Float64Array(n);
  let ssr = 0;
  for (let i = 0; i < n; ++i) {
    let fit = 0;
    for (let j = 0; j < k; ++j) if (kept[j]) fit += columns[j][i] * beta[j];
    const e = y[i] - fit;
    ((residuals[i] = e), (ssr += e * e));
  }
  return {coefficients: beta, residuals, ssr, rank: step, covUnscaled: cov};
}

function applyReflection(v: Float64Array, from: number, c: Float64Array): void {
  let dot = 0;
  for (let i = from; i < c.length; ++i) dot += v[i] * c[i];
  dot *= 2;
  for (let i = from; i < c.length; ++i) c[i] -= dot * v[i];
}

/** Euclidean norm, scaled so squares of price-sized values cannot overflow. */
function norm(c: Float64Array): number {
  let max = 0;
  for (let i = 0; i < c.length; ++i) max = Math.max(max, Math.abs(c[i]));
  if (max === 0) return 0;
  let s = 0;
  for (let i = 0; i < c.length; ++i) s += (c[i] / max) ** 2;
  return max * Math.sqrt(s);
}
