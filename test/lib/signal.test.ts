// pairSignal on hand-made rows: the position and entry come from the backtest's trade list, the
// distances from the rule's thresholds, each worked out by hand below.
import {describe, expect, it} from "vitest";
import {backtest, type BacktestTrade} from "../../src/lib/backtest.js";
import {pairSignal} from "../../src/lib/signal.js";

const time = [1000, 2000, 3000, 4000];
const spread = [0.1, 0.9, 0.4, -0.2];
const trade = (side: 1 | -1, entryBar: number, exitBar: number | null): BacktestTrade => ({
  side,
  entryBar,
  exitBar,
  beta: 1,
  pnl: 0,
  bars: 1,
});

describe("pairSignal(series, trades, rule)", () => {
  it("flat: both entries, the nearer first (z = 1.2, entry 2: short 0.8 away, long 3.2)", () => {
    const s = pairSignal({time, spread, z: [0, 0, 0, 1.2]}, [trade(1, 0, 1)], {entry: 2, exit: 0})!;
    expect(s).toMatchObject({bar: 3, time: 4000, spread: -0.2, z: 1.2, position: 0, entryBar: null, entryTime: null});
    expect(s.steps.map((p) => p.kind)).toEqual(["entry short", "entry long"]);
    expect(s.steps[0].level).toBe(2);
    expect(s.steps[0].distance).toBeCloseTo(0.8, 12);
    expect(s.steps[1].distance).toBeCloseTo(3.2, 12);
  });

  it("long spread: exit at z ≥ −exit and stop at z ≤ −stop (z = −2.5, exit 0.5, stop 3: exit 2 up, stop 0.5 down)", () => {
    const s = pairSignal({time, spread, z: [0, -2.2, -2.4, -2.5]}, [trade(-1, 0, 1), trade(1, 2, null)], {entry: 2, exit: 0.5, stop: 3})!;
    expect(s).toMatchObject({position: 1, entryBar: 2, entryTime: 3000});
    expect(s.steps.map((p) => [p.kind, p.level])).toEqual([
      ["stop", -3],
      ["exit", -0.5],
    ]);
    expect(s.steps[0].distance).toBeCloseTo(0.5, 12);
    expect(s.steps[1].distance).toBeCloseTo(2, 12);
  });

  it("short spread without a stop: the exit only (z = 1.5, exit 0: 1.5 away)", () => {
    const s = pairSignal({time, spread, z: [0, 2.5, 2, 1.5]}, [trade(-1, 2, null)], {entry: 2, exit: 0, stop: Infinity})!;
    expect(s).toMatchObject({position: -1, entryBar: 2, entryTime: 3000});
    expect(s.steps).toEqual([{kind: "exit", level: 0, distance: 1.5}]);
  });

  it("equals the backtest's open position: short from bar 2 (z 2.5 at bar 1, lag 1), exit crossed but not filled", () => {
    const z = [0, 2.5, 1, -0.5];
    const a = [10, 11, 12, 11],
      b = [5, 5, 5, 5];
    const bt = backtest(a, b, z, {beta: 1, entry: 2, exit: 0, lag: 1});
    const s = pairSignal({time, spread, z}, bt.tradeList, {entry: 2, exit: 0})!;
    expect(bt.position[3]).toBe(-1);
    expect(s).toMatchObject({position: -1, entryBar: 2, entryTime: 3000});
    // z = −0.5 is already past the exit at 0 (the order fills at the next close): distance −0.5.
    expect(s.steps).toEqual([{kind: "exit", level: 0, distance: -0.5}]);
  });

  it("NaN distances while z is NaN; null without rows; RangeError on mismatched lengths or an open trade off the rows", () => {
    const s = pairSignal({time, spread, z: [NaN, NaN, NaN, NaN]}, [], {entry: 2, exit: 0})!;
    expect(s.position).toBe(0);
    expect(s.steps.every((p) => Number.isNaN(p.distance))).toBe(true);
    expect(pairSignal({time: [], spread: [], z: []}, [], {entry: 2, exit: 0})).toBeNull();
    expect(() => pairSignal({time, spread: [1], z: [1, 2, 3, 4]}, [], {entry: 2, exit: 0})).toThrow(RangeError);
    expect(() => pairSignal({time, spread, z: [0, 0, 0, 0]}, [trade(1, 4, null)], {entry: 2, exit: 0})).toThrow(RangeError);
  });
});
