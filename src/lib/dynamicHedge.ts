// A hedge ratio that moves bar by bar (rolling OLS or Kalman), as the pair report's spread, z-score and
// backtest use it: β_t and α_t are known at bar t's close, from bars ≤ t only.
import {IncrementalKalman, type KalmanState} from "./incrementalKalman.js";
import {IncrementalRollingOls, type RollingOlsState} from "./incrementalRollingOls.js";
import {kalmanHedge} from "./kalman.js";
import {rollingOls} from "./rollingOls.js";

/** Rolling OLS over the last `window` bars, or the Kalman filter with transition δ and observation noise ve. */
export type DynamicHedgeSpec =
  {readonly kind: "rolling-ols"; readonly window: number} | {readonly kind: "kalman"; readonly delta: number; readonly ve: number};

/** Everything an IncrementalDynamicHedge carries from one bar to the next, for `restore`. */
export interface DynamicHedgeState {
  readonly fit: RollingOlsState | KalmanState;
  readonly alpha: number;
  readonly beta: number;
}

/** "rolling-ols 60" or "kalman 0.0001 0.001": the spec as one key. */
export function dynamicHedgeKey(spec: DynamicHedgeSpec): string {
  return spec.kind === "rolling-ols" ? `rolling-ols ${spec.window}` : `kalman ${spec.delta} ${spec.ve}`;
}

/**
 * β_t and α_t of `spec` for every bar (`rollingOls` or `kalmanHedge`), a bar whose fit is undefined
 * (rolling OLS over a constant b) keeping the previous bar's: NaN only before the first defined bar.
 * The Kalman filter's first bar is undefined too: its gain is 0 there (P₀ = 0), so β₀ = α₀ = 0 is the
 * prior, not a hedge — a spread a₀ − 0·b₀ would be a whole price, and one such bar swamps the spread's
 * variance (an R² of −4,643 on BTC/ETH). O(n).
 *
 *   dynamicHedge(eth, btc, {kind: "rolling-ols", window: 60}).beta
 */
export function dynamicHedge(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  spec: DynamicHedgeSpec,
): {alpha: Float64Array; beta: Float64Array} {
  const fit = spec.kind === "rolling-ols" ? rollingOls(a, b, spec.window) : kalmanHedge(a, b, spec);
  const alpha = Float64Array.from(fit.alpha),
    beta = Float64Array.from(fit.beta);
  if (spec.kind === "kalman" && beta.length > 0) alpha[0] = beta[0] = NaN; // the prior (see above)
  for (let t = 1; t < beta.length; ++t)
    if (Number.isNaN(beta[t]) || Number.isNaN(alpha[t])) ((beta[t] = beta[t - 1]), (alpha[t] = alpha[t - 1]));
  return {alpha, beta};
}

/**
 * `dynamicHedge` one bar at a time: `push(a, b)` takes bar `length` and sets `alpha` and `beta` of it
 * with the same arithmetic, so the two are equal bit for bit; `save`/`restore` for a replaced bar. O(1)
 * amortised per bar.
 */
export class IncrementalDynamicHedge {
  alpha = NaN;
  beta = NaN;
  private readonly fit: IncrementalRollingOls | IncrementalKalman;

  constructor(readonly spec: DynamicHedgeSpec) {
    this.fit = spec.kind === "rolling-ols" ? new IncrementalRollingOls(spec.window) : new IncrementalKalman(spec.delta, spec.ve);
  }

  /** Bars taken so far. */
  get length(): number {
    return this.fit.length;
  }

  /** Takes bar `length` of a and b. */
  push(a: ArrayLike<number>, b: ArrayLike<number>): void {
    const f = this.fit;
    f.push(a, b);
    if (this.spec.kind === "kalman" && f.length === 1) return; // the prior, not a hedge (see dynamicHedge)
    if (!Number.isNaN(f.beta) && !Number.isNaN(f.alpha)) ((this.alpha = f.alpha), (this.beta = f.beta));
  }

  save(): DynamicHedgeState {
    return {fit: this.fit.save(), alpha: this.alpha, beta: this.beta};
  }

  restore(s: DynamicHedgeState): void {
    this.fit.restore(s.fit);
    ((this.alpha = s.alpha), (this.beta = s.beta));
  }
}
