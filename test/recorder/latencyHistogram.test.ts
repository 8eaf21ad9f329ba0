import {describe, expect, it} from "vitest";
import {LatencyHistogram} from "../../recorder/latencyHistogram.js";

describe("LatencyHistogram", () => {
  it("summary() gives count, max and p50/p99 as the upper edge of their 0.01 ms bucket, then reset() empties it", () => {
    const h = new LatencyHistogram();
    // 60 at 1.004 ms (bucket [1.00, 1.01)), 39 at 2.5 ms (bucket [2.50, 2.51)), 1 at 250 ms (overflow).
    for (let i = 0; i < 60; ++i) h.record(1.004);
    for (let i = 0; i < 39; ++i) h.record(2.5);
    h.record(250);
    expect(h.summary(true)).toEqual({count: 100, p50: 1.01, p99: 2.51, max: 250});
    const empty = h.summary();
    expect(empty.count).toBe(0);
    expect(empty.p50).toBeNaN();
    expect(empty.max).toBe(0);
  });
});
