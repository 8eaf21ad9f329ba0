// What the pair page derives from the closes: OLS hedge, spread and its rolling z-score (src/lib).
import {ols, type OlsFit} from "../lib/ols.js";
import {rollingZScore} from "../lib/rolling.js";
import type {PairSeries} from "./pairSeries.js";

export interface PairAnalysis {
  fit: OlsFit;
  spread: Float64Array;
  zscore: Float64Array;
  window: number;
}

export function analyzePair(series: PairSeries, window: number): PairAnalysis | null {
  if (series.time.length < 3) return null; // the z-score stays NaN until `window` bars exist
  const fit = ols(series.a, series.b);
  return {fit, spread: fit.residuals, zscore: rollingZScore(fit.residuals, window), window};
}

/** The last finite value of a series, or NaN. */
export function lastFinite(x: ArrayLike<number>): number {
  for (let i = x.length - 1; i >= 0; --i) if (Number.isFinite(x[i])) return x[i];
  return NaN;
}
