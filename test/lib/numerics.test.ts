import {describe, expect, it} from "vitest";
import {adf} from "../../src/lib/adf.js";
import {argsort} from "../../src/lib/argsort.js";
import {cholesky} from "../../src/lib/cholesky.js";
import {InversionTree, inversionCount} from "../../src/lib/inversions.js";
import {lstsq} from "../../src/lib/lstsq.js";
import {mackinnonCrit, mackinnonP} from "../../src/lib/mackinnon.js";
import {median, selectInPlace} from "../../src/lib/select.js";
import {symmetricEigen} from "../../src/lib/symmetricEigen.js";
import {fixture, pairOf, type SeriesFixture} from "./reference.js";
import {generatePair, Xorshift128} from "./series.js";

describe("lstsq (Householder QR)", () => {
  it("lstsq recovers the coefficients of a near-collinear, price-sized design to 1e-7", () => {
    // Columns 1, p, p + (i mod 7)/8192: condition number ≈ 1e10, so the normal equations (≈ 1e20)
    // would lose every digit; a backward-stable QR loses about ten.
    const n = 20_000;
    const p = Float64Array.from({length: n}, (_, i) => 60_000 + Math.round(1000 * Math.sin(i / 50)) / 100);
    const q = Float64Array.from(p, (v, i) => v + (i % 7) / 8192);
    const ones = new Float64Array(n).fill(1);
    const y = Float64Array.from(p, (v, i) => 3 + 2 * v - 2 * q[i]);
    const fit = lstsq([ones, p, q], y);
    expect(fit.rank).toBe(3);
    expect(Math.abs(fit.coefficients[0] - 3)).toBeLessThan(1e-6);
    expect(Math.abs(fit.coefficients[1] - 2)).toBeLessThan(1e-7);
    expect(Math.abs(fit.coefficients[2] + 2)).toBeLessThan(1e-7);
  });

  it("lstsq drops an exactly collinear column (rank 2)", () => {
    const x = Float64Array.from({length: 50}, (_, i) => i);
    expect(lstsq([x, x.map((v) => 2 * v), new Float64Array(50).fill(1)], x).rank).toBe(2);
  });

  it("cholesky stops at a dependent column", () => {
    expect(cholesky(Float64Array.of(1, 2, 2, 4), 2)).toBe(1);
    const g = Float64Array.of(4, 2, 2, 3);
    expect(cholesky(g, 2)).toBe(2);
    expect([g[0], g[2], g[3]]).toEqual([2, 1, Math.SQRT2]);
  });
});

describe("adf's shared Gram matrix on hard inputs", () => {
  // statsmodels' own answer is in the fixtures up to 200,000 points; here the design is made as
  // ill-conditioned as prices get (level 1e6, quadratic trend) and checked against Householder QR.
  it("adf(x, {regression: 'ctt', maxlag: 12, autolag: null}) equals a QR fit of the same regression at n = 50,000", () => {
    const n = 50_000,
      rng = new Xorshift128(99),
      x = new Float64Array(n);
    let u = 0;
    for (let t = 0; t < n; ++t) ((u = 0.999 * u + rng.normal()), (x[t] = 1e6 + 1e-3 * t + u));
    const lags = 12,
      m = n - 1 - lags;
    const d = (t: number) => x[t + 1] - x[t];
    const cols: Float64Array[] = [Float64Array.from({length: m}, (_, r) => x[lags + r])];
    for (let j = 1; j <= lags; ++j) cols.push(Float64Array.from({length: m}, (_, r) => d(lags + r - j)));
    cols.push(
      new Float64Array(m).fill(1),
      Float64Array.from({length: m}, (_, r) => r + 1),
      Float64Array.from({length: m}, (_, r) => (r + 1) ** 2),
    );
    const y = Float64Array.from({length: m}, (_, r) => d(lags + r));
    const fit = lstsq(cols, y);
    const tStat = fit.coefficients[0] / Math.sqrt((fit.ssr / (m - cols.length)) * fit.covUnscaled[0]);
    const r = adf(x, {regression: "ctt", maxlag: lags, autolag: null});
    expect(r.nobs).toBe(m);
    expect(Math.abs(r.statistic - tStat) / Math.abs(tStat)).toBeLessThan(1e-8);
  });
});

