/** Relative variation under which a series counts as constant (~4,500 ulps of its magnitude). */
export const constantRtol = 1e-12;

/** A series' range and magnitude: max − min, and the largest |value|. */
export interface Extent {
  readonly min: number;
  readonly max: number;
  readonly range: number;
  readonly magnitude: number;
}

/** min, max, max − min and max |x| of a series (NaN for an empty one). O(n). */
export function extent(x: ArrayLike<number>): Extent {
  if (x.length === 0) return {min: NaN, max: NaN, range: NaN, magnitude: NaN};
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < x.length; ++i) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  return {min, max, range: max - min, magnitude: Math.max(Math.abs(min), Math.abs(max))};
}

/**
 * Whether a series is constant or nearly so: its range (max − min) is at most `rtol` (default
 * `constantRtol`, 1e-12) times `magnitude` (default its own largest |value|). Below that, the
 * variation is within rounding of the values and every statistic on it is noise: a regression on or of
 * it fits anything, and Engle-Granger reports p = 0. Every constant series qualifies; an empty one does
 * not. O(n).
 *
 *   nearConstant([50, 50 + 1e-12, 50]) // true
 *   nearConstant(residuals, {magnitude: extent(a).magnitude}) // a spread with no variance
 */
export function nearConstant(x: ArrayLike<number>, {rtol = constantRtol, magnitude}: {rtol?: number; magnitude?: number} = {}): boolean {
  const e = extent(x);
  return e.range <= rtol * (magnitude ?? e.magnitude);
}
