import {argsort} from "./argsort.js";
import {median, selectInPlace} from "./select.js";
import {inversionCount, InversionTree} from "./inversions.js";

export interface TheilSenFit {
  readonly alpha: number;
  readonly beta: number;
}

const ULP = 2 ** -53;

/**
 * Theil-Sen regression a = alpha + beta·b, exactly as scipy `theilslopes(a, b)` (method "separate"):
 * beta is the median of the slopes (a_j − a_i)/(b_j − b_i) over pairs with b_i < b_j, computed with the
 * same floating-point operations; alpha = median(a) − beta·median(b).
 *
 * For large n the median slope is found without listing the O(n²) slopes: a randomized search over
 * slope intervals (Dillencourt, Mount & Netanyahu 1992; Matoušek 1991) counts slopes ≤ t as
 * inversions of the order by a − t·b, samples uniform pairs inside the current interval from a
 * merge-sort tree of inversions, and shrinks it until O(n) pairs remain, which are listed and
 * selected exactly. A floating-point error bound certifies the final ranks (else it widens and
 * retries; after 40 failed rounds, only conceivable on a pathological x grid, it lists all pairs).
 * O(n log n) expected time, O(n log n) memory. NaN when all b are equal or any value is not finite.
 *
 *   theilSen(eth, btc).beta
 */
export function theilSen(a: ArrayLike<number>, b: ArrayLike<number>): TheilSenFit {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`theilSen: a and b differ in length (${n} vs ${b.length})`);
  const beta = medianSlope(a, b);
  return {alpha: median(a) - beta * median(b), beta};
}

