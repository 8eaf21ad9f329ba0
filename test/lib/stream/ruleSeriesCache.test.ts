// A hedge switch's series from the fit worker (RuleSeriesCache, sent as ruleSeriesCopy with its buffers
// transferred) against the main-thread path (PairStream.update recomputing every row under the new
// hedge): every column, the trades and the metrics equal bit for bit, and the stream takes the sent
// buffers as its columns (time, a and b too) instead of copying them.
import {describe, expect, it} from "vitest";
import {LiveBars} from "../../../src/client/liveBars.js";
import {type GivenSeries, PairStream, type StreamRule, type StreamView} from "../../../src/lib/stream/pairStream.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {ruleSeries, ruleSeriesTransfer} from "../../../src/lib/stream/ruleSeries.js";
import {RuleSeriesCache, type SeriesRows, withRows} from "../../../src/lib/stream/ruleSeriesCache.js";
import {rowColumns} from "../../../src/lib/stream/streamColumns.js";
import {Xorshift128} from "../series.js";
import {t0, walkSnapshot} from "./walkSnapshot.js";

/** n one-second bars of legs A and B (random walks, a twentieth of the seconds empty). */
const snapshot = (n: number) => walkSnapshot(n, 11, 0.05);

const view: StreamView = {intervalMs: 1000, lookbackMs: Infinity};
const fixed: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const kalman: StreamRule = {...fixed, hedge: null, log: true, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}};
const rolling: StreamRule = {...fixed, hedge: null, dynamic: {kind: "rolling-ols", window: 30}};

/** The series as the worker sends them: taken from its cache with the rows, structured-cloned, every buffer transferred. */
function viaWorker(cache: RuleSeriesCache, rows: SeriesRows, rule: StreamRule): GivenSeries {
  const copy = withRows(cache.take(rule), rows);
  return {series: structuredClone(copy, {transfer: ruleSeriesTransfer(copy)}), rows};
}

function expectEqual(given: PairStream, main: PairStream, when: string): void {
  expect(given.length, `${when}: rows`).toBe(main.length);
  for (const name of rowColumns) {
    const x = given.column(name),
      y = main.column(name);
    for (let i = 0; i < y.length; ++i) if (!Object.is(x[i], y[i])) expect.fail(`${when}: ${name}[${i}]: ${x[i]} instead of ${y[i]}`);
  }
  expect(given.tradeList(), `${when}: trades`).toEqual(main.tradeList());
  expect(given.metrics(1000), `${when}: metrics`).toEqual(main.metrics(1000));
}

describe("RuleSeriesCache", () => {
  const bars = new LiveBars(snapshot(300)),
    rows = pairView(bars.bars("A"), bars.bars("B"), view);

  it("get(rule) is ruleSeries of the rows; the same rule again is the kept series; the least recently used goes first", () => {
    const cache = new RuleSeriesCache(2);
    expect(() => cache.get(fixed)).toThrow(RangeError);
    cache.setRows(rows);
    const k = cache.get(kalman);
    const direct = ruleSeries(null, rows.a, rows.b, kalman);
    for (const name of ["spread", "z", "beta", "equity"] as const)
      expect(Array.from(k.columns[name]!.subarray(0, k.rows)), name).toEqual(Array.from(direct.columns[name]!.subarray(0, direct.rows)));
    expect(cache.get({...kalman})).toBe(k);
    cache.get(rolling);
    cache.get(kalman); // used last: rolling is now the oldest
    cache.get(fixed);
    expect([cache.has(kalman), cache.has(rolling), cache.has(fixed)]).toEqual([true, false, true]);
    cache.setRows(rows); // the same rows keep them
    expect(cache.has(kalman)).toBe(true);
    cache.setRows({...rows, a: rows.a.slice()});
    expect(cache.has(kalman)).toBe(false);
  });

  it("take(rule) is get(rule) no longer held; withRows(s, rows) adds copies of the rows' time, a and b, none sharing a buffer", () => {
    const cache = new RuleSeriesCache();
    cache.setRows(rows);
    const s = cache.get(fixed);
    expect(cache.take(fixed)).toBe(s);
    expect(cache.has(fixed)).toBe(false);
    const copy = withRows(s, rows);
    expect(Array.from(copy.columns.time!.subarray(0, s.rows))).toEqual(Array.from(rows.time));
    expect(copy.columns.a!.length).toBe(s.capacity);
    expect(copy.columns.z).toBe(s.columns.z);
    const buffers = ruleSeriesTransfer(copy);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers).not.toContain(rows.a.buffer);
  });
});