describe("MacKinnon tables", () => {
  it("mackinnonP at the 2010 asymptotic 5 % critical value is ≈ 0.05 for every regression", () => {
    for (const reg of ["n", "c", "ct", "ctt"] as const)
      expect(Math.abs(mackinnonP(mackinnonCrit(1, reg)["5%"], reg) - 0.05)).toBeLessThan(0.003);
  });
});

describe("sorting and selection helpers", () => {
  const rng = new Xorshift128(5);
  const keys = Float64Array.from({length: 5000}, () => Math.round(rng.normal() * 50) / 10); // many ties
  ((keys[3] = -0), (keys[4] = 0), (keys[5] = -1e300), (keys[6] = Infinity));

  it("argsort is a stable ascending argsort (ties in index order, −0 with +0)", () => {
    const expected = Array.from(keys, (_, i) => i).sort((i, j) => keys[i] - keys[j] || i - j);
    expect([...argsort(keys)]).toEqual(expected);
  });

  it("selectInPlace and median agree with a full sort", () => {
    const sorted = Float64Array.from(keys).sort();
    for (const k of [0, 1, 2499, 2500, 4999]) expect(selectInPlace(Float64Array.from(keys), k)).toBe(sorted[k]);
    expect(median(keys)).toBe((sorted[2499] + sorted[2500]) / 2);
    expect(median([3, 1, 2])).toBe(2);
  });

  it("inversionCount and InversionTree list exactly the inverted pairs", () => {
    const n = 300,
      perm = argsort(Float64Array.from({length: n}, () => rng.uniform()));
    const rank = new Int32Array(n);
    perm.forEach((item, p) => (rank[item] = p));
    const order = Int32Array.from({length: n}, (_, i) => i);
    const brute = new Set<string>();
    for (let i = 0; i < n; ++i) for (let j = i + 1; j < n; ++j) if (rank[j] < rank[i]) brute.add(`${i},${j}`);
    expect(inversionCount(rank)).toBe(brute.size);
    const tree = new InversionTree(order, rank),
      listed = new Set<string>();
    tree.forEach((x, y) => listed.add(`${Math.min(x, y)},${Math.max(x, y)}`));
    expect(tree.total).toBe(brute.size);
    expect(listed).toEqual(brute);
    const [x, y] = tree.pick(17);
    expect(brute.has(`${Math.min(x, y)},${Math.max(x, y)}`)).toBe(true);
  });

  it("symmetricEigen diagonalises a 3×3 matrix with known eigenvalues", () => {
    const {values} = symmetricEigen(Float64Array.of(2, -1, 0, -1, 2, -1, 0, -1, 2), 3);
    expectValues(values, [2 + Math.SQRT2, 2, 2 - Math.SQRT2]);
  });
});

function expectValues(actual: Float64Array, expected: number[]) {
  expected.forEach((v, i) => expect(Math.abs(actual[i] - v)).toBeLessThan(1e-14));
}

describe("the seeded series generator", () => {
  it("generatePair reproduces the first and last values the Python mirror recorded for every long fixture series", () => {
    const specs = new Map<string, SeriesFixture>();
    for (const name of ["adf", "coint", "johansen", "hedges"]) {
      for (const c of fixture<{series: SeriesFixture}>(name))
        if (!c.series.a) specs.set(`${c.series.kind}/${c.series.seed}/${c.series.n}`, c.series);
    }
    expect(specs.size).toBeGreaterThan(10);
    for (const s of specs.values()) {
      const {a, b} = generatePair(s);
      expect([a[0], b[0], a[s.n - 1], b[s.n - 1]]).toEqual([...s.first, ...s.last]);
    }
  });

  it("inline fixture series equal the generator's output bit for bit", () => {
    const c = fixture<{series: SeriesFixture}>("stats")[0];
    const {a, b} = generatePair(c.series);
    expect([...a]).toEqual(c.series.a);
    expect([...b]).toEqual(c.series.b);
    void pairOf;
  });
});
