import {describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {spread} from "../../src/lib/spread.js";
import {sweep} from "../../src/lib/sweep.js";
import {generatePair} from "./series.js";

// Worked by hand: long spread decided at bar 1 (z = −2.5), filled at the close of bar 2 (a 11, b 5);
// exit decided at bar 3 (z = 0.5 ≥ −0), filled at bar 4. PnL bar 3: (13 − 11) − 2·(6 − 5) = 0;
// bar 4: (12 − 13) − 2·0 = −1.
const a = [10, 10, 11, 13, 12, 12],
  b = [5, 5, 5, 6, 6, 6],
  z = [0, -2.5, -1, 0.5, 0, 0];

describe("backtest(a, b, z, options) follows the rule", () => {
  it("fills at the close of t + 1 and marks h_{t−1}·(Δa − β·Δb)", () => {
    const r = backtest(a, b, z, {beta: 2});
    expect([...r.position]).toEqual([0, 0, 1, 1, 0, 0]);
    expect([...r.pnl]).toEqual([0, 0, 0, 0, -1, 0]);
    expect(r.totalPnl).toBe(-1);
    expect(r.maxDrawdown).toBe(1);
    expect([...r.drawdown]).toEqual([0, 0, 0, 0, -1, -1]);
    expect(r.trades).toBe(1);
    expect(r.winRate).toBe(0);
    expect(r.tradeList).toEqual([{side: 1, entryBar: 2, exitBar: 4, beta: 2, pnl: -1, bars: 2}]);
    expect(r.exposure).toBeCloseTo(2 / 6, 15);
  });

  it("charges fees in bps of each leg's traded notional at each fill", () => {
    const r = backtest(a, b, z, {beta: 2, feeBps: 7, slippageBps: 3});
    // entry 0.001·(11 + 2·5) = 0.021, exit 0.001·(12 + 2·6) = 0.024
    expect(r.feesPaid).toBeCloseTo(0.045, 12);
    expect(r.totalPnl).toBeCloseTo(-1.045, 12);
    expect(r.tradeList[0].pnl).toBeCloseTo(-1.045, 12);
  });

  it("with lag 0 fills on the decision bar", () => {
    const r = backtest(a, b, z, {beta: 2, lag: 0});
    expect([...r.position]).toEqual([0, 1, 1, 0, 0, 0]);
    expect(r.totalPnl).toBe(1); // bar 2: 1 − 0, bar 3: 2 − 2·1
  });

  it("never exits and re-enters on the same bar", () => {
    const r = backtest([1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [0, 2.5, -2.5, -2.5, 0, 0], {beta: 1});
    expect([...r.position]).toEqual([0, 0, -1, 0, 1, 0]);
    expect(r.trades).toBe(2);
  });

  it("stops out at |z| ≥ stop and blocks that side until |z| < entry", () => {
    const r = backtest(new Array(8).fill(1), new Array(8).fill(1), [0, -2.5, -3.2, -2.5, -1, -2.5, -2.2, -2.1], {beta: 1, stop: 3});
    expect([...r.position]).toEqual([0, 0, 1, 0, 0, 0, 1, 1]);
    expect(r.trades).toBe(2);
    expect(r.tradeList[1].exitBar).toBeNull();
  });

  it("freezes a dynamic beta at entry", () => {
    const r = backtest([1, 1, 2, 4, 4], [1, 1, 1, 2, 2], [0, -3, -3, -3, -3], {beta: [1, 1, 3, 3, 3]});
    // Held from bar 2 with β = 1 (decided at bar 1): bar 3 pnl = (4 − 2) − 1·(2 − 1) = 1.
    expect(r.totalPnl).toBe(1);
    expect(r.tradeList[0].beta).toBe(1);
  });

  it("trade PnLs add up to the total and the equity ends at it", () => {
    const {a, b} = generatePair({kind: "cointegrated", seed: 42, n: 5000});
    const s = spread(a, b, {alpha: 10, beta: 1.5});
    const r = backtest(a, b, rollingZScore(s, 50), {beta: 1.5, entry: 1.5, exit: 0.2, stop: 4, feeBps: 2});
    expect(r.trades).toBeGreaterThan(10);
    expect(r.tradeList.reduce((sum, t) => sum + t.pnl, 0)).toBeCloseTo(r.totalPnl, 8);
    expect(r.equity[r.equity.length - 1]).toBeCloseTo(r.totalPnl, 8);
    expect(Math.max(...r.drawdown.map((d) => -d))).toBeCloseTo(r.maxDrawdown, 10);
  });

  it("rejects exit ≥ entry with a RangeError", () => {
    expect(() => backtest(a, b, z, {beta: 1, entry: 1, exit: 1})).toThrow(/invalid exit/);
  });
});

describe("sweep(a, b, grid)", () => {
  it("gives, cell by cell, the metrics of backtest on the same z-score", () => {
    const {a, b} = generatePair({kind: "cointegrated", seed: 43, n: 3000});
    const cells = sweep(a, b, {beta: 1.5, alpha: 10, entries: [1.5, 2], exits: [0, 0.5, 1.8], windows: [30, 60], feeBps: 1});
    expect(cells.length).toBe(2 * 5); // exit 1.8 is skipped for entry 1.5
    for (const c of cells) {
      const z = rollingZScore(spread(a, b, {alpha: 10, beta: 1.5}), c.window);
      const r = backtest(a, b, z, {beta: 1.5, entry: c.entry, exit: c.exit, feeBps: 1});
      expect(c.totalPnl).toBe(r.totalPnl);
      expect(c.trades).toBe(r.trades);
      expect(c.sharpe).toBe(r.sharpe);
    }
  });
});
