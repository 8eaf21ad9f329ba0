// hedgeDrift on series built to have a known β in each regime: a = 2b + 1, then a = 3b − 5. Every
// estimator recovers an exact line, so windows inside a regime give exactly its β.
import {describe, expect, it} from "vitest";
import {hedgeMethods} from "../../src/lib/hedgeMethods.js";
import {hedgeDrift} from "../../src/lib/hedgeDrift.js";

const n = 30;
const b = Float64Array.from({length: n}, (_, t) => 10 + t + 0.5 * Math.sin(t));
const a = Float64Array.from(b, (v, t) => (t < 15 ? 2 * v + 1 : 3 * v - 5));
const statics = hedgeMethods.filter((m) => m !== "kalman");

describe("hedgeDrift(a, b, {method, window, step})", () => {
  it.each(statics)("%s: NaN before the first window, β = 2 then β = 3 on windows inside each regime", (method) => {
    const beta = hedgeDrift(a, b, {method, window: 5});
    expect(beta.length).toBe(n);
    for (let t = 0; t < 4; ++t) expect(beta[t]).toBeNaN();
    for (let t = 4; t < 15; ++t) expect(beta[t]).toBeCloseTo(2, 8);
    for (let t = 19; t < n; ++t) expect(beta[t]).toBeCloseTo(3, 8);
  });

  it("step 3 refits at bars 4, 7, 10 … and holds β in between", () => {
    const beta = hedgeDrift(a, b, {method: "ols", window: 5, step: 3});
    const every = hedgeDrift(a, b, {method: "ols", window: 5});
    for (let t = 4; t < n; ++t) expect(beta[t]).toBe(every[4 + 3 * Math.floor((t - 4) / 3)]);
    // Bar 16 holds the fit of bar 16 (a refit: 4 + 3·4); bar 17 still holds it although its own window differs.
    expect(beta[17]).toBe(every[16]);
    expect(every[17]).not.toBe(every[16]);
  });

  it.each(hedgeMethods)("%s: no look-ahead, β up to bar t ignores every later bar", (method) => {
    const before = hedgeDrift(a, b, {method, window: 6, step: 2});
    const changed = Float64Array.from(a, (v, t) => (t > 20 ? v * 1.7 + 40 : v));
    const after = hedgeDrift(changed, b, {method, window: 6, step: 2});
    expect([...after.subarray(0, 21)]).toEqual([...before.subarray(0, 21)]);
    expect([...after.subarray(21)]).not.toEqual([...before.subarray(21)]);
  });

  it("refuses a window under 3, a step under 1, unequal lengths and an unknown method", () => {
    expect(() => hedgeDrift(a, b, {window: 2})).toThrow(RangeError);
    expect(() => hedgeDrift(a, b, {window: 5, step: 0})).toThrow(RangeError);
    expect(() => hedgeDrift(a, b.subarray(1), {window: 5})).toThrow(RangeError);
    // @ts-expect-error: not a hedge method
    expect(() => hedgeDrift(a, b, {window: 5, method: "lasso"})).toThrow(RangeError);
  });
});
