/**
 * The standard normal distribution function Φ(z) (as scipy `norm.cdf`), to about 1e-15 relative:
 * a positive-term series for erf near 0 and Lentz's continued fraction for erfc in the tails. O(1).
 *
 *   normalCdf(1.959963984540054) // ≈ 0.975
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = Math.abs(z) / Math.SQRT2;
  // erfc(x) for x ≥ 0; Φ(z) = erfc(−z/√2)/2 = 1 − erfc(z/√2)/2.
  const tail = x < 2.5 ? 1 - erfSeries(x) : erfcFraction(x);
  return z < 0 ? tail / 2 : 1 - tail / 2;
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

// erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): all terms positive, no cancellation.
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x,
    sum = x;
  for (let n = 1; n < 200; ++n) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

// erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated by modified Lentz.
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x,
    c = x,
    d = 0;
  for (let n = 1; n < 500; ++n) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}
