// A canvas chart's kept decimations (src/components/decimationCache.ts): a series whose buffers carry
// the same write stamps is taken as kept; a written buffer, another axis or an unstamped array is
// decimated afresh, and what comes out always equals a fresh decimation of the rows as they are.
import {describe, expect, it} from "vitest";
import {decimateLayers, type Layer} from "../../src/components/chartLayers.js";
import {axisColumns, decimateColumns} from "../../src/components/decimate.js";
import {DecimationCache} from "../../src/components/decimationCache.js";
import {stampWritten} from "../../src/lib/stream/writeStamps.js";

const n = 20_000,
  x0 = 1_764_000_000_000;

/** Frozen rows: 1-second bars, a random walk (fixed LCG), in a buffer with room after them. */
function rows(seed: number): {x: Float64Array; y: Float64Array} {
  const x = new Float64Array(n + 100),
    y = new Float64Array(n + 100);
  let v = 0;
  for (let i = 0; i < n; ++i) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    v += seed / 2147483648 - 0.5;
    ((x[i] = x0 + 1000 * i), (y[i] = v));
  }
  stampWritten(x, y);
  return {x: x.subarray(0, n), y: y.subarray(0, n)};
}

const perMs = 300 / (1000 * n),
  axis = `${x0}|${x0 + 1000 * n}|${perMs}|0`;

/** The decimation as a chart makes it without a cache, counting the column computations. */
function counted(): {columns: (x: Float64Array) => () => Int32Array; calls: () => number} {
  let calls = 0;
  return {columns: (x) => () => (++calls, axisColumns(x, x0, perMs)), calls: () => calls};
}

describe("DecimationCache", () => {
  it("decimate(x, y) of unwritten buffers is the kept series; written, it is decimated afresh", () => {
    const cache = new DecimationCache(4),
      {x, y} = rows(1),
      c = counted();
    const first = cache.decimate(x, y, axis, c.columns(x));
    expect(first).toEqual(decimateColumns(x, y, axisColumns(x, x0, perMs)));
    // New views on the same buffer (a stream's column() each frame): the same series, nothing computed.
    expect(cache.decimate(x.subarray(0), y.subarray(0, n), axis, c.columns(x))).toBe(first);
    expect(c.calls()).toBe(1);
    // A spike written into the rows: the kept series would miss it.
    y[777] = 1e6;
    stampWritten(y);
    const again = cache.decimate(x, y, axis, c.columns(x));
    expect(c.calls()).toBe(2);
    expect(Math.max(...again.y)).toBe(1e6);
    expect(again).toEqual(decimateColumns(x, y, axisColumns(x, x0, perMs)));
  });

  it("decimate over fewer rows, another axis or from another offset is not the kept series", () => {
    const cache = new DecimationCache(8),
      {x, y} = rows(2),
      c = counted();
    cache.decimate(x, y, axis, c.columns(x));
    cache.decimate(x.subarray(0, n - 1), y.subarray(0, n - 1), axis, () => (c.columns(x)(), axisColumns(x.subarray(0, n - 1), x0, perMs)));
    cache.decimate(x, y, `${axis}|zoomed`, c.columns(x));
    cache.decimate(x.subarray(1), y.subarray(1), axis, () => (c.columns(x)(), axisColumns(x.subarray(1), x0, perMs)));
    expect(c.calls()).toBe(4);
  });

  it("decimate(x, y) of arrays never stamped decimates every time (their writes are not known)", () => {
    const cache = new DecimationCache(4),
      x = Float64Array.from({length: n}, (_, i) => x0 + 1000 * i),
      y = Float64Array.from({length: n}, (_, i) => Math.sin(i / 50)),
      c = counted();
    cache.decimate(x, y, axis, c.columns(x));
    y[5] = 99; // written without a stamp
    const d = cache.decimate(x, y, axis, c.columns(x));
    expect(c.calls()).toBe(2);
    expect(Math.max(...d.y)).toBe(99);
  });

  it("DecimationCache(limit) keeps the `limit` series used last", () => {
    const cache = new DecimationCache(2),
      [p, q, r] = [rows(3), rows(4), rows(5)],
      c = counted();
    for (const s of [p, q, r, q]) cache.decimate(s.x, s.y, axis, c.columns(s.x));
    expect(c.calls()).toBe(3); // q kept
    cache.decimate(p.x, p.y, axis, c.columns(p.x));
    expect(c.calls()).toBe(4); // p dropped when r came
  });
});

describe("decimateLayers with a cache", () => {
  it("decimateLayers(…, start 0, cache) equals decimateLayers without one, before and after a write", () => {
    const cache = new DecimationCache(),
      {x, y} = rows(6),
      z = rows(7).y;
    const layers: Layer[] = [
      {type: "line", x, y, stroke: "red"},
      {type: "area", x, y: z, fill: "blue"},
      {type: "rule", y: 0, stroke: "#ccc"},
    ];
    const xd: [number, number] = [x0, x0 + 1000 * n];
    expect(decimateLayers(layers, xd, perMs, 0, cache)).toEqual(decimateLayers(layers, xd, perMs, 0));
    z[100] = -1e6;
    stampWritten(z);
    expect(decimateLayers(layers, xd, perMs, 0, cache)).toEqual(decimateLayers(layers, xd, perMs, 0));
    // A live frame's last columns (start > 0) are decimated as without a cache.
    expect(decimateLayers(layers, xd, perMs, n - 500, cache)).toEqual(decimateLayers(layers, xd, perMs, n - 500));
  });
});
