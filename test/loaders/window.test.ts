// lookbackWindow: the one lookback rule of the notebook's build. Expected windows worked out by hand.
import {describe, expect, it} from "vitest";
import {lookbackWindow} from "../../loaders/window.js";

const t = Date.UTC(2026, 0, 1); // a whole hour

describe("lookbackWindow(first, last, interval, lookbackMs)", () => {
  it("ends with the bucket that holds the latest trade", () => {
    expect(lookbackWindow(t, t + 3_500, 1000, 3600_000)).toEqual({from: t, to: t + 4_000});
    expect(lookbackWindow(t, t + 4_000, 1000, 3600_000)).toEqual({from: t, to: t + 5_000}); // a trade on a boundary opens its bucket
  });

  it("is at most the lookback long, in whole buckets (a partial one rounds up)", () => {
    expect(lookbackWindow(t, t + 10 * 60_000 + 1, 60_000, 5 * 60_000)).toEqual({from: t + 6 * 60_000, to: t + 11 * 60_000});
    expect(lookbackWindow(t, t + 10 * 60_000 + 1, 60_000, 4.5 * 60_000)).toEqual({from: t + 6 * 60_000, to: t + 11 * 60_000});
  });

  it("never starts before the bucket of the first trade (a young lake gives a short window)", () => {
    expect(lookbackWindow(t + 1_500, t + 3_500, 1000, 3600_000)).toEqual({from: t + 1_000, to: t + 4_000});
    expect(lookbackWindow(t + 59_999, t + 3600_000, 3600_000, 24 * 3600_000)).toEqual({from: t, to: t + 2 * 3600_000});
  });
});
