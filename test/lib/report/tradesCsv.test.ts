import {describe, expect, it} from "vitest";
import {tradesCsv} from "../../../src/lib/report/tradesCsv.js";

describe("tradesCsv(trades, bars, names, feeBps)", () => {
  const bars = {
    time: [0, 60_000, 120_000, 180_000],
    a: [100, 110, 105, 120],
    b: [50, 52, 51, 55],
    la: [100, 110, 105, 120],
    lb: [50, 52, 51, 55],
  };
  it("one row per trade, the open one with empty exit cells, fees at both fills by hand", () => {
    const csv = tradesCsv(
      [
        {side: 1, entryBar: 0, exitBar: 2, beta: 2, pnl: 3.5, bars: 2},
        {side: -1, entryBar: 3, exitBar: null, beta: 2, pnl: -0.2, bars: 0},
      ],
      bars,
      ["ETH", "B,TC"],
      10,
    );
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe('entry_time,exit_time,side,ETH_entry,"B,TC_entry",ETH_exit,"B,TC_exit",beta,bars,pnl,fees');
    // Fees: 10 bps × (|100| + |2·50|) = 0.2 at entry, 10 bps × (105 + 102) = 0.207 at exit.
    const [entry, exit, side, ae, be, ax, bx, beta, n, pnl, fees] = lines[1].split(",");
    expect([entry, exit, side, ae, be, ax, bx, beta, n, pnl]).toEqual([
      "1970-01-01T00:00:00.000Z",
      "1970-01-01T00:02:00.000Z",
      "long",
      "100",
      "50",
      "105",
      "51",
      "2",
      "2",
      "3.5",
    ]);
    expect(Number(fees)).toBeCloseTo(0.407, 12);
    expect(lines[2].split(",").slice(0, 7)).toEqual(["1970-01-01T00:03:00.000Z", "", "short", "120", "55", "", ""]);
    expect(Number(lines[2].split(",")[10])).toBeCloseTo(0.23, 12); // 10 bps × (120 + 2·55)
    expect(lines).toHaveLength(3);
  });
});
