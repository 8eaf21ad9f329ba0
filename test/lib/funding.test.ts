import {describe, expect, it} from "vitest";
import {backtest, backtestOptions, type BacktestOptions} from "../../src/lib/backtest.js";
import {backtestStats} from "../../src/lib/backtestStats.js";
import {type FundingRateEvent, fundingOnBar} from "../../src/lib/funding.js";
import {IncrementalBacktest} from "../../src/lib/incrementalBacktest.js";
import {pairReport} from "../../src/lib/pairReport.js";
import {backtestStatsRows} from "../../src/lib/report/backtestStatsRows.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {spread} from "../../src/lib/spread.js";
import {generatePair, Xorshift128} from "./series.js";

// A perp pair on 1-hour bars (open times), β 0.5, lag 0, no fees. z makes the rule go long at the close
// of bar 1, exit at bar 5 (z = 2 ≥ −0) and go short at bar 6 (a flip of side, the exit and the entry on
// consecutive bars), still short at the end: positions 0 1 1 1 1 0 −1 −1 −1 −1.
const H = 3_600_000,
  T0 = Date.UTC(2024, 0, 1);
const times = Array.from({length: 10}, (_, k) => T0 + k * H);
const a = [10000, 10100, 10200, 10300, 10400, 10500, 10600, 10700, 10800, 10900],
  b = [20000, 20200, 19800, 20400, 20000, 21000, 20500, 20800, 20000, 20600],
  z = [0, -2, -1.5, -1.5, -1.5, 2, 2, 1.5, 1.5, 1.5];
// Events land on the first bar opening at or after them and charge the position held entering that bar.
const fundingA: FundingRateEvent[] = [
  {time: times[0], rate: 0.5}, // bar 0: nothing held
  {time: times[2], rate: 0.0001, mark: 10150}, // bar 2, long 1 a: pays 1 × 10150 × 0.0001 = 1.015
  {time: times[3] + H / 2, rate: -0.0002}, // between opens: bar 4, long, mark a[3] 10300: pays −2.06 (receives)
  {time: times[6], rate: 0.01}, // bar 6: flat since bar 5's close, nothing
  {time: times[7], rate: 0.0003}, // bar 7, short 1 a, mark a[6] 10600: pays −3.18 (a short receives)
  {time: times[9], rate: -0.0001, mark: 10850}, // bar 9, short, negative rate: pays +1.085
];
const fundingB: FundingRateEvent[] = [
  {time: times[3], rate: 0.0001}, // bar 3, b held −0.5, mark b[2] 19800: pays −0.99
  {time: times[8], rate: 0.0002, mark: 20100}, // bar 8, b held +0.5: pays +2.01
  {time: times[9] + 1, rate: 0.05}, // after the last bar's open: not yet charged
];
const options: BacktestOptions = {beta: 0.5, entry: 1, exit: 0, lag: 0, barMs: H, funding: {times, a: fundingA, b: fundingB}};

