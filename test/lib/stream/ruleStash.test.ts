// A hedge switched back (src/lib/stream/ruleStash.ts): PairStream keeps the series of the rule it
// switched away from when the next rule brought buffers of its own (the series worker's), and takes
// them again on the switch back. Every column, the trades and the metrics must equal a stream that
// computed the rule in place, also after live bars appended or replaced meanwhile; a rebuilt view or a
// rule computed in place (over those buffers) keeps nothing.
import {describe, expect, it} from "vitest";
import {LiveBars} from "../../../src/client/liveBars.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {type GivenSeries, PairStream, type StreamRule, type StreamView} from "../../../src/lib/stream/pairStream.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {ruleSeries, ruleSeriesTransfer} from "../../../src/lib/stream/ruleSeries.js";
import {rowColumns} from "../../../src/lib/stream/streamColumns.js";
import {t0, walkSnapshot} from "./walkSnapshot.js";

/** n one-second bars of legs A and B (random walks, a tenth of the seconds empty). */
const snapshot = (n: number) => walkSnapshot(n, 7, 0.1);

const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});
const view: StreamView = {intervalMs: 1000, lookbackMs: Infinity};
const fixed: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const kalman: StreamRule = {...fixed, hedge: null, log: true, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}};
const rolling: StreamRule = {...fixed, hedge: null, lag: 0, dynamic: {kind: "rolling-ols", window: 30}};

/** The rule's series as the series worker sends them (structured-cloned, buffers transferred) over the bars' view. */
function viaWorker(bars: LiveBars, rule: StreamRule): GivenSeries {
  const rows = pairView(bars.bars("A"), bars.bars("B"), view),
    series = ruleSeries(rows.time, rows.a, rows.b, rule);
  return {series: structuredClone(series, {transfer: ruleSeriesTransfer(series)}), rows};
}

/** `stream` equals a new stream computing `rule` over the same bars in place. */
function expectInPlace(stream: PairStream, bars: LiveBars, rule: StreamRule, when: string): void {
  const main = new PairStream();
  main.update(bars.bars("A"), bars.bars("B"), -Infinity, view, rule);
  expect(stream.length, `${when}: rows`).toBe(main.length);
  for (const name of rowColumns) {
    const x = stream.column(name),
      y = main.column(name);
    for (let i = 0; i < y.length; ++i) if (!Object.is(x[i], y[i])) expect.fail(`${when}: ${name}[${i}]: ${x[i]} instead of ${y[i]}`);
  }
  expect(stream.tradeList(), `${when}: trades`).toEqual(main.tradeList());
  expect(stream.metrics(1000), `${when}: metrics`).toEqual(main.metrics(1000));
  expect(main.tradeList().length, `${when}: a backtest with trades`).toBeGreaterThan(0);
}

describe("PairStream keeps the series of a rule switched away from, and takes them on the switch back", () => {
  it("fixed → Kalman → rolling OLS (worker series) → Kalman → fixed (kept): equal to in place, nothing computed", () => {
    const bars = new LiveBars(snapshot(1200)),
      stream = new PairStream(),
      [A, B] = [bars.bars("A"), bars.bars("B")];
    stream.update(A, B, -Infinity, view, fixed);
    expect(stream.holds(fixed)).toBe(false);
    for (const rule of [kalman, rolling]) {
      const change = stream.update(A, B, Infinity, view, rule, Infinity, viaWorker(bars, rule));
      expect(change.adopted).toBe(true);
    }
    expect([stream.holds(fixed), stream.holds(kalman), stream.holds(rolling)]).toEqual([true, true, false]);
    for (const rule of [kalman, fixed, rolling]) {
      const beta = stream.column("beta");
      // No given series and at most 0 rows computed now: only the kept ones can make the stream whole.
      const change = stream.update(A, B, Infinity, view, rule, 0);
      expect(stream.pending, `${JSON.stringify(rule.dynamic)}: kept series, no row computed`).toBe(false);
      // Every derived row is the kept rule's: all changed for the charts, though none was computed.
      expect(change).toEqual({bars: stream.length, series: 0, adopted: true});
      expect(stream.column("beta"), "other buffers than the previous rule's").not.toBe(beta);
      expectInPlace(stream, bars, rule, `back to ${JSON.stringify(rule.dynamic ?? rule.hedge)}`);
    }
  });

  it("live bars after the switch (appended, the last one replaced): the kept series go on from the changed row", () => {
    const bars = new LiveBars(snapshot(1200)),
      stream = new PairStream();
    let version = bars.version;
    const step = (rule: StreamRule, given: GivenSeries | null = null, limit = Infinity) => {
      const change = stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, rule, limit, given);
      version = bars.version;
      return change;
    };
    step(rolling);
    step(kalman, viaWorker(bars, kalman));
    expect(stream.holds(rolling)).toBe(true);
    const last = t0 + 1200 * 1000;
    (bars.add("A", [bar(last, 61_000)]), bars.add("B", [bar(last, 3_010)]));
    step(kalman);
    (bars.add("A", [bar(last, 61_050), bar(last + 1000, 61_070)]), bars.add("B", [bar(last + 1000, 3_012)]));
    // Back to rolling OLS: its kept rows end before the live ones, which it computes (3 rows at most now).
    const change = step(rolling, null, 3);
    expect(stream.pending).toBe(false);
    expect(change.adopted).toBe(true);
    expectInPlace(stream, bars, rolling, "rolling OLS after live bars");
    // And Kalman, kept after the replaced bar: it redoes that row from its checkpoint.
    bars.add("A", [bar(last + 1000, 61_090)]);
    step(kalman, null, 3);
    expect(stream.pending).toBe(false);
    expectInPlace(stream, bars, kalman, "Kalman after a replaced bar");
  });

  it("nothing is kept over a rebuilt view, nor for a rule whose buffers the next one computed over", () => {
    const bars = new LiveBars(snapshot(600)),
      stream = new PairStream(),
      [A, B] = [bars.bars("A"), bars.bars("B")];
    stream.update(A, B, -Infinity, view, fixed);
    stream.update(A, B, Infinity, view, kalman); // in place: fixed's buffers now hold Kalman's series
    expect(stream.holds(fixed)).toBe(false);
    stream.update(A, B, Infinity, view, rolling, Infinity, viaWorker(bars, rolling));
    expect(stream.holds(kalman)).toBe(true);
    stream.rebuild();
    stream.update(A, B, Infinity, view, rolling);
    expect(stream.holds(kalman)).toBe(false);
    stream.update(A, B, Infinity, view, kalman);
    expectInPlace(stream, bars, kalman, "Kalman after a rebuild");
  });
});
