/**
 * Seeded test series, generated bit-for-bit identically here and in scripts/reference/generate.py:
 * a 32-bit xorshift128 (exact integer ops), uniforms k/2^53, normals approximated as the sum of 12
 * uniforms − 6, heavy tails as a ratio of normals — only IEEE +, −, ×, ÷ in a fixed order, so both
 * languages produce the same doubles. Long series are regenerated from their spec instead of being
 * committed; fixtures record the first and last values so a drift between the two sides fails loudly.
 */

export class Xorshift128 {
  private x: number;
  private y = 362436069;
  private z = 521288629;
  private w = 88675123;
  constructor(seed: number) {
    this.x = seed >>> 0;
    this.w = (this.w ^ Math.imul(seed >>> 0, 2654435761)) >>> 0;
    for (let i = 0; i < 32; ++i) this.nextUint32();
  }
  nextUint32(): number {
    const t = (this.x ^ (this.x << 11)) >>> 0;
    ((this.x = this.y), (this.y = this.z), (this.z = this.w));
    this.w = (this.w ^ (this.w >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    return this.w;
  }
  /** Uniform on [0, 1): (27 bits · 2^26 + 26 bits) / 2^53, as numpy's random_double. */
  uniform(): number {
    const a = this.nextUint32() >>> 5,
      b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  /** Approximately standard normal: Σ 12 uniforms − 6. */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 12; ++i) s += this.uniform();
    return s - 6;
  }
  /** Heavy-tailed (Cauchy-like) noise: a normal over (0.25 + |normal|). */
  heavy(): number {
    const z = this.normal(),
      d = this.normal();
    return z / (0.25 + Math.abs(d));
  }
}

export type SeriesKind = "cointegrated" | "randomWalk" | "trending" | "fatTailed" | "nearUnitRoot" | "prices";

export interface SeriesSpec {
  readonly kind: SeriesKind;
  readonly seed: number;
  readonly n: number;
}

/**
 * A pair (a, b) of the given kind. b is a random walk (trend-stationary for "trending"); a is
 * α + β·b + u with u stationary AR(1) ("cointegrated", "fatTailed", "prices"), near-unit-root AR(1)
 * ("nearUnitRoot"), an independent walk ("randomWalk") or a trend plus AR(1) ("trending").
 */
export function generatePair({kind, seed, n}: SeriesSpec): {a: Float64Array; b: Float64Array} {
  const rng = new Xorshift128(seed);
  const a = new Float64Array(n),
    b = new Float64Array(n);
  const prices = kind === "prices";
  let level = prices ? 60000 : 100,
    u = 0,
    walk = 50;
  const sigmaB = prices ? 12 : 1,
    beta = prices ? 0.045 : 1.5,
    alpha = prices ? -30 : 10,
    sigmaU = prices ? 1.5 : 1;
  const phi = kind === "nearUnitRoot" ? 0.995 : 0.9;
  for (let t = 0; t < n; ++t) {
    const eb = rng.normal();
    const eu = kind === "fatTailed" ? rng.heavy() : rng.normal();
    if (kind === "trending") {
      u = phi * u + eu;
      b[t] = 20 + 0.05 * t + eb;
      a[t] = 5 + 0.02 * t + u;
      continue;
    }
    level = level + sigmaB * eb;
    b[t] = level;
    if (kind === "randomWalk") {
      walk = walk + eu;
      a[t] = walk;
    } else {
      u = phi * u + sigmaU * eu;
      a[t] = alpha + beta * level + u;
    }
  }
  return {a, b};
}
