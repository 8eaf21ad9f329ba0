// What counts as a degenerate (near-constant) series: the rule `pairbook analyze` refuses with exit 2.
import {describe, expect, it} from "vitest";
import {extent, nearConstant} from "../../src/lib/nearConstant.js";

describe("nearConstant", () => {
  it("nearConstant(x) is true for constant series and for variation within 1e-12 of the magnitude, false above", () => {
    expect(nearConstant([7, 7, 7])).toBe(true);
    expect(nearConstant([0, 0])).toBe(true);
    expect(nearConstant([50, 50 + 2e-12, 50 - 2e-12])).toBe(true); // 8e-14 relative
    expect(nearConstant([50, 50 + 4e-11])).toBe(true); // 8e-13 relative
    expect(nearConstant([50, 50 + 1e-10])).toBe(false);
    expect(nearConstant([-1e-20, 1e-20])).toBe(false); // tiny values that do vary
    expect(nearConstant([])).toBe(false);
  });

  it("nearConstant(residuals, {magnitude}) measures a spread against the prices' magnitude", () => {
    expect(nearConstant([1e-14, -1e-14, 0], {magnitude: 100})).toBe(true);
    expect(nearConstant([1e-6, -1e-6, 0], {magnitude: 100})).toBe(false);
    expect(nearConstant([1, 1.5], {rtol: 0.5})).toBe(true);
  });

  it("extent(x) gives min, max, range and the largest |value|", () => {
    expect(extent([3, -5, 4])).toEqual({min: -5, max: 4, range: 9, magnitude: 5});
    expect(Number.isNaN(extent([]).range)).toBe(true);
  });
});
