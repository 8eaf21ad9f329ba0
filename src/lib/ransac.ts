import {mulberry32} from "./mulberry32.js";
import {median} from "./select.js";

export interface RansacFit {
  readonly alpha: number;
  readonly beta: number;
  /** 1 where the point is in the consensus set the final fit used. */
  readonly inliers: Uint8Array;
  readonly inlierCount: number;
  /** Residual threshold used: |a − α − β·b| ≤ threshold is an inlier. */
  readonly threshold: number;
  /** Random 2-point samples drawn. */
  readonly trials: number;
}

export interface RansacOptions {
  /** Largest |residual| of an inlier (default: the median absolute deviation of a, as scikit-learn). */
  readonly threshold?: number;
  /** Most 2-point samples (default 100, scikit-learn's max_trials). */
  readonly maxTrials?: number;
  /** Stop once this probability of having drawn one all-inlier sample is reached (default 0.99). */
  readonly stopProbability?: number;
  /** Seed of the sampler (default 0): the same seed gives the same fit. */
  readonly seed?: number;
}

/**
 * RANSAC regression a = alpha + beta·b, the algorithm of scikit-learn's `RANSACRegressor()` with its
 * defaults (LinearRegression, min_samples 2, residual_threshold = median(|a − median(a)|), absolute
 * loss, max_trials 100, stop_probability 0.99): draw 2 distinct points (mulberry32 seeded by `seed`,
 * so the draws differ from numpy's, and the fit equals scikit-learn's when the consensus set does not
 * depend on the draws), fit the line through them, count the points within the threshold; keep the
 * sample with the most inliers (ties: the higher R² on its inliers); lower the trial count to
 * ⌈log(1 − p) / log(1 − w²)⌉ with w the best inlier share; finally OLS on the best consensus set.
 * Samples with equal b are skipped (no line through them). NaN when no sample gives a line or the
 * consensus set has fewer than 2 distinct b. RangeError for bad options. O(maxTrials·n).
 *
 *   ransac(eth, btc, {seed: 7}).beta
 */
export function ransac(a: ArrayLike<number>, b: ArrayLike<number>, options: RansacOptions = {}): RansacFit {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`ransac: a and b differ in length (${n} vs ${b.length})`);
  const {maxTrials = 100, stopProbability = 0.99, seed = 0} = options;
  if (!Number.isInteger(maxTrials) || maxTrials < 1) throw new RangeError(`invalid maxTrials: ${maxTrials} (expected an integer ≥ 1)`);
  if (!(stopProbability >= 0 && stopProbability <= 1))
    throw new RangeError(`invalid stopProbability: ${stopProbability} (expected between 0 and 1)`);
  if (!Number.isInteger(seed)) throw new RangeError(`invalid seed: ${seed} (expected an integer)`);
  const threshold = options.threshold ?? medianAbsoluteDeviation(a);
  if (!(threshold >= 0)) throw new RangeError(`invalid threshold: ${threshold} (expected ≥ 0)`);
  const inliers = new Uint8Array(n);
  const none = {alpha: NaN, beta: NaN, inliers, inlierCount: 0, threshold, trials: 0};
  if (n < 2) return none;

  const random = mulberry32(seed);
  let found = false,
    bestCount = 1, // as scikit-learn: a line must hold at least 2 points
    bestScore = -Infinity,
    bestSlope = NaN,
    bestIntercept = NaN,
    limit = maxTrials,
    trials = 0;
  while (trials < limit) {
    ++trials;
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) ++j;
    if (b[i] === b[j]) continue;
    const slope = (a[j] - a[i]) / (b[j] - b[i]),
      intercept = a[i] - slope * b[i];
    let count = 0;
    for (let k = 0; k < n; ++k) if (Math.abs(a[k] - (intercept + slope * b[k])) <= threshold) ++count;
    if (count < bestCount) continue;
    const score = rSquared(a, b, intercept, slope, threshold);
    if (count === bestCount && score < bestScore) continue;
    ((found = true), (bestCount = count), (bestScore = score), (bestSlope = slope), (bestIntercept = intercept));
    limit = Math.min(limit, dynamicMaxTrials(count, n, stopProbability));
  }
  if (!found) return {...none, trials};
  for (let k = 0; k < n; ++k) inliers[k] = Math.abs(a[k] - (bestIntercept + bestSlope * b[k])) <= threshold ? 1 : 0;
  const {alpha, beta} = maskedOls(a, b, inliers);
  return {alpha, beta, inliers, inlierCount: bestCount, threshold, trials};
}

/** median(|x − median(x)|), unscaled (scikit-learn's default RANSAC threshold). O(n). */
export function medianAbsoluteDeviation(x: ArrayLike<number>): number {
  const m = median(x);
  return median(Float64Array.from(x, (v) => Math.abs(v - m)));
}

/** scikit-learn's `_dynamic_max_trials` for 2-point samples. */
function dynamicMaxTrials(inliers: number, n: number, probability: number): number {
  const eps = Number.EPSILON;
  const nom = Math.max(eps, 1 - probability),
    denom = Math.max(eps, 1 - (inliers / n) ** 2);
  if (nom === 1) return 0;
  if (denom === 1) return Infinity;
  return Math.abs(Math.ceil(Math.log(nom) / Math.log(denom)));
}

/** R² of the line on the points within the threshold of it (LinearRegression.score on the inliers). */
function rSquared(a: ArrayLike<number>, b: ArrayLike<number>, intercept: number, slope: number, threshold: number): number {
  let m = 0,
    count = 0;
  for (let k = 0; k < a.length; ++k) if (Math.abs(a[k] - (intercept + slope * b[k])) <= threshold) ((m += a[k]), ++count);
  m /= count;
  let ssr = 0,
    tss = 0;
  for (let k = 0; k < a.length; ++k) {
    const r = a[k] - (intercept + slope * b[k]);
    if (Math.abs(r) <= threshold) ((ssr += r * r), (tss += (a[k] - m) ** 2));
  }
  // scikit-learn's r2_score: 1 for a perfect fit of constant data, 0 for an imperfect one.
  return tss > 0 ? 1 - ssr / tss : ssr === 0 ? 1 : 0;
}

function maskedOls(a: ArrayLike<number>, b: ArrayLike<number>, mask: Uint8Array): {alpha: number; beta: number} {
  let count = 0,
    ma = 0,
    mb = 0;
  for (let k = 0; k < a.length; ++k) if (mask[k]) ((ma += a[k]), (mb += b[k]), ++count);
  ((ma /= count), (mb /= count));
  let sbb = 0,
    sab = 0;
  for (let k = 0; k < a.length; ++k)
    if (mask[k]) {
      const db = b[k] - mb;
      ((sbb += db * db), (sab += db * (a[k] - ma)));
    }
  const beta = sbb > 0 ? sab / sbb : NaN;
  return {alpha: ma - beta * mb, beta};
}
