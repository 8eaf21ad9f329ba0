// The simulator writes numbers digit pairs at a time (simulator/digits.ts) and each message from a
// per-symbol prefix (simulator/outbound.ts): checked against String(), decimal.ts's formatUnits and
// JSON.stringify of the payload Binance documents.
import {describe, expect, it} from "vitest";
import {formatUnits} from "../../simulator/decimal.js";
import {Digits, writeInteger, writeUnits} from "../../simulator/digits.js";
import {Outbound} from "../../simulator/outbound.js";
import {streamEnvelopes} from "../../simulator/tradeFrames.js";

// xorshift32: a fixed, reproducible sequence
let state = 88172645;
const random = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 4294967296);
/** A non-negative safe integer of 1 to 16 digits, with runs of zeros and nines now and then. */
function number(): number {
  const digits = 1 + Math.floor(random() * 16);
  const pick = random();
  const text = Array.from({length: digits}, (_, k) =>
    pick < 0.2 ? (k === 0 ? "1" : "0") : pick < 0.4 ? "9" : String(Math.floor(random() * 10)),
  ).join("");
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}

describe("simulator digits", () => {
  it("writeInteger writes what String() does, for 0 to 2^53 - 1", () => {
    const buffer = Buffer.alloc(40);
    for (const n of [0, 9, 10, 99, 100, 99_999_999, 100_000_000, 2 ** 31, Number.MAX_SAFE_INTEGER, ...Array.from({length: 5000}, number)]) {
      const end = writeInteger(buffer, 3, n);
      expect(buffer.toString("latin1", 3, end)).toBe(String(n));
    }
  });

  it("writeUnits writes what formatUnits does", () => {
    const buffer = Buffer.alloc(40);
    for (const n of [0, 1, 99_999_999, 100_000_000, 4300012000000, ...Array.from({length: 5000}, number)]) {
      const end = writeUnits(buffer, 0, n);
      expect(buffer.toString("latin1", 0, end)).toBe(formatUnits(n));
    }
  });

  it("Digits writes the new value's digits when the value changes", () => {
    const digits = new Digits(),
      buffer = Buffer.alloc(20);
    for (const n of [1764000000123, 1764000000123, 5, 1764000000124])
      expect(buffer.toString("latin1", 0, digits.write(buffer, 0, n))).toBe(String(n));
  });
});

describe("Outbound payloads", () => {
  it("pushTrade and pushAggTrade write Binance's payloads, whatever the numbers and however the event time changes", () => {
    const out = new Outbound(["BTCUSDT", "ETHUSDT"], streamEnvelopes(["btcusdt@aggTrade", "ethusdt@aggTrade"]));
    const expected: string[] = [];
    for (let i = 0; i < 500; ++i) {
      const k = i % 2,
        s = ["BTCUSDT", "ETHUSDT"][k];
      const E = 1764000000000 + Math.floor(i / 7),
        T = E - (i % 3),
        id = number(),
        price = Math.max(1, number()),
        qty = Math.max(1, number()),
        m = random() < 0.5;
      if (i % 5 === 0) {
        out.pushTrade(k, E, id, price, qty, T, m);
        expected.push(JSON.stringify({e: "trade", E, s, t: id, p: formatUnits(price), q: formatUnits(qty), T, m, M: true}));
      } else {
        const f = number(),
          l = f + (i % 4);
        out.pushAggTrade(k, E, id, price, qty, f, l, T, m);
        expected.push(
          JSON.stringify({e: "aggTrade", E, s, a: id, p: formatUnits(price), q: formatUnits(qty), nq: formatUnits(qty), f, l, T, m}),
        );
      }
    }
    const payloads = Array.from({length: out.length}, (_, i) => out.bytes.toString("latin1", out.start[i], out.end[i]));
    expect(payloads).toEqual(expected);
  });

  it("recycle gives a sent buffer back for a later tick to write into, and a buffer not given back is never written", () => {
    const out = new Outbound(["BTCUSDT"], streamEnvelopes(["btcusdt@trade"]));
    out.pushTrade(0, 1, 2, 3, 4, 5, true);
    const first = out.wire(),
      kept = Buffer.from(first);
    out.clear();
    out.pushTrade(0, 1, 3, 3, 4, 5, true);
    const second = out.wire();
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.equals(kept)).toBe(true);
    out.recycle(first);
    out.clear();
    expect(out.bytes.buffer).toBe(first.buffer);
    out.pushTrade(0, 9, 9, 9, 9, 9, false);
    expect(second.buffer).not.toBe(out.bytes.buffer);
    // Given back before the next tick (the writes completed at once): the next tick writes over it.
    const third = out.wire();
    out.recycle(third);
    out.clear();
    expect(out.bytes.buffer).toBe(third.buffer);
  });
});
