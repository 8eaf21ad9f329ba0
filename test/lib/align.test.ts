// alignBars: gap-aware alignment of two legs' bars.
import {describe, expect, it} from "vitest";
import {alignBars, alignCloses} from "../../src/lib/align.js";
import {resample} from "../../src/lib/bars.js";
import {gapFlags} from "../../src/lib/gapFlags.js";
import {seededTrades} from "./seededTrades.js";

describe("alignBars", () => {
  it("alignBars(a, b) without flags gives the rows of alignCloses(a, b)", () => {
    const a = resample(seededTrades(5, 900), 1000),
      b = resample(seededTrades(6, 900), 1000);
    const x = alignBars(a, b),
      y = alignCloses(a, b);
    expect(Array.from(x.time)).toEqual(Array.from(y.time));
    expect(Array.from(x.a)).toEqual(Array.from(y.a));
    expect(Array.from(x.b)).toEqual(Array.from(y.b));
  });

  it("alignBars(a, b, {gapA}) leaves flagged buckets out and carries no close across them", () => {
    // a trades at buckets 0, 1, 5; b every bucket; bucket 2 of a overlaps a gap.
    const t0 = 1_700_000_000_000;
    const mk = (secs: number[], p0: number) =>
      resample(
        {
          id: secs,
          time: secs.map((s) => t0 + s * 1000 + 10),
          price: secs.map((s) => p0 + s),
          qty: secs.map(() => 1),
          isBuyerMaker: secs.map(() => false),
        },
        1000,
        {from: t0, to: t0 + 7000},
      );
    const a = mk([0, 1, 5], 10),
      b = mk([0, 1, 2, 3, 4, 5, 6], 20);
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
