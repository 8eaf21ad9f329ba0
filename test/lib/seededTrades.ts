// Seeded trade columns for the bar tests: the same trades on every run, no reference to the code under test.

/** Seeded trades: irregular times over `seconds`, with quiet stretches. */
export function seededTrades(seed: number, seconds: number, t0 = 1_700_000_000_000) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const id: number[] = [],
    time: number[] = [],
    price: number[] = [],
    qty: number[] = [],
    isBuyerMaker: boolean[] = [];
  let p = 100,
    t = t0;
  for (let i = 0; t < t0 + seconds * 1000; ++i) {
    t += Math.floor(rand() * (i % 50 < 40 ? 700 : 9000));
    p *= 1 + (rand() - 0.5) / 500;
    (id.push(i), time.push(t), price.push(p), qty.push(rand()), isBuyerMaker.push(rand() < 0.5));
  }
  return {id, time, price, qty, isBuyerMaker};
}
