/**
 * A small seeded pseudo-random generator (Tommy Ettinger's mulberry32): uniform numbers in [0, 1) with
 * 32 bits of state, the same sequence for the same seed in Node and the browser. Not for cryptography.
 * O(1) per draw.
 *
 *   const random = mulberry32(42); random(); // 0.6011037519201636
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
