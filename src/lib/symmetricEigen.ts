/** Eigen-decomposition of a small symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** Row-major k×k; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric k×k matrix (row-major) by cyclic Jacobi rotations,
 * accurate to a few ulps of the largest eigenvalue (as numpy `eigh`, up to eigenvector signs).
 * O(k³) per sweep, a handful of sweeps; meant for the k ≤ 12 systems of Johansen's test.
 *
 *   symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values // [3, 1]
 */
export function symmetricEigen(matrix: ArrayLike<number>, k: number): SymmetricEigen {
  if (matrix.length !== k * k) throw new RangeError(`symmetricEigen: expected ${k * k} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; ++i) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; ++sweep) {
    let off = 0,
      total = 0;
    for (let i = 0; i < k; ++i) for (let j = 0; j < k; ++j) ((total += a[i * k + j] ** 2), i !== j && (off += a[i * k + j] ** 2));
    if (off <= 1e-32 * total) break;
    for (let p = 0; p < k - 1; ++p) {
      for (let q = p + 1; q < k; ++q) {
        const apq = a[p * k + q];
        if (apq === 0) continue;
        const theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let r = 0; r < k; ++r) {
          const arp = a[r * k + p],
            arq = a[r * k + q];
          ((a[r * k + p] = c * arp - s * arq), (a[r * k + q] = s * arp + c * arq));
        }
        for (let r = 0; r < k; ++r) {
          const apr = a[p * k + r],
            aqr = a[q * k + r];
          ((a[p * k + r] = c * apr - s * aqr), (a[q * k + r] = s * apr + c * aqr));
        }
        for (let r = 0; r < k; ++r) {
          const vrp = v[r * k + p],
            vrq = v[r * k + q];
          ((v[r * k + p] = c * vrp - s * vrq), (v[r * k + q] = s * vrp + c * vrq));
        }
      }
    }
  }
  const order = [...Array(k).keys()].sort((i, j) => a[j * k + j] - a[i * k + i]);
  const values = Float64Array.from(order, (i) => a[i * k + i]);
  const vectors = new Float64Array(k * k);
  order.forEach((src, dst) => {
    for (let r = 0; r < k; ++r) vectors[r * k + dst] = v[r * k + src];
  });
  return {values, vectors};
}