describe("backtest(a, b, z, {funding}) charges funding on perp legs", () => {
  const r = backtest(a, b, z, options);

  it("matches a hand computation to the cent: several funding times, a flip of side, negative rates", () => {
    expect([...r.position]).toEqual([0, 1, 1, 1, 1, 0, -1, -1, -1, -1]);
    // 1.015 − 0.99 − 2.06 − 3.18 + 2.01 + 1.085
    expect(r.fundingPaid).toBeCloseTo(-2.12, 2);
    expect(Math.abs(r.fundingPaid + 2.12)).toBeLessThan(1e-9);
    // Price PnL h_{t−1}·(Δa − 0.5·Δb): 300 − 200 + 300 − 400 + 0 + 50 − 500 + 200 = −250; net of funding −247.88.
    expect(Math.abs(r.totalPnl + 247.88)).toBeLessThan(1e-9);
    const expectedPnl = [0, 0, 300 - 1.015, -200 + 0.99, 300 + 2.06, -400, 0, 50 + 3.18, -500 - 2.01, 200 - 1.085];
    r.pnl.forEach((p, t) => expect(p, `bar ${t}`).toBeCloseTo(expectedPnl[t], 9));
    // Trades carry their funding: long 0 − (1.015 − 0.99 − 2.06); short −250 − (−3.18 + 2.01 + 1.085).
    expect(r.tradeList.map((t) => [t.side, t.entryBar, t.exitBar])).toEqual([
      [1, 1, 5],
      [-1, 6, null],
    ]);
    expect(r.tradeList[0].pnl).toBeCloseTo(2.035, 9);
    expect(r.tradeList[1].pnl).toBeCloseTo(-249.915, 9);
  });

  it("without a schedule (spot legs) nothing changes, and funding is 0", () => {
    const {funding: _, ...spot} = options;
    const s = backtest(a, b, z, spot);
    expect(s.fundingPaid).toBe(0);
    expect(s.totalPnl).toBe(-250);
    expect(backtest(a, b, z, {...options, funding: {times}}).totalPnl).toBe(-250);
  });

  it("backtestStats reports funding as its own line: paid, PnL before funding, equity net of it", () => {
    const s = backtestStats(r, a, b, {barMs: H, funded: true});
    expect(s.funding!.paid).toBeCloseTo(-2.12, 9);
    expect(s.funding!.pnlBeforeFunding).toBeCloseTo(-250, 9);
    expect(s.funding!.netPnl).toBeCloseTo(-247.88, 9);
    const rows = backtestStatsRows(s, ["ETH-PERP", "BTC-PERP"]).filter((row) => row.group === "funding");
    expect(rows.map((row) => `${row.label} ${row.text}`)).toEqual([
      "paid -2.12",
      "PnL before funding -250",
      "equity net of funding -247.88",
    ]);
    expect(backtestStats(r, a, b, {barMs: H}).funding).toBeUndefined();
  });

  it("rejects a schedule out of order or a bar-time count that differs from the bars", () => {
    const swapped = [fundingA[2], fundingA[1]];
    expect(() => backtest(a, b, z, {...options, funding: {times, a: swapped}})).toThrow(RangeError);
    expect(() => backtest(a, b, z, {...options, funding: {times: times.slice(1)}})).toThrow(RangeError);
    expect(() => backtest(a, b, z, {...options, funding: {times, b: [{time: T0, rate: NaN}]}})).toThrow(RangeError);
  });
});

describe("fundingOnBar(events, times, close, t, unitMark)", () => {
  it("sums mark × rate of the events in (times[t − 1], times[t]], the mark defaulting to close[t − 1]", () => {
    const ev = [
      {time: 15, rate: 0.1},
      {time: 20, rate: 0.2, mark: 7},
      {time: 21, rate: 1},
    ];
    expect(fundingOnBar(ev, [10, 20, 30], [3, 5, 9], 1, false)).toBeCloseTo(3 * 0.1 + 7 * 0.2, 15);
    expect(fundingOnBar(ev, [10, 20, 30], [3, 5, 9], 2, false)).toBe(5);
    expect(fundingOnBar(ev, [10, 20, 30], [3, 5, 9], 0, false)).toBe(0);
    expect(fundingOnBar(ev, [10, 20, 30], [3, 5, 9], 1, true)).toBeCloseTo(0.3, 15);
  });
});

