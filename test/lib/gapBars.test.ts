// The notebook's bar additions in src/lib: gap flags, rebucketing and gap-aware alignment.
import {describe, expect, it} from "vitest";
import {alignBars, alignCloses} from "../../src/lib/align.js";
import {gapFlags, rebucket, resample} from "../../src/lib/bars.js";

/** Seeded trades: irregular times over `seconds`, with quiet stretches. */
function trades(seed: number, seconds: number, t0 = 1_700_000_000_000) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const id: number[] = [], time: number[] = [], price: number[] = [], qty: number[] = [], isBuyerMaker: boolean[] = [];
  let p = 100, t = t0;
  for (let i = 0; t < t0 + seconds * 1000; ++i) {
    t += Math.floor(rand() * (i % 50 < 40 ? 700 : 9000));
    p *= 1 + (rand() - 0.5) / 500;
    id.push(i), time.push(t), price.push(p), qty.push(rand()), isBuyerMaker.push(rand() < 0.5);
  }
  return {id, time, price, qty, isBuyerMaker};
}

describe("rebucket", () => {
  it("rebucket(resample(trades, 1s), 1m) equals resample(trades, 1m)", () => {
    const t = trades(3, 3600);
    const from = Math.floor(t.time[0] / 60_000) * 60_000, to = from + 61 * 60_000;
    const fine = resample(t, 1000, {from, to}), coarse = resample(t, 60_000, {from, to});
    const {bars} = rebucket(fine, 60_000);
    expect(Array.from(bars.start)).toEqual(Array.from(coarse.start));
    for (const key of ["open", "high", "low", "close", "count"] as const) expect(Array.from(bars[key])).toEqual(Array.from(coarse[key]));
    for (const key of ["volume", "quoteVolume", "takerBuyVolume", "vwap"] as const) {
      bars[key].forEach((v, k) => (Number.isNaN(coarse[key][k]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(coarse[key][k], 9)));
    }
  });

  it("rebucket flags a coarse bucket when any of its bars is flagged, and rejects a finer interval", () => {
    const fine = resample(trades(4, 300), 1000);
    const gap = new Uint8Array(fine.start.length);
    gap[70] = 1;
    const {gap: coarse, bars} = rebucket(fine, 60_000, gap);
    const k = Math.floor((fine.start[70] - bars.start[0]) / 60_000);
    expect(Array.from(coarse).map((f, i) => (f ? i : -1)).filter((i) => i >= 0)).toEqual([k]);
    expect(() => rebucket(fine, 1500)).toThrow(RangeError);
  });
});

describe("gapFlags", () => {
  it("gapFlags(start, 1000, [{from, to}]) flags exactly the buckets overlapping [from, to]", () => {
    const start = Float64Array.from({length: 10}, (_, k) => 10_000 + k * 1000);
    expect(Array.from(gapFlags(start, 1000, [{from: 12_500, to: 14_000}]))).toEqual([0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(gapFlags(start, 1000, [{from: 0, to: 10_000}, {from: 18_999, to: 99_999}]))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(gapFlags(start, 1000, [{from: 30_000, to: 40_000}]))).toEqual(new Array(10).fill(0));
  });
});

describe("alignBars", () => {
  it("alignBars(a, b) without flags gives the rows of alignCloses(a, b)", () => {
    const a = resample(trades(5, 900), 1000), b = resample(trades(6, 900), 1000);
    const x = alignBars(a, b), y = alignCloses(a, b);
    expect(Array.from(x.time)).toEqual(Array.from(y.time));
    expect(Array.from(x.a)).toEqual(Array.from(y.a));
    expect(Array.from(x.b)).toEqual(Array.from(y.b));
  });

  it("alignBars(a, b, {gapA}) leaves flagged buckets out and carries no close across them", () => {
    // a trades at buckets 0, 1, 5; b every bucket; bucket 2 of a overlaps a gap.
    const t0 = 1_700_000_000_000;
    const mk = (secs: number[], p0: number) => resample({id: secs, time: secs.map((s) => t0 + s * 1000 + 10), price: secs.map((s) => p0 + s), qty: secs.map(() => 1), isBuyerMaker: secs.map(() => false)}, 1000, {from: t0, to: t0 + 7000});
    const a = mk([0, 1, 5], 10), b = mk([0, 1, 2, 3, 4, 5, 6], 20);
    const gapA = gapFlags(a.start, 1000, [{from: t0 + 2500, to: t0 + 2600}]);
    const x = alignBars(a, b, {gapA});
    expect(Array.from(x.time, (t) => (t - t0) / 1000)).toEqual([0, 1, 5, 6]);
    expect(Array.from(x.a)).toEqual([10, 11, 15, 15]);
    expect(x.excluded).toBe(3);
    expect(x.gaps).toEqual([{from: t0 + 2000, to: t0 + 3000}]);
    // Without the flag, buckets 2–4 carry a's close 11 forward.
    expect(Array.from(alignBars(a, b).a)).toEqual([10, 11, 11, 11, 11, 15, 15]);
  });
});