describe("PairStream.update(…, given: a hedge switch's series from the worker) equals the main-thread path", () => {
  for (const [what, from, to] of [
    ["fixed → Kalman", fixed, kalman],
    ["Kalman → rolling OLS", kalman, rolling],
    ["rolling OLS → fixed", rolling, fixed],
    ["a refit: fixed → another fixed β", fixed, {...fixed, hedge: {alpha: -90, beta: 19.5}}],
  ] as const)
    it(`${what}: the stream takes the sent buffers (time, a, b too), equal bit for bit, then after live bars`, () => {
      const bars = new LiveBars(snapshot(1200)),
        rows = pairView(bars.bars("A"), bars.bars("B"), view),
        cache = new RuleSeriesCache();
      cache.setRows(rows);
      const given = new PairStream(),
        main = new PairStream();
      (given.update(bars.bars("A"), bars.bars("B"), -Infinity, view, from),
        main.update(bars.bars("A"), bars.bars("B"), -Infinity, view, from));
      const series = viaWorker(cache, rows, to);
      const change = given.update(bars.bars("A"), bars.bars("B"), Infinity, view, to, Infinity, series);
      const computed = main.update(bars.bars("A"), bars.bars("B"), Infinity, view, to);
      expect(change.adopted).toBe(true);
      // Taken or computed, the same rows changed (the charts redraw from `series`: all of them).
      expect({bars: change.bars, series: change.series}).toEqual(computed);
      expect(change.series).toBe(0);
      for (const name of ["time", "a", "b", "spread", "z"] as const)
        expect(given.column(name).buffer, name).toBe(series.series.columns[name]!.buffer);
      expectEqual(given, main, "at the switch");
      let version = bars.version;
      const rng = new Xorshift128(3),
        last = t0 + 1200 * 1000;
      for (let k = 0; k < 40; ++k) {
        bars.add("A", [{start: last + k * 1000, open: 1, high: 1, low: 1, close: 61_000 * (1 + 1e-3 * rng.normal()), volume: 1, count: 2}]);
        bars.add("B", [{start: last + k * 1000, open: 1, high: 1, low: 1, close: 3_000 * (1 + 1e-3 * rng.normal()), volume: 1, count: 2}]);
        const c = bars.changedSince(version);
        version = bars.version;
        (given.update(bars.bars("A"), bars.bars("B"), c, view, to), main.update(bars.bars("A"), bars.bars("B"), c, view, to));
      }
      expectEqual(given, main, "after 40 live bars");
    });

  it("with live bars since the rows were fitted, the rows' columns are not taken (the stream keeps its longer rows), still equal", () => {
    const bars = new LiveBars(snapshot(900)),
      rows = pairView(bars.bars("A"), bars.bars("B"), view),
      cache = new RuleSeriesCache();
    cache.setRows(rows);
    const last = t0 + 900 * 1000;
    bars.add("A", [{start: last, open: 1, high: 1, low: 1, close: 61_000, volume: 1, count: 2}]);
    bars.add("B", [{start: last, open: 1, high: 1, low: 1, close: 3_010, volume: 1, count: 2}]);
    const given = new PairStream(),
      main = new PairStream();
    (given.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed),
      main.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed));
    const series = viaWorker(cache, rows, kalman);
    const change = given.update(bars.bars("A"), bars.bars("B"), Infinity, view, kalman, Infinity, series);
    main.update(bars.bars("A"), bars.bars("B"), Infinity, view, kalman);
    expect([change.adopted, change.series, given.length]).toEqual([true, 0, rows.a.length + 1]);
    expect(given.column("a").buffer).not.toBe(series.series.columns.a!.buffer);
    expect(given.column("z").buffer).toBe(series.series.columns.z!.buffer);
    expectEqual(given, main, "one live bar after the rows");
  });
});
