import {describe, expect, it} from "vitest";
import type {LakeTrade} from "../../lake/wal.js";
import {walLine} from "../../lake/wal.js";
import {maxWalLineBytes, writeWalLine} from "../../lake/walLineBytes.js";

const bytes = (t: LakeTrade, at = 0) => {
  const buffer = Buffer.alloc(at + maxWalLineBytes, 0x7e);
  const end = writeWalLine(buffer, at, t);
  expect(buffer[end]).toBe(0x7e); // nothing written past the returned end
  return buffer.toString("latin1", at, end);
};

describe("writeWalLine", () => {
  it("writes a spot trade's and a USD-M aggregate's lines as the log format says", () => {
    const time = 1_763_683_200_000;
    const spot = {id: 5_123_456_789, time, price: 91_234.56, qty: 0.0012, isBuyerMaker: true, eventTime: time + 3, receiveTime: time + 41};
    expect(bytes(spot)).toBe("5123456789,1763683200000,91234.56,0.0012,1,3,41\n");
    expect(bytes({...spot, isBuyerMaker: false, eventTime: undefined, receiveTime: undefined}, 7)).toBe(
      "5123456789,1763683200000,91234.56,0.0012,0,,\n",
    );
    const agg = {...spot, id: 77, receiveTime: time - 12, firstId: 100, lastId: 109}; // a receive clock behind the exchange's
    expect(bytes(agg)).toBe("77,1763683200000,91234.56,0.0012,1,3,-12,100,109\n");
  });

  it("writes exactly walLine's bytes for integers of every length, signs, fractions and extreme doubles", () => {
    const edge = [0, -0, 1, 9, 10, 99, 100, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 1.5, -0.25, NaN, Infinity, 1e-7, 5e-324];
    const decimals = [
      0.1,
      0.00012,
      1e-8,
      1e-6,
      1.5e-6,
      9.99999999e-7,
      0.30000000000000004,
      99999999.99999999,
      1e15 - 1,
      1e15 + 0.5,
      1.2345678901234567e-100,
      123456.78901234,
      1e21,
      1.7976931348623157e308,
      NaN,
    ];
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (let k = 0; k < 50_000; ++k) {
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
      // Binance-like decimals (up to 8 places) and others: more places, more digits than doubles keep, tiny ones
      const decimal = () => Math.floor(random() * 10 ** Math.floor(1 + random() * 17)) / 10 ** Math.floor(random() * 12);
      const int = () => (random() < 0.3 ? pick(edge) : Math.floor(random() * 10 ** Math.floor(random() * 16)));
      const time = random() < 0.1 ? pick(edge) : 1_500_000_000_000 + Math.floor(random() * 1e12);
      const trade: LakeTrade = {
        id: int(),
        time,
        price: random() < 0.3 ? pick(decimals) : decimal(),
        qty: random() < 0.3 ? pick(decimals) : decimal(),
        isBuyerMaker: random() < 0.5,
        eventTime: random() < 0.2 ? undefined : time + int() - int(),
        receiveTime: random() < 0.2 ? undefined : time + Math.floor(random() * 2000) - 1000,
        ...(random() < 0.5 ? {} : {firstId: int(), lastId: int()}),
      };
      expect(bytes(trade, k % 5)).toBe(walLine(trade));
    }
  });
});
