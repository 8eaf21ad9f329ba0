/**
 * Number of inversions (p < q with values[q] < values[p]) of a permutation of 0 … n−1, by merge sort.
 * O(n log n).
 *
 *   inversionCount(Int32Array.of(2, 0, 1)) // 2
 */
export function inversionCount(values: Int32Array): number {
  const n = values.length;
  let src = Int32Array.from(values),
    dst = new Int32Array(n),
    total = 0;
  for (let width = 1; width < n; width *= 2) {
    total += mergeLevel(src, dst, width);
    [src, dst] = [dst, src];
  }
  return total;
}

/**
 * One level of a bottom-up merge sort: merges each pair of sorted blocks of `width` from `src` into
 * `dst` and returns the inversions between them. For each right-block slot j, optionally records in
 * `from[j]` the first left slot of larger value and in `counts[j]` how many left values are larger.
 * Equal values are not inverted. O(n).
 */
function mergeLevel(src: Int32Array, dst: Int32Array, width: number, from?: Int32Array, counts?: Float64Array): number {
  const n = src.length;
  let total = 0;
  for (let start = 0; start < n; start += 2 * width) {
    const mid = Math.min(start + width, n),
      end = Math.min(start + 2 * width, n);
    let i = start,
      j = mid,
      o = start;
    while (j < end) {
      if (i < mid && src[i] <= src[j]) dst[o++] = src[i++];
      else {
        // src[j] is inverted with the rest of the (sorted) left block: a suffix starting at i.
        total += mid - i;
        if (from && counts) ((from[j] = i), (counts[j] = mid - i));
        dst[o++] = src[j++];
      }
    }
    while (i < mid) dst[o++] = src[i++];
  }
  return total;
}

/**
 * All inversions between two orders of the same n items, kept as a merge-sort tree so they can be
 * counted, sampled uniformly and listed: `order` lists items in the first order, `rank[item]` is
 * the item's position in the second. An inversion is a pair of items in opposite relative order.
 * O(n log n) time and memory to build; `pick` is O(log n), `forEach` O(n log n + inversions).
 */
export class InversionTree {
  readonly total: number;
  private readonly levels: Int32Array[] = []; // second-order ranks, sorted within blocks of 2^level
  private readonly leftFrom: Int32Array[] = []; // per level, for a right-block slot: first larger left slot
  private readonly cumulative: Float64Array; // inversions up to and including each (level, slot)
  private readonly byRank: Int32Array;

  constructor(order: Int32Array, rank: Int32Array) {
    const n = order.length;
    this.byRank = new Int32Array(n);
    for (let p = 0; p < n; ++p) this.byRank[rank[order[p]]] = order[p];
    let src = Int32Array.from(order, (item) => rank[item]);
    const levelCount = n > 1 ? Math.ceil(Math.log2(n)) : 0;
    const perSlot = new Float64Array(levelCount * n);
    for (let width = 1, level = 0; width < n; width *= 2, ++level) {
      const from = new Int32Array(n),
        counts = perSlot.subarray(level * n, (level + 1) * n),
        dst = new Int32Array(n);
      mergeLevel(src, dst, width, from, counts); // ranks are distinct, so ties do not arise
      (this.levels.push(src), this.leftFrom.push(from));
      src = dst;
    }
    let total = 0;
    for (let s = 0; s < perSlot.length; ++s) perSlot[s] = total += perSlot[s];
    this.cumulative = perSlot;
    this.total = total;
  }

  /** The r-th inversion (0 ≤ r < total) as a pair of items. O(log n). */
  pick(r: number): [number, number] {
    const c = this.cumulative;
    let lo = 0,
      hi = c.length - 1; // first slot whose cumulative count exceeds r
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] <= r) lo = mid + 1;
      else hi = mid;
    }
    return this.pair(lo, r - (lo > 0 ? c[lo - 1] : 0));
  }

  /** Calls f(itemA, itemB) once per inversion. */
  forEach(f: (a: number, b: number) => void): void {
    const c = this.cumulative,
      n = this.byRank.length,
      byRank = this.byRank;
    for (let slot = 0; slot < c.length; ++slot) {
      const k = c[slot] - (slot > 0 ? c[slot - 1] : 0);
      if (k === 0) continue;
      const level = Math.floor(slot / n),
        q = slot % n,
        src = this.levels[level],
        from = this.leftFrom[level][q];
      const right = byRank[src[q]];
      for (let o = 0; o < k; ++o) f(right, byRank[src[from + o]]);
    }
  }

  private pair(slot: number, offset: number): [number, number] {
    const n = this.byRank.length,
      level = Math.floor(slot / n),
      q = slot % n;
    const src = this.levels[level];
    return [this.byRank[src[q]], this.byRank[src[this.leftFrom[level][q] + offset]]];
  }
}
