import {type HedgeMethod, hedgeMethodOption, hedgeRatio} from "./hedgeRatio.js";
import {kalmanHedge, type KalmanOptions} from "./kalman.js";

export interface HedgeDriftOptions extends KalmanOptions {
  /** Hedge method (default ols). */
  readonly method?: HedgeMethod;
  /** Trailing window of each refit, bars (≥ 3; not used by kalman). */
  readonly window: number;
  /** Refit every `step` bars, holding β in between (default 1: every bar). */
  readonly step?: number;
}

/**
 * How a hedge ratio of a on b drifts, bar by bar, with no look-ahead: β at bar t uses bars ≤ t only.
 * Static methods (ols, huber, theil-sen, tls, ransac) are refitted by `hedgeRatio` on the trailing
 * `window` bars every `step` bars and held until the next refit (ols with step 1 is statsmodels
 * `RollingOLS`); kalman is the filter's posterior β (`kalmanHedge`, options delta and ve; NaN at the first bar, its prior). NaN before
 * the first full window. O(n/step · cost of one fit on `window` bars); kalman O(n).
 *
 *   hedgeDrift(eth, btc, {method: "theil-sen", window: 300, step: 30})
 */
export function hedgeDrift(a: ArrayLike<number>, b: ArrayLike<number>, options: HedgeDriftOptions): Float64Array {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`hedgeDrift: a and b differ in length (${n} vs ${b.length})`);
  const method = hedgeMethodOption(options.method ?? "ols");
  if (method === "kalman") {
    const beta = Float64Array.from(kalmanHedge(a, b, options).beta);
    if (n > 0) beta[0] = NaN; // the filter's prior (gain 0 at the first bar), not a hedge: see dynamicHedge
    return beta;
  }
  const {window, step = 1} = options;
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`hedgeDrift: invalid window ${window} (expected an integer ≥ 3)`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`hedgeDrift: invalid step ${step} (expected an integer ≥ 1)`);
  const xa = Float64Array.from(a),
    xb = Float64Array.from(b);
  const beta = new Float64Array(n).fill(NaN);
  let held = NaN;
  for (let t = window - 1; t < n; ++t) {
    if ((t - (window - 1)) % step === 0)
      held = hedgeRatio(xa.subarray(t + 1 - window, t + 1), xb.subarray(t + 1 - window, t + 1), {method}).beta;
    beta[t] = held;
  }
  return beta;
}