describe("IncrementalBacktest with funding equals backtest bit for bit", () => {
  const n = 3000,
    {a: pa, b: pb} = generatePair({kind: "prices", seed: 11, n});
  const z = rollingZScore(spread(pa, pb, {alpha: -30, beta: 0.045}), 40);
  const times = Float64Array.from({length: n}, (_, k) => T0 + 60_000 * k);
  const rng = new Xorshift128(3);
  // Every 97 minutes (never on a bar open for most), rates of both signs, some with a mark.
  const events = (shift: number): FundingRateEvent[] =>
    Array.from({length: Math.floor(n / 97)}, (_, k) => ({
      time: T0 + (97 * k + shift) * 60_000 + 17_000,
      rate: 0.001 * rng.normal(),
      ...(k % 3 === 0 ? {mark: 60000 + rng.normal()} : {}),
    }));
  const opts: BacktestOptions = {beta: 0.045, entry: 1.5, exit: 0.3, feeBps: 1, lag: 2, funding: {times, a: events(5), b: events(40)}};

  it("bar by bar, after any number of bars, and after returning to a saved bar", () => {
    const batch = backtest(pa, pb, z, opts),
      run = new IncrementalBacktest(backtestOptions(opts));
    expect(Math.abs(batch.fundingPaid)).toBeGreaterThan(0);
    const saved = [];
    for (let t = 0; t < n; ++t) {
      saved.push(run.save());
      run.push(pa, pb, z);
      if (t === 1500) (run.restore(saved[1490]), Array.from({length: 11}, () => run.push(pa, pb, z)));
      expect(Object.is(run.equity, batch.equity[t]), `equity at bar ${t}`).toBe(true);
      if (t % 250 === 0) {
        const m = t + 1,
          o = {...opts, funding: {...opts.funding!, times: times.subarray(0, m)}};
        const prefix = backtest(pa.subarray(0, m), pb.subarray(0, m), z.subarray(0, m), o);
        const {position: _p, pnl: _q, equity: _e, drawdown: _d, tradeList, ...metrics} = prefix;
        expect(run.metrics(), `after ${m} bars`).toEqual(metrics);
        expect(run.tradeList(), `after ${m} bars`).toEqual(tradeList);
      }
    }
    const {position: _p, pnl: _q, equity: _e, drawdown: _d, tradeList, ...metrics} = batch;
    expect(run.metrics()).toEqual(metrics);
    expect(run.tradeList()).toEqual(tradeList);
  });
});

describe("pairReport(a, b, {funding}) carries funding into the report", () => {
  const n = 400,
    {a: pa, b: pb} = generatePair({kind: "prices", seed: 5, n});
  const times = Array.from({length: n}, (_, k) => T0 + k * H);
  const every8h = (rate: (k: number) => number): FundingRateEvent[] =>
    Array.from({length: n / 8}, (_, k) => ({time: T0 + 8 * k * H, rate: rate(k)}));
  const fa = every8h((k) => (k % 2 ? 1e-4 : -2e-4)),
    fb = every8h((k) => (k % 5) * 1e-4);
  const o = {window: 20, entry: 1, exit: 0, barMs: H, funding: {times, a: fa, b: fb}};
  // Recomputed from the positions: each event pays h·(mark_a·rate_a − β·mark_b·rate_b), mark given by `mark(leg, t)`.
  const expected = (position: Int8Array, beta: number, mark: (leg: "a" | "b", t: number) => number) => {
    let paid = 0;
    for (let t = 1; t < n; ++t) {
      const on = (ev: FundingRateEvent[]) => ev.filter((e) => e.time > times[t - 1] && e.time <= times[t]).reduce((s, e) => s + e.rate, 0);
      paid += position[t - 1] * (mark("a", t) * on(fa) - beta * mark("b", t) * on(fb));
    }
    return paid;
  };

  it("reports funding paid, the mark the previous close", () => {
    const {backtest: bt, report} = pairReport(pa, pb, o);
    expect(bt.trades).toBeGreaterThan(3);
    const paid = expected(bt.position, report.hedge.beta, (leg, t) => (leg === "a" ? pa : pb)[t - 1]);
    expect(Math.abs(paid)).toBeGreaterThan(0);
    expect(report.backtestStats.funding!.paid).toBeCloseTo(paid, 9);
    expect(report.backtestStats.funding!.netPnl).toBe(bt.totalPnl);
  });

  it("with log prices every event is marked at 1 (a unit position is a unit of capital)", () => {
    const {backtest: bt, report} = pairReport(pa, pb, {...o, log: true});
    expect(report.backtestStats.funding!.paid).toBeCloseTo(
      expected(bt.position, report.hedge.beta, () => 1),
      12,
    );
    expect(pairReport(pa, pb, {window: 20}).report.backtestStats.funding).toBeUndefined();
  });
});
