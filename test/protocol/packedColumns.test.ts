// packDecimals / unpackDecimals and the time grid: values come back bit for bit, or are not packed.
import {describe, expect, it} from "vitest";
import {gridTimes, isGrid, packDecimals, packedNaN, unpackDecimals} from "../../src/protocol/packedColumns.js";

const bits = (x: Float64Array) => Array.from(new BigUint64Array(x.buffer, x.byteOffset, x.length));

describe("packDecimals(x)", () => {
  it("packs trade prices with the fewest decimals, NaN as packedNaN, and unpacks them bit for bit", () => {
    const x = Float64Array.of(59972.34, 59969.96, NaN, 0.1, 3000.6, 21474836.47);
    const p = packDecimals(x)!;
    expect(p.decimals).toBe(2);
    // By hand: 59972.34 × 100 = 5997234; 0.1 × 100 = 10; 21474836.47 × 100 = 2^31 − 1.
    expect(Array.from(p.ints)).toEqual([5997234, 5996996, packedNaN, 10, 300060, 2147483647]);
    const back = unpackDecimals(p.ints, p.decimals);
    expect(back[2]).toBeNaN();
    expect(bits(back.filter((v) => !Number.isNaN(v)))).toEqual(bits(x.filter((v) => !Number.isNaN(v))));
  });

  it("packs whole numbers with 0 decimals", () => {
    expect(packDecimals(Float64Array.of(100, 102, -7))).toEqual({decimals: 0, ints: Int32Array.of(100, 102, -7)});
  });

  it("leaves a column that would not come back exactly: a float sum, −0, ±Infinity, beyond Int32", () => {
    expect(packDecimals(Float64Array.of(0.1 + 0.2))).toBeNull(); // 0.30000000000000004: 17 significant digits
    expect(packDecimals(Float64Array.of(1, -0))).toBeNull();
    expect(packDecimals(Float64Array.of(1, Infinity))).toBeNull();
    expect(packDecimals(Float64Array.of(21474836.48))).toBeNull(); // 2^31 cents
    expect(packDecimals(Float64Array.of(1e-9))).toBeNull(); // 9 decimals
  });
});

describe("isGrid / gridTimes", () => {
  it("rebuilds a regular time column and refuses a column with a hole", () => {
    const t = Float64Array.of(1795176000000, 1795176001000, 1795176002000);
    expect(isGrid(t, 1795176000000, 1000)).toBe(true);
    expect(gridTimes(3, 1795176000000, 1000)).toEqual(t);
    expect(isGrid(Float64Array.of(0, 1000, 3000), 0, 1000)).toBe(false);
  });
});
