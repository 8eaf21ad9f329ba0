/**
 * In-place Cholesky factorisation G = L·Lᵀ of a symmetric k×k matrix stored row-major in `g`; the lower
 * triangle is replaced by L. Returns the number of leading columns that factor cleanly: a pivot at or
 * below `tolerance` times the column's original diagonal (a column collinear with those before it)
 * stops the factorisation there. O(k³).
 *
 *   cholesky(Float64Array.of(4, 2, 2, 3), 2) // 2; g = [2, 2, 1, √2]
 */
export function cholesky(g: Float64Array, k: number, tolerance = 1e-12): number {
  if (g.length < k * k) throw new RangeError(`cholesky: matrix has ${g.length} entries, expected ${k * k}`);
  for (let j = 0; j < k; ++j) {
    const diag = g[j * k + j];
    let s = diag;
    for (let p = 0; p < j; ++p) s -= g[j * k + p] * g[j * k + p];
    if (!(s > tolerance * Math.abs(diag)) || !(diag > 0)) return j;
    const ljj = Math.sqrt(s);
    g[j * k + j] = ljj;
    for (let i = j + 1; i < k; ++i) {
      let t = g[i * k + j];
      for (let p = 0; p < j; ++p) t -= g[i * k + p] * g[j * k + p];
      g[i * k + j] = t / ljj;
    }
  }
  return k;
}
