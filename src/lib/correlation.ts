import {centredMoments, windowMoments} from "./moments.js";

/**
 * Pearson correlation of a and b (numpy `corrcoef`), from centred sums; NaN for fewer than 2
 * points or a constant series. O(n).
 *
 *   pearson([1, 2, 3], [2, 4, 7]) // ≈ 0.99
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const {n, saa, sbb, sab} = centredMoments(a, b, "pearson");
  return n > 1 && saa > 0 && sbb > 0 ? Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb))) : NaN;
}

/**
 * Trailing-window Pearson correlation (pandas `a.rolling(w).corr(b)`), NaN for the first w − 1 and
 * where either window is constant. Sums from `windowMoments`, so price-sized inputs do not cancel.
 * O(n).
 *
 *   rollingCorrelation(ethReturns, btcReturns, 60)
 */
export function rollingCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, window: number): Float64Array {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`rollingCorrelation: a and b differ in length (${n} vs ${b.length})`);
  if (!Number.isInteger(window) || window < 2)
    throw new RangeError(`rollingCorrelation: invalid window ${window} (expected an integer ≥ 2)`);
  const out = new Float64Array(n).fill(NaN);
  windowMoments(a, b, window, (t, {saa, sbb, vaa, vbb, vab}) => {
    const scale = 1e-12 * (saa + sbb);
    if (vaa > scale && vbb > scale) out[t] = Math.max(-1, Math.min(1, vab / Math.sqrt(vaa * vbb)));
  });
  return out;
}

/**
 * Pairwise Pearson correlations of k equally long series (pandas `DataFrame.corr()`), row-major k×k
 * with 1 on the diagonal of non-constant series. O(n·k²).
 *
 *   correlationMatrix([btc, eth, sol])
 */
export function correlationMatrix(series: readonly ArrayLike<number>[]): Float64Array {
  const k = series.length,
    out = new Float64Array(k * k);
  for (let i = 0; i < k; ++i) {
    for (let j = i; j < k; ++j) {
      const r = i === j ? (Number.isNaN(pearson(series[i], series[i])) ? NaN : 1) : pearson(series[i], series[j]);
      ((out[i * k + j] = r), (out[j * k + i] = r));
    }
  }
  return out;
}
