import {describe, expect, it} from "vitest";
import {decimateLayers, type Layer} from "../../src/components/chartLayers.js";
import {axisColumns, decimateColumns, visibleRows} from "../../src/components/decimate.js";

/** A frozen series: 1-second bars, a random walk (fixed LCG) with a few NaN runs and one spike. */
function series(n: number): {x: Float64Array; y: Float64Array} {
  const x = new Float64Array(n),
    y = new Float64Array(n);
  let seed = 12345,
    v = 0;
  for (let i = 0; i < n; ++i) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v += seed / 2147483648 - 0.5;
    x[i] = 1_764_000_000_000 + 1000 * i;
    y[i] = i % 997 < 3 ? NaN : i === 4321 ? 50 : v;
  }
  return {x, y};
}

const column = (x: number, x0: number, k: number) => Math.floor((x - x0) * k);

describe("visibleRows", () => {
  it("visibleRows(x, from, to) is the rows inside [from, to] and one on each side", () => {
    expect(visibleRows([1, 2, 3, 4, 5], 2.5, 3.5)).toEqual([1, 4]);
    expect(visibleRows([1, 2, 3, 4, 5], 2, 4)).toEqual([0, 5]);
    expect(visibleRows([1, 2, 3, 4, 5], 2.2, 2.8)).toEqual([1, 3]);
    expect(visibleRows([1, 2, 3, 4, 5], 3, 3)).toEqual([1, 4]);
  });

  it("visibleRows at or past the ends stops at the ends", () => {
    expect(visibleRows([1, 2, 3, 4, 5], 0, 9)).toEqual([0, 5]);
    expect(visibleRows([1, 2, 3, 4, 5], 1, 5)).toEqual([0, 5]);
    expect(visibleRows([1, 2, 3, 4, 5], 7, 9)).toEqual([4, 5]);
    expect(visibleRows([], 0, 1)).toEqual([0, 0]);
  });
});

