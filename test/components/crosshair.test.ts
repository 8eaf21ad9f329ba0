// The crosshair's pure parts (src/components/crosshair.ts): the bar nearest a time and the tooltip's time
// text. The DOM parts are tested in test/browser/hover.test.ts.
import {describe, expect, it} from "vitest";
import {nearestRow, utcText} from "../../src/components/crosshair.js";

describe("nearestRow", () => {
  const time = Float64Array.from([1000, 2000, 3000, 5000]);

  it("nearestRow(time, t) is the row of the bar nearest t, the later one on a tie", () => {
    expect(nearestRow(time, 1000)).toBe(0);
    expect(nearestRow(time, 1400)).toBe(0);
    expect(nearestRow(time, 1600)).toBe(1);
    expect(nearestRow(time, 1500)).toBe(1);
    expect(nearestRow(time, 3999)).toBe(2);
    expect(nearestRow(time, 4001)).toBe(3);
  });

  it("nearestRow(time, t) clamps to the first and last bar", () => {
    expect(nearestRow(time, -1e12)).toBe(0);
    expect(nearestRow(time, 1e12)).toBe(3);
  });

  it("nearestRow([], t) is −1", () => {
    expect(nearestRow([], 0)).toBe(-1);
  });
});

describe("utcText", () => {
  it("utcText(t) prints the UTC time to the second, or to the millisecond when t has some", () => {
    expect(utcText(Date.UTC(2026, 11, 1, 15, 49, 20))).toBe("2026-12-01 15:49:20 UTC");
    expect(utcText(Date.UTC(2026, 11, 1, 15, 49, 20, 5))).toBe("2026-12-01 15:49:20.005 UTC");
  });
});
