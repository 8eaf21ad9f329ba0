/**
 * Stable argsort of float keys: returns `order` rearranged so keys[order[p]] ascend, equal keys keeping
 * their order in `order` (default 0 … n−1). LSD radix sort on the IEEE bit patterns, 16 bits per pass;
 * −0 sorts with +0. NaN keys are not allowed. O(n).
 *
 *   argsort(Float64Array.of(3, 1, 2)) // Int32Array [1, 2, 0]
 */
export function argsort(keys: ArrayLike<number>, order?: Int32Array): Int32Array {
  const n = keys.length;
  let src = order ? Int32Array.from(order) : Int32Array.from({length: n}, (_, i) => i);
  if (src.length !== n) throw new RangeError(`argsort: order has ${src.length} entries, keys ${n}`);
  const f = new Float64Array(1),
    w = new Uint32Array(f.buffer);
  const lo = new Uint32Array(n),
    hi = new Uint32Array(n);
  for (let i = 0; i < n; ++i) {
    f[0] = keys[i] + 0; // −0 + 0 = +0
    let a = w[0],
      b = w[1];
    // Map to unsigned order: negative numbers flip all bits, positive ones flip the sign bit.
    if (b & 0x80000000) ((a = ~a >>> 0), (b = ~b >>> 0));
    else b = (b | 0x80000000) >>> 0;
    ((lo[i] = a), (hi[i] = b));
  }
  let dst = new Int32Array(n);
  const counts = new Int32Array(65537);
  for (let pass = 0; pass < 4; ++pass) {
    const words = pass < 2 ? lo : hi,
      shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let p = 0; p < n; ++p) ++counts[((words[src[p]] >>> shift) & 0xffff) + 1];
    if (counts[1] === n || counts[65536] === n) continue; // every key shares this digit
    for (let d = 0; d < 65536; ++d) counts[d + 1] += counts[d];
    for (let p = 0; p < n; ++p) dst[counts[(words[src[p]] >>> shift) & 0xffff]++] = src[p];
    [src, dst] = [dst, src];
  }
  return src;
}
