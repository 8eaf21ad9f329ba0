// lookbackUnit: the pair and symbol pages' lookback slider, minutes under two hours of bars, else hours.
import {describe, expect, it} from "vitest";
import {lookbackUnit} from "../../src/components/lookbackUnit.js";

describe("lookbackUnit({from, to})", () => {
  it("minutes under two hours, rounded up; at least one", () => {
    expect(lookbackUnit({from: 0, to: 90 * 60_000 + 1})).toEqual({ms: 60e3, label: "lookback (minutes)", step: 1, min: 1, max: 91});
    expect(lookbackUnit({from: 0, to: 1000})).toMatchObject({ms: 60e3, max: 1});
  });
  it("hours from two hours on, in quarter steps; 24 h for a file without bars", () => {
    expect(lookbackUnit({from: 0, to: 3 * 3600e3})).toEqual({ms: 3600e3, label: "lookback (hours)", step: 0.25, min: 0.25, max: 3});
    expect(lookbackUnit({from: null, to: null})).toMatchObject({ms: 3600e3, max: 24});
  });
});
