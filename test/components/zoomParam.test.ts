import {describe, expect, it} from "vitest";
import {parseZoom, withZoom} from "../../src/components/zoomParam.js";

describe("parseZoom", () => {
  it("parseZoom('?static&zoom=1000-2000') reads the view and leaves no notice", () => {
    expect(parseZoom("?static&zoom=1000-2000")).toEqual({zoom: [1000, 2000], notice: null});
    expect(parseZoom("zoom=1764600000000-1764603600000&window=90").zoom).toEqual([1764600000000, 1764603600000]);
  });

  it("parseZoom without a zoom is no zoom and no notice", () => {
    expect(parseZoom("")).toEqual({zoom: null, notice: null});
    expect(parseZoom("?static&zoomed=1")).toEqual({zoom: null, notice: null});
  });

  it.each(["zoom=abc", "zoom=2000-1000", "zoom=1000-1000", "zoom=1000", "zoom=-5-10", "zoom=1.5-3", "zoom", "zoom=%E0%A4%A"])(
    "parseZoom(%s) ignores the value with a notice",
    (q) => {
      const p = parseZoom(`?${q}`);
      expect(p.zoom).toBeNull();
      expect(p.notice).toMatch(/^Ignored zoom=.* in the URL/);
    },
  );
});

describe("withZoom", () => {
  it("withZoom keeps ?static as written and every other parameter in its place", () => {
    expect(withZoom("?static&window=90", [1000.4, 1999.6])).toBe("?static&window=90&zoom=1000-2000");
    expect(withZoom("?static&zoom=1-2&live=ws%3A%2F%2Fx", [5, 6])).toBe("?static&live=ws%3A%2F%2Fx&zoom=5-6");
  });

  it("withZoom(…, null) removes the zoom, and the query when nothing is left", () => {
    expect(withZoom("?zoom=1-2&static", null)).toBe("?static");
    expect(withZoom("?zoom=1-2", null)).toBe("");
    expect(withZoom("", null)).toBe("");
  });
});
