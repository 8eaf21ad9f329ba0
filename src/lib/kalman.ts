import {IncrementalKalman} from "./incrementalKalman.js";

export interface KalmanOptions {
  /** Transition covariance scale: Vw = δ/(1 − δ)·I (default 1e-4). */
  readonly delta?: number;
  /** Observation noise variance Ve (default 1e-3). */
  readonly ve?: number;
}

export interface KalmanHedge {
  readonly beta: Float64Array;
  readonly alpha: Float64Array;
  /** One-step forecast error e_t = a_t − (β·b_t + α) with the prior state. */
  readonly error: Float64Array;
  /** Forecast variance Q_t = x·R·xᵀ + Ve. */
  readonly variance: Float64Array;
}

/**
 * Dynamic hedge ratio by a Kalman filter on the state θ = [β, α] with observation row x = [b_t, 1], as
 * E. P. Chan ("Algorithmic Trading", ex. 3.3): θ₀ = 0, P₀ = 0, R = P + Vw (for t > 0), Q = x·R·xᵀ + Ve,
 * K = R·xᵀ/Q, θ += K·e, P = R − K·x·R. Outputs the posterior β_t, α_t and e_t, Q_t. Runs
 * `IncrementalKalman` (so a filter fed bar by bar gives the same numbers). O(n).
 *
 *   kalmanHedge(eth, btc, {delta: 1e-4}).beta
 */
export function kalmanHedge(a: ArrayLike<number>, b: ArrayLike<number>, options: KalmanOptions = {}): KalmanHedge {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`kalmanHedge: a and b differ in length (${n} vs ${b.length})`);
  const k = new IncrementalKalman(options.delta ?? 1e-4, options.ve ?? 1e-3);
  const beta = new Float64Array(n),
    alpha = new Float64Array(n),
    error = new Float64Array(n),
    variance = new Float64Array(n);
  for (let t = 0; t < n; ++t) {
    k.push(a, b);
    ((beta[t] = k.beta), (alpha[t] = k.alpha), (error[t] = k.error), (variance[t] = k.variance));
  }
  return {beta, alpha, error, variance};
}
