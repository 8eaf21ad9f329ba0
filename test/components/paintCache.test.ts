// paintKey (src/components/paintCache.ts): equal keys must mean equal pixels, so every part of a
// layer that is painted makes the key differ, and a layer whose contents are unknown makes none.
import {describe, expect, it} from "vitest";
import type {Layer} from "../../src/components/chartLayers.js";
import {paintKey, samePaint} from "../../src/components/paintCache.js";
import {stampWritten} from "../../src/lib/stream/writeStamps.js";

const stamped = (values: number[]) => {
  const v = Float64Array.from(values);
  stampWritten(v);
  return v;
};

describe("paintKey", () => {
  const x = stamped([1, 2, 3]),
    y = stamped([5, 6, 7]);
  const layers: Layer[] = [
    {type: "spans", spans: [{from: 1, to: 2}], fill: "#e8590c"},
    {type: "rule", y: 1.5, stroke: "#c44", dash: [4, 3]},
    {type: "line", x, y, stroke: "#7b3fb8"},
    {type: "dots", dots: [{x: 2, y: 6, fill: "#22a06b", symbol: "triangle"}]},
  ];

  it("paintKey(layers, frame) is the same for the same layers and frame, also on new views of the buffers", () => {
    const again: Layer[] = layers.map((l) => (l.type === "line" ? {...l, x: x.subarray(0), y: y.subarray(0, 3)} : l));
    expect(samePaint(paintKey(layers, "f")!, paintKey(again, "f")!)).toBe(true);
  });

  it("paintKey differs for another frame, a written series, fewer rows, another style, rule, mark or span", () => {
    const key = paintKey(layers, "f")!;
    const variants: [string, Layer[], string][] = [
      ["frame", layers, "g"],
      ["rows", layers.map((l) => (l.type === "line" ? {...l, x: x.subarray(0, 2), y: y.subarray(0, 2)} : l)), "f"],
      ["stroke", layers.map((l) => (l.type === "line" ? {...l, stroke: "red"} : l)), "f"],
      ["scale", layers.map((l) => (l.type === "line" ? {...l, scale: 2} : l)), "f"],
      ["rule", layers.map((l) => (l.type === "rule" ? {...l, y: 2} : l)), "f"],
      ["mark", layers.map((l) => (l.type === "dots" ? {...l, dots: [{...l.dots[0], y: 6.5}]} : l)), "f"],
      ["span", layers.map((l) => (l.type === "spans" ? {...l, spans: [{from: 1, to: 3}]} : l)), "f"],
    ];
    for (const [what, v, frame] of variants) expect(samePaint(paintKey(v, frame)!, key), what).toBe(false);
    y[1] = 60;
    stampWritten(y);
    expect(samePaint(paintKey(layers, "f")!, key), "written").toBe(false);
  });

  it("paintKey is null for a series never stamped or a custom layer", () => {
    expect(paintKey([{type: "line", x, y: Float64Array.from([1, 2, 3]), stroke: "red"}], "f")).toBeNull();
    expect(paintKey([{type: "area", x: [1, 2, 3], y, fill: "red"}], "f")).toBeNull();
    const custom: Layer = {type: "custom", x, shape: "c", columns: () => ({x, y}), draw: () => {}};
    expect(paintKey([custom], "f")).toBeNull();
  });
});
