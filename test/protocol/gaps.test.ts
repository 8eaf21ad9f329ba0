// settleGaps: unfilled gap records less the ids later fills stored, checked on hand-built lakes of records.
import {describe, expect, it} from "vitest";
import {type GapRecord, settleGaps} from "../../src/protocol/gaps.js";

const record = (fromId: number, toId: number, filled: boolean, times: [number | null, number | null], symbol = "BTCUSDT"): GapRecord => ({
  symbol,
  fromId,
  toId,
  fromTime: times[0],
  toTime: times[1],
  cause: filled ? "deferred hole refilled" : "reconnect; backfill deferred: the live stream outran REST",
  filled,
  detectedAt: 0,
});

describe("settleGaps", () => {
  it("returns records no fill touches as they are", () => {
    const gaps = [record(10, 20, false, [1, 2]), record(30, 40, true, [3, 4]), record(10, 20, false, [1, 2], "ETHUSDT")];
    expect(settleGaps(gaps)).toEqual(gaps);
  });

  it("drops an unfilled record a fill covers whole", () => {
    const gaps = [record(100, 199, false, [1000, 2000]), record(100, 149, true, [1001, 1500]), record(150, 199, true, [1501, 1999])];
    expect(settleGaps(gaps)).toEqual([gaps[1], gaps[2]]);
  });

  it("keeps what no fill stored, each cut edge timed by the trade beside it", () => {
    // Ids 100..199 deferred (stored trades either side at t=1000 and t=2000); the refill stored
    // 100..119 (t 1001..1100) and 150..159 (t 1500..1600), REST lacked the rest.
    const unfilled = record(100, 199, false, [1000, 2000]);
    const gaps = [unfilled, record(100, 119, true, [1001, 1100]), record(150, 159, true, [1500, 1600])];
    expect(settleGaps(gaps)).toEqual([
      {...unfilled, fromId: 120, toId: 149, fromTime: 1100, toTime: 1500},
      {...unfilled, fromId: 160, toId: 199, fromTime: 1600, toTime: 2000},
      gaps[1],
      gaps[2],
    ]);
  });

  it("leaves fills of another symbol alone", () => {
    const gaps = [record(100, 199, false, [1000, 2000]), record(100, 199, true, [1001, 1999], "usdm:BTCUSDT")];
    expect(settleGaps(gaps)).toEqual(gaps);
  });
});
