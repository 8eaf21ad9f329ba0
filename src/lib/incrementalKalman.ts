/** Everything an IncrementalKalman carries from one bar to the next, for `restore`. */
export interface KalmanState {
  readonly length: number;
  readonly scalars: Float64Array;
}

/**
 * `kalmanHedge` one bar at a time: `push(a, b)` takes bar `length` (the caller keeps the series whole)
 * and sets `beta`, `alpha` (the posterior state after that bar: known at its close, from bars ≤ t only),
 * `error` and `variance`. `kalmanHedge` runs this very code, so the two are equal bit for bit. `save` and
 * `restore` return to an earlier bar (a replaced last bar). O(1) per bar.
 *
 *   const k = new IncrementalKalman(1e-4, 1e-3);
 *   for (let t = 0; t < n; ++t) k.push(eth, btc), (beta[t] = k.beta);
 */
export class IncrementalKalman {
  /** Bars taken so far. */
  length = 0;
  /** Of the last bar: posterior β and α, forecast error e = a − (β·b + α) with the prior, its variance Q. */
  beta = 0;
  alpha = 0;
  error = NaN;
  variance = NaN;
  private readonly vw: number;
  private p00 = 0;
  private p01 = 0;
  private p11 = 0;

  constructor(
    readonly delta: number,
    readonly ve: number,
  ) {
    if (!(delta > 0 && delta < 1)) throw new RangeError(`invalid delta: ${delta} (expected 0 < delta < 1)`);
    if (!(ve > 0)) throw new RangeError(`invalid ve: ${ve} (expected > 0)`);
    this.vw = delta / (1 - delta);
  }

  /** Takes bar `length` of a and b. O(1). */
  push(a: ArrayLike<number>, b: ArrayLike<number>): void {
    const t = this.length,
      x0 = b[t],
      vw = this.vw;
    // R = P + Vw for t > 0 (at t = 0, R = P₀ = 0, as Chan's code).
    const r00 = t > 0 ? this.p00 + vw : this.p00,
      r01 = this.p01,
      r11 = t > 0 ? this.p11 + vw : this.p11;
    const e = a[t] - (x0 * this.beta + this.alpha);
    const rx0 = r00 * x0 + r01,
      rx1 = r01 * x0 + r11; // R·xᵀ
    const q = x0 * rx0 + rx1 + this.ve;
    const k0 = rx0 / q,
      k1 = rx1 / q;
    ((this.beta += k0 * e), (this.alpha += k1 * e));
    // P = R − K·(x·R), with x·R = (R·xᵀ)ᵀ since R is symmetric.
    ((this.p00 = r00 - k0 * rx0), (this.p01 = r01 - k0 * rx1), (this.p11 = r11 - k1 * rx1));
    ((this.error = e), (this.variance = q), (this.length = t + 1));
  }

  /** The state after the last bar. O(1). */
  save(): KalmanState {
    return {length: this.length, scalars: Float64Array.of(this.beta, this.alpha, this.error, this.variance, this.p00, this.p01, this.p11)};
  }

  /** Returns to a state `save` gave. O(1). */
  restore(s: KalmanState): void {
    const v = s.scalars;
    this.length = s.length;
    ((this.beta = v[0]), (this.alpha = v[1]), (this.error = v[2]), (this.variance = v[3]));
    ((this.p00 = v[4]), (this.p01 = v[5]), (this.p11 = v[6]));
  }
}
