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
 * K = R·xᵀ/Q, θ += K·e, P = R − K·x·R. Outputs the posterior β_t, α_t and e_t, Q_t. O(n).
 *
 *   kalmanHedge(eth, btc, {delta: 1e-4}).beta
 */
export function kalmanHedge(a: ArrayLike<number>, b: ArrayLike<number>, options: KalmanOptions = {}): KalmanHedge {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`kalmanHedge: a and b differ in length (${n} vs ${b.length})`);
  const delta = options.delta ?? 1e-4,
    ve = options.ve ?? 1e-3;
  if (!(delta > 0 && delta < 1)) throw new RangeError(`invalid delta: ${delta} (expected 0 < delta < 1)`);
  if (!(ve > 0)) throw new RangeError(`invalid ve: ${ve} (expected > 0)`);
  const vw = delta / (1 - delta);
  const beta = new Float64Array(n),
    alpha = new Float64Array(n),
    error = new Float64Array(n),
    variance = new Float64Array(n);
  let t0 = 0,
    t1 = 0; // θ = [β, α]
  let p00 = 0,
    p01 = 0,
    p11 = 0; // P (symmetric)
  for (let t = 0; t < n; ++t) {
    const x0 = b[t];
    // R = P + Vw for t > 0 (at t = 0, R = P₀ = 0, as Chan's code).
    const r00 = t > 0 ? p00 + vw : p00,
      r01 = p01,
      r11 = t > 0 ? p11 + vw : p11;
    const e = a[t] - (x0 * t0 + t1);
    const rx0 = r00 * x0 + r01,
      rx1 = r01 * x0 + r11; // R·xᵀ
    const q = x0 * rx0 + rx1 + ve;
    const k0 = rx0 / q,
      k1 = rx1 / q;
    ((t0 += k0 * e), (t1 += k1 * e));
    // P = R − K·(x·R), with x·R = (R·xᵀ)ᵀ since R is symmetric.
    ((p00 = r00 - k0 * rx0), (p01 = r01 - k0 * rx1), (p11 = r11 - k1 * rx1));
    ((beta[t] = t0), (alpha[t] = t1), (error[t] = e), (variance[t] = q));
  }
  return {beta, alpha, error, variance};
}
