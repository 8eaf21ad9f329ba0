// groupedNumber against the formatter it stands in for: Node's own Intl.NumberFormat (ICU), on
// hand-picked edges and on a seeded spread of magnitudes, signs and digit counts.
import {describe, expect, it} from "vitest";
import {groupedNumber} from "../../src/components/groupedNumber.js";

const intl = new Intl.NumberFormat("en-US", {maximumFractionDigits: 10});

describe("groupedNumber", () => {
  it("writes what Intl en-US writes on edges", () => {
    for (const v of [
      0,
      -0,
      1,
      -1,
      12,
      123,
      999,
      1000,
      -1000,
      1234.5,
      12345.678,
      999999.9999,
      1e6,
      86400,
      1e20,
      1e21,
      1.5e22,
      0.1,
      0.0001234,
      1e-7,
      1.23456789012e-3,
      0.12345678901234,
      2 ** 53,
      Infinity,
      -Infinity,
      NaN,
    ])
      expect(groupedNumber(v), String(v)).toBe(intl.format(v));
  });

  it("writes what Intl en-US writes on 20,000 seeded numbers", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 20_000; ++i) {
      const magnitude = 10 ** Math.floor(rand() * 24 - 12),
        digits = 1 + Math.floor(rand() * 17);
      const v = Number(((rand() - 0.5) * 2 * magnitude).toPrecision(digits));
      expect(groupedNumber(v), String(v)).toBe(intl.format(v));
    }
  });

  it("groups counts", () => {
    expect(groupedNumber(86_308)).toBe("86,308");
    expect(groupedNumber(1_234_567)).toBe("1,234,567");
  });
});
