import {median} from "./select.js";

export interface HuberFit {
  readonly alpha: number;
  readonly beta: number;
  /** Final MAD scale of the residuals. */
  readonly scale: number;
  readonly iterations: number;
  readonly weights: Float64Array;
  readonly residuals: Float64Array;
}

export interface HuberOptions {
  /** Huber's tuning constant (default 1.345). */
  readonly t?: number;
  readonly maxIterations?: number;
  /** Convergence on the change of the deviance (default 1e-8). */
  readonly tolerance?: number;
}

const MAD_NORMAL = 0.6744897501960817; // scipy norm.ppf(0.75)

/**
 * Robust regression a = alpha + beta·b with Huber's T norm, as statsmodels
 * `RLM(a, add_constant(b), M=HuberT(t=1.345)).fit()` with its defaults: OLS start, MAD scale about 0
 * re-estimated each step, IRLS until the deviance Σρ(r/ŝ²) changes by ≤ 1e-8 (ŝ² the weighted residual
 * variance, as statsmodels) or 50 iterations. O(n) per iteration.
 *
 *   huber(eth, btc).beta
 */
export function huber(a: ArrayLike<number>, b: ArrayLike<number>, options: HuberOptions = {}): HuberFit {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`huber: a and b differ in length (${n} vs ${b.length})`);
  const t = options.t ?? 1.345,
    maxIterations = options.maxIterations ?? 50,
    tolerance = options.tolerance ?? 1e-8;
  if (!(t > 0)) throw new RangeError(`invalid t: ${t} (expected > 0)`);
  const weights = new Float64Array(n).fill(1);
  const residuals = new Float64Array(n);
  const abs = new Float64Array(n);
  let fit = wls(a, b, weights, residuals);
  if (fit === null) return {alpha: NaN, beta: NaN, scale: NaN, iterations: 0, weights, residuals};
  const mad = () => {
    for (let i = 0; i < n; ++i) abs[i] = Math.abs(residuals[i]);
    return median(abs) / MAD_NORMAL;
  };
  const deviance = (s2: number) => {
    let d = 0;
    for (let i = 0; i < n; ++i) {
      const z = Math.abs(residuals[i] / s2);
      d += z <= t ? 0.5 * z * z : z * t - 0.5 * t * t;
    }
    return d;
  };
  let scale = mad(),
    previous = deviance(fit.s2),
    iterations = 1;
  for (;;) {
    if (scale === 0) break;
    for (let i = 0; i < n; ++i) {
      const z = Math.abs(residuals[i] / scale);
      weights[i] = z <= t ? 1 : t / z;
    }
    const next = wls(a, b, weights, residuals);
    if (next === null) break;
    fit = next;
    scale = mad();
    const dev = deviance(fit.s2);
    ++iterations;
    const change = Math.abs(dev - previous);
    previous = dev;
    if (!(change > tolerance && iterations < maxIterations)) break;
  }
  return {alpha: fit.alpha, beta: fit.beta, scale, iterations, weights, residuals};
}

/** Weighted least squares of a on [1, b], writing unweighted residuals; s2 = Σw·r²/(n − 2). */
function wls(a: ArrayLike<number>, b: ArrayLike<number>, w: Float64Array, residuals: Float64Array) {
  const n = a.length;
  let sw = 0,
    ma = 0,
    mb = 0;
  for (let i = 0; i < n; ++i) ((sw += w[i]), (ma += w[i] * a[i]), (mb += w[i] * b[i]));
  ((ma /= sw), (mb /= sw));
  let sbb = 0,
    sab = 0;
  for (let i = 0; i < n; ++i) {
    const db = b[i] - mb;
    ((sbb += w[i] * db * db), (sab += w[i] * db * (a[i] - ma)));
  }
  if (!(sbb > 0)) return null;
  const beta = sab / sbb,
    alpha = ma - beta * mb;
  let s2 = 0;
  for (let i = 0; i < n; ++i) {
    const r = a[i] - alpha - beta * b[i];
    ((residuals[i] = r), (s2 += w[i] * r * r));
  }
  return {alpha, beta, s2: s2 / (n - 2)};
}