describe("decimateColumns over a slice", () => {
  it("decimateColumns(x, y, axisColumns(x, 0, 0.25, 2, 6)) picks by hand from rows 2 … 5", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7],
      y = [5, 1, 9, 3, 2, 8, 4, 7];
    // Columns of 4 rows; rows 2, 3 (9, 3) and 4, 5 (2, 8): each first/min/max/last once, in time order.
    const d = decimateColumns(x, y, axisColumns(x, 0, 0.25, 2, 6));
    expect([...d.x]).toEqual([2, 3, 4, 5]);
    expect([...d.y]).toEqual([9, 3, 2, 8]);
    // All rows: rows 0 … 3 keep all four, rows 4 … 7 first = min (2), max (8), last (7).
    const all = decimateColumns(x, y, axisColumns(x, 0, 0.25));
    expect([...all.y]).toEqual([5, 1, 9, 3, 2, 8, 7]);
  });

  it("decimating rows from … to − 1 in place equals decimating the same rows taken out by hand", () => {
    const {x, y} = series(20_000),
      k = 600 / (x[12_000] - x[3_000]);
    for (const [from, to] of [
      [3_000, 12_001],
      [0, 500],
      [19_000, 20_000],
      [2_991, 3_010], // starts on the NaN rows 2,991 … 2,993
    ]) {
      const inPlace = decimateColumns(x, y, axisColumns(x, x[3_000], k, from, to));
      const xs = x.slice(from, to),
        ys = y.slice(from, to);
      const byHand = decimateColumns(xs, ys, axisColumns(xs, x[3_000], k));
      expect([...inPlace.x], `${from}…${to}`).toEqual([...byHand.x]);
      expect([...inPlace.y].map(String), `${from}…${to}`).toEqual([...byHand.y].map(String));
    }
  });

  it("a zoomed chart's decimation keeps every pixel column's lowest and highest value", () => {
    const {x, y} = series(86_400),
      view: [number, number] = [x[4_000], x[9_000]],
      k = 1200 / (view[1] - view[0]);
    const layers: Layer[] = [{type: "line", x, y, stroke: "#000"}];
    const d = decimateLayers(layers, view, k, 0)[0]!;
    // By hand: min and max per column over the rows the view shows (and the one on each side).
    const lo = new Map<number, number>(),
      hi = new Map<number, number>();
    for (let i = 3_999; i <= 9_001; ++i) {
      if (Number.isNaN(y[i])) continue;
      const c = column(x[i], view[0], k);
      lo.set(c, Math.min(lo.get(c) ?? Infinity, y[i]));
      hi.set(c, Math.max(hi.get(c) ?? -Infinity, y[i]));
    }
    const got = new Map<number, number[]>();
    for (let j = 0; j < d.x.length; ++j) {
      if (Number.isNaN(d.y[j])) continue;
      const c = column(d.x[j], view[0], k);
      got.set(c, [...(got.get(c) ?? []), d.y[j]]);
    }
    expect([...got.keys()].sort((a, b) => a - b)).toEqual([...lo.keys()].sort((a, b) => a - b));
    for (const [c, v] of got) {
      expect(v, `column ${c}`).toContain(lo.get(c));
      expect(v, `column ${c}`).toContain(hi.get(c));
    }
    // The spike at row 4,321 is in view and kept; rows outside the view but its neighbours are not drawn.
    expect([...d.y]).toContain(50);
    expect(d.x[0]).toBe(x[3_999]);
    expect(d.x[d.x.length - 1]).toBe(x[9_001]);
  });

  it("decimateLayers over the full range is the decimation of every row, as before", () => {
    const {x, y} = series(86_400),
      y2 = y.map((v) => -v),
      xd: [number, number] = [x[0], x[x.length - 1] + 5_000],
      k = 1300 / (xd[1] - xd[0]);
    const layers: Layer[] = [
      {type: "line", x, y, stroke: "#000"},
      {type: "rule", y: 0, stroke: "#000"},
      {type: "area", x, y: y2, fill: "#000"},
    ];
    const got = decimateLayers(layers, xd, k, 0),
      cols = axisColumns(x, xd[0], k);
    expect(got[1]).toBeNull();
    for (const [i, ys] of [[0, y] as const, [2, y2] as const]) {
      const want = decimateColumns(x, ys, cols);
      expect([...got[i]!.x]).toEqual([...want.x]);
      expect([...got[i]!.y].map(String)).toEqual([...want.y].map(String));
    }
  });
});

describe("decimateColumns against a plain reading of its rule", () => {
  /** Per column: the first, lowest, highest and last non-NaN rows (the first of equal extremes) in time order, each once, then a NaN after the last if the column has one. */
  function reference(x: Float64Array, y: Float64Array, starts: Int32Array): [number, number][] {
    const out: [number, number][] = [];
    for (let c = 0; c + 1 < starts.length; ++c) {
      const rows = Array.from({length: starts[c + 1] - starts[c]}, (_, k) => starts[c] + k),
        valid = rows.filter((i) => !Number.isNaN(y[i])),
        nan = valid.length < rows.length;
      if (valid.length === 0) {
        if (nan) out.push([out.length ? out[out.length - 1][0] : x[starts[0]], NaN]);
        continue;
      }
      const min = valid.reduce((p, i) => (y[i] < y[p] ? i : p)),
        max = valid.reduce((p, i) => (y[i] > y[p] ? i : p));
      const picks = [valid[0], Math.min(min, max), Math.max(min, max), valid[valid.length - 1]].filter(
        (i, k, all) => k === 0 || i !== all[k - 1],
      );
      for (const i of picks) out.push([x[i], y[i]]);
      if (nan) out.push([x[valid[valid.length - 1]], NaN]);
    }
    return out;
  }

  it("equals it on series with NaN runs, ties and whole-NaN columns, at several widths", () => {
    const {x, y} = series(20_000);
    // Ties: a flat stretch; a column of NaN only.
    y.fill(1.5, 5000, 5400);
    y.fill(NaN, 9000, 9400);
    for (const perMs of [1 / 7_000, 1 / 40_000, 1 / 333_000]) {
      const starts = axisColumns(x, x[0], perMs),
        d = decimateColumns(x, y, starts);
      expect(Array.from(d.x, (t, i) => [t, d.y[i]])).toEqual(reference(x, y, starts));
    }
  });
});