function medianSlope(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const n = y.length;
  for (let i = 0; i < n; ++i) if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) return NaN;
  // Base order: by x, then y; g = index of the distinct-x group.
  const order = argsort(x, argsort(y));
  const xs = Float64Array.from(order, (i) => x[i]),
    ys = Float64Array.from(order, (i) => y[i]);
  const group = new Int32Array(n);
  let pairs = (n * (n - 1)) / 2,
    run = 1,
    dxMin = Infinity,
    xMax = 0,
    yMax = 0;
  for (let i = 0; i < n; ++i) {
    ((xMax = Math.max(xMax, Math.abs(xs[i]))), (yMax = Math.max(yMax, Math.abs(ys[i]))));
    if (i === 0) continue;
    if (xs[i] === xs[i - 1]) ((group[i] = group[i - 1]), ++run);
    else ((group[i] = group[i - 1] + 1), (pairs -= (run * (run - 1)) / 2), (run = 1), (dxMin = Math.min(dxMin, xs[i] - xs[i - 1])));
  }
  pairs -= (run * (run - 1)) / 2;
  if (pairs === 0) return NaN;
  const k1 = Math.floor((pairs - 1) / 2),
    k2 = Math.floor(pairs / 2);
  const slope = (i: number, j: number) => (ys[j] - ys[i]) / (xs[j] - xs[i]); // i before j in base order
  if (n <= 1500) {
    const all = new Float64Array(pairs);
    let m = 0;
    for (let i = 0; i < n; ++i) for (let j = i + 1; j < n; ++j) if (group[j] !== group[i]) all[m++] = slope(i, j);
    all.sort();
    return (all[k1] + all[k2]) / 2;
  }

  // Order of the points by key (y − t·x, −group, index): slope(i, j) ≤ t ⟺ j precedes i.
  // The order at +∞ (groups descending, index ascending) also breaks ties of finite keys.
  const top = new Int32Array(n);
  for (let end = n, p = 0; end > 0;) {
    let start = end - 1;
    while (start > 0 && group[start - 1] === group[end - 1]) --start;
    for (let i = start; i < end; ++i) top[p++] = i;
    end = start;
  }
  const orderAt = (t: number): Int32Array => {
    if (t === -Infinity) return Int32Array.from({length: n}, (_, i) => i);
    if (t === Infinity) return top;
    const u = new Float64Array(n);
    for (let i = 0; i < n; ++i) u[i] = ys[i] - t * xs[i];
    return argsort(u, top);
  };
  const rankOf = (o: Int32Array) => {
    const r = new Int32Array(n);
    for (let p = 0; p < n; ++p) r[o[p]] = p;
    return r;
  };

  // Rounding can misorder a pair only by E(t)/Δx in slope. Pairs closer than δ in x (at most ~2n)
  // are checked one by one; for all others a classification error is within margin(t).
  let delta = xs[n - 1] - xs[0];
  while (delta > 0 && closePairs(xs, delta, null) > 2 * n) delta /= 2;
  const close: number[] = [];
  closePairs(xs, delta, close);
  const margin = (t: number) => {
    if (!Number.isFinite(t)) return 0;
    const e = (8 * ULP * (yMax + 2 * Math.abs(t) * xMax)) / delta;
    return e + 8 * ULP * (Math.abs(t) + e);
  };
  const random = seededRandom(0x9e3779b9 ^ n);
  const sampleSize = Math.max(4096, n);

  let lo = -Infinity,
    hi = Infinity,
    loOrder = orderAt(lo),
    hiOrder = orderAt(hi),
    cLo = 0,
    cHi = pairs;
  for (let round = 0; ; ++round) {
    const inside = cHi - cLo;
    if (inside <= 10 * n || round > 40) {
      const tree = new InversionTree(loOrder, rankOf(hiOrder));
      const values = new Float64Array(tree.total);
      let m = 0;
      tree.forEach((i, j) => void (values[m++] = i < j ? slope(i, j) : slope(j, i)));
      const r1 = k1 - cLo,
        r2 = k2 - cLo;
      if (tree.total === inside && r1 >= 0 && r2 < values.length) {
        const v1 = selectInPlace(values, r1),
          v2 = r2 === r1 ? v1 : selectInPlace(values, r2, r1 + 1);
        if (certified(v1, v2, lo, hi, rankOf(loOrder), rankOf(hiOrder))) return (v1 + v2) / 2;
      }
      // A boundary within rounding of the median (or a pathological x grid): widen and retry.
      const width = Number.isFinite(hi - lo) ? hi - lo : 1;
      lo = round > 40 ? -Infinity : lo - Math.max(width, 4 * margin(lo));
      hi = round > 40 ? Infinity : hi + Math.max(width, 4 * margin(hi));
      ((loOrder = orderAt(lo)), (hiOrder = orderAt(hi)), (cLo = inversionCount(rankOf(loOrder))), (cHi = inversionCount(rankOf(hiOrder))));
      continue;
    }
    // Direct sampling is cheap, so the first round samples more and cuts deeper.
    const m = Math.min(inside, round === 0 ? 4 * sampleSize : sampleSize);
    const sample = new Float64Array(m);
    if (round === 0) {
      // Uniform pairs of distinct x directly, no tree needed for the whole set.
      for (let s = 0; s < m;) {
        const i = Math.floor(random() * n),
          j = Math.floor(random() * n);
        if (group[i] !== group[j]) sample[s++] = i < j ? slope(i, j) : slope(j, i);
      }
    } else {
      const tree = new InversionTree(loOrder, rankOf(hiOrder));
      for (let s = 0; s < m; ++s) {
        const [i, j] = tree.pick(Math.floor(random() * tree.total));
        sample[s] = i < j ? slope(i, j) : slope(j, i);
      }
    }
    sample.sort();
    const spread = 2 * Math.sqrt(m);
    const pLo = Math.floor(((k1 - cLo) / inside) * m - spread),
      pHi = Math.ceil(((k2 + 1 - cLo) / inside) * m + spread);
    if (pLo >= 0 && sample[pLo] > lo) {
      const order = orderAt(sample[pLo]),
        c = inversionCount(rankOf(order));
      if (c <= k1) ((lo = sample[pLo]), (loOrder = order), (cLo = c));
    }
    if (pHi < m && sample[pHi] < hi) {
      const order = orderAt(sample[pHi]),
        c = inversionCount(rankOf(order));
      if (c >= k2 + 1) ((hi = sample[pHi]), (hiOrder = order), (cHi = c));
    }
  }

  // Every slope classified below lo must be ≤ v1 and every one above hi ≥ v2.
  function certified(v1: number, v2: number, lo: number, hi: number, loRank: Int32Array, hiRank: Int32Array): boolean {
    if (lo > -Infinity && v1 < lo + margin(lo)) return false;
    if (hi < Infinity && v2 > hi - margin(hi)) return false;
    for (let c = 0; c < close.length; c += 2) {
      const i = close[c],
        j = close[c + 1],
        s = slope(i, j);
      if (loRank[j] < loRank[i] && s > v1) return false;
      if (hiRank[i] < hiRank[j] && s < v2) return false;
    }
    return true;
  }
}

/** Counts (and, given `out`, lists as i, j) the pairs of sorted xs with 0 < x_j − x_i < delta. O(n + pairs). */
function closePairs(xs: Float64Array, delta: number, out: number[] | null): number {
  let count = 0;
  for (let j = 1, i = 0, groupStart = 0; j < xs.length; ++j) {
    if (xs[j] !== xs[j - 1]) groupStart = j;
    while (xs[j] - xs[i] >= delta) ++i;
    if (groupStart <= i) continue;
    count += groupStart - i;
    if (out) for (let p = i; p < groupStart; ++p) out.push(p, j);
  }
  return count;
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    ((s ^= s << 13), (s >>>= 0), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0));
    return s / 4294967296;
  };
}
