import {describe, expect, it} from "vitest";
import {gapFlags} from "../../src/lib/gapFlags.js";

describe("gapFlags", () => {
  it("gapFlags(start, 1000, [{from, to}]) flags exactly the buckets overlapping [from, to]", () => {
    const start = Float64Array.from({length: 10}, (_, k) => 10_000 + k * 1000);
    expect(Array.from(gapFlags(start, 1000, [{from: 12_500, to: 14_000}]))).toEqual([0, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(
      Array.from(
        gapFlags(start, 1000, [
          {from: 0, to: 10_000},
          {from: 18_999, to: 99_999},
        ]),
      ),
    ).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(gapFlags(start, 1000, [{from: 30_000, to: 40_000}]))).toEqual(new Array(10).fill(0));
  });
});
