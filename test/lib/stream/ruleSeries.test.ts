// The fit worker's path for a refit (ruleSeries over the fitted rows, sent to the page, taken by
// PairStream.update(…, given)) against the main-thread path (PairStream.update recomputing the rows):
// every column, the trades and the metrics equal bit for bit, at the refit and after live bars.
import {describe, expect, it} from "vitest";
import {LiveBars} from "../../../src/client/liveBars.js";
import type {BarsFile, SymbolBars} from "../../../src/protocol/barsFile.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {type GivenSeries, PairStream, type StreamRule, type StreamView} from "../../../src/lib/stream/pairStream.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {ruleSeries, ruleSeriesTransfer} from "../../../src/lib/stream/ruleSeries.js";
import {rowColumns} from "../../../src/lib/stream/streamColumns.js";
import {Xorshift128} from "../series.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** n one-second bars of legs A and B (random walks, a tenth of the seconds empty, a gap of B at 100…129). */
function snapshot(n: number, seed = 5): BarsFile {
  const rng = new Xorshift128(seed),
    time = Float64Array.from({length: n}, (_, i) => t0 + i * 1000);
  const leg = (p: number, gapFrom: number): SymbolBars => {
    const close = new Float64Array(n),
      count = new Float64Array(n),
      gap = new Uint8Array(n),
      zero = new Float64Array(n);
    for (let i = 0; i < n; ++i) {
      p *= 1 + 1e-3 * rng.normal();
      const empty = rng.uniform() < 0.1;
      ((close[i] = empty ? NaN : p), (count[i] = empty ? 0 : 3), (gap[i] = i >= gapFrom && i < gapFrom + 30 ? 1 : 0));
    }
    const bars = {interval: 1000, start: time, open: close, high: close, low: close, close, volume: zero, quoteVolume: zero};
    return {bars: {...bars, count, vwap: close, takerBuyVolume: zero}, gap};
  };
  return {
    meta: {
      symbols: ["A", "B"],
      interval: "1s",
      intervalMs: 1000,
      from: t0,
      to: t0 + n * 1000,
      builtAt: t0 + n * 1000,
      trades: {},
      gaps: [],
      liveUrl: "",
    },
    time,
    symbols: new Map([
      ["A", leg(60_000, n + 1)],
      ["B", leg(3_000, 100)],
    ]),
  };
}

const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});
const view: StreamView = {intervalMs: 1000, lookbackMs: Infinity};
const fixed: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const rules: [string, StreamRule][] = [
  ["a fixed hedge", fixed],
  ["a Kalman hedge on log prices", {...fixed, hedge: null, log: true, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}}],
  ["rolling OLS, lag 0", {...fixed, hedge: null, lag: 0, dynamic: {kind: "rolling-ols", window: 30}}],
];

/** The series as the worker sends them: structured-cloned, the columns' buffers transferred. */
function viaWorker(rows: {time: Float64Array; a: Float64Array; b: Float64Array}, rule: StreamRule): GivenSeries {
  const series = ruleSeries(rows.time, rows.a, rows.b, rule);
  return {series: structuredClone(series, {transfer: ruleSeriesTransfer(series)}), rows};
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

describe("PairStream.update(…, given: ruleSeries of the fitted rows) equals the main-thread path", () => {
  for (const [what, rule] of rules)
    it(`${what}: at the refit, with a bar replaced and bars added since the fit, and after live bars`, () => {
      const bars = new LiveBars(snapshot(1500)),
        given = new PairStream(),
        main = new PairStream();
      const other: StreamRule = {...fixed, window: 35};
      let version = bars.version;
      (given.update(bars.bars("A"), bars.bars("B"), -Infinity, view, other),
        main.update(bars.bars("A"), bars.bars("B"), -Infinity, view, other));
      // A live bar, the refit's rows (pairView, as the page's fit), then live bars before the series come
      // back: the live bucket replaced and two new ones, so the stream redoes from the row that changed.
      const last = t0 + 1500 * 1000;
      (bars.add("A", [bar(last, 61_000)]), bars.add("B", [bar(last, 3_010)]));
      const fitted = pairView(bars.bars("A"), bars.bars("B"), view);
      const series = viaWorker(fitted, rule);
      (bars.add("A", [bar(last, 61_005)]), bars.add("B", [bar(last + 1000, 3_011), bar(last + 2000, 3_012)]));
      bars.add("A", [bar(last + 1000, 61_010), bar(last + 2000, 61_020)]);
      const changed = bars.changedSince(version);
      version = bars.version;
      // At most 10 rows computed now: the rows after the given ones (and the replaced one) are 4.
      const g = given.update(bars.bars("A"), bars.bars("B"), changed, view, rule, 10, series);
      main.update(bars.bars("A"), bars.bars("B"), changed, view, rule);
      expect(g.adopted).toBe(true);
      // Every derived row is the refit's (the charts redraw them all: the main path's change too) …
      expect(g.series).toBe(0);
      // … but the fitted rows' last one was replaced: only it and the 3 after it computed here (within
      // the limit of 10, so nothing is pending), redone from its checkpoint, not from 0.
      expect(given.pending).toBe(false);
      expectEqual(given, main, "at the refit");
      const rng = new Xorshift128(9);
      for (let k = 3; k < 60; ++k) {
        const start = last + k * 1000;
        bars.add("A", [bar(start, 61_000 * (1 + 1e-3 * rng.normal()))]);
        bars.add("B", [bar(start, 3_000 * (1 + 1e-3 * rng.normal()))]);
        const c = bars.changedSince(version);
        version = bars.version;
        (given.update(bars.bars("A"), bars.bars("B"), c, view, rule), main.update(bars.bars("A"), bars.bars("B"), c, view, rule));
      }
      expectEqual(given, main, "after 57 live bars");
    });

  it("series of other rows (or another rule) are not taken: the rows are recomputed, still equal", () => {
    const bars = new LiveBars(snapshot(800)),
      fitted = pairView(bars.bars("A"), bars.bars("B"), view);
    const shifted = {...fitted, a: fitted.a.map((x, i) => (i === 10 ? x * 1.01 : x))};
    const main = new PairStream();
    main.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed);
    for (const [given, rule] of [
      [viaWorker(shifted, fixed), fixed],
      [viaWorker(fitted, {...fixed, entry: 1.5}), fixed],
    ] as const) {
      const stream = new PairStream();
      const change = stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, rule, Infinity, given);
      expect(change.adopted).toBeUndefined();
      expectEqual(stream, main, "recomputed");
    }
  });
});

describe("PairStream.viewRows(legs, changedFrom, view): the fitted bars without a new pairView", () => {
  it("equals pairView's rows after live bars (one replaced), and the next update equals a fresh stream", () => {
    const bars = new LiveBars(snapshot(600)),
      stream = new PairStream(),
      last = t0 + 600 * 1000;
    (bars.add("A", [bar(last, 61_000)]), bars.add("B", [bar(last, 3_010)]));
    stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed);
    const version = bars.version;
    (bars.add("A", [bar(last, 61_005), bar(last + 1000, 61_010)]), bars.add("B", [bar(last + 1000, 3_011)]));
    expect(stream.viewRows(bars.bars("A"), bars.bars("B"), bars.changedSince(version), {...view, intervalMs: 5000})).toBeNull();
    expect(stream.viewRows(bars.bars("A"), bars.bars("B"), bars.changedSince(version), {...view, lookbackMs: 60_000})).toBeNull();
    const rows = stream.viewRows(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view)!;
    const v = pairView(bars.bars("A"), bars.bars("B"), view);
    for (const k of ["time", "a", "b"] as const) expect(Array.from(rows[k]), k).toEqual(Array.from(v[k]));
    stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, fixed);
    const fresh = new PairStream();
    fresh.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed);
    expectEqual(stream, fresh, "after viewRows and update");
  });
});

describe("PairStream.viewRows before the first update: the page's first fit and its charts from one view", () => {
  it("builds the view (pairView's rows); the first update, given their series, redraws every row and equals a fresh stream", () => {
    const bars = new LiveBars(snapshot(700)),
      stream = new PairStream(),
      last = t0 + 700 * 1000;
    expect(stream.viewRows(bars.bars("A"), bars.bars("B"), -Infinity, {...view, lookbackMs: 60_000})).toBeNull();
    const version = bars.version,
      rows = stream.viewRows(bars.bars("A"), bars.bars("B"), -Infinity, view)!;
    const v = pairView(bars.bars("A"), bars.bars("B"), view);
    for (const k of ["time", "a", "b"] as const) expect(Array.from(rows[k]), k).toEqual(Array.from(v[k]));
    // A live bar while the worker computes: the update goes on from the built view, from the new row.
    const series = viaWorker(rows, fixed);
    (bars.add("A", [bar(last, 61_000)]), bars.add("B", [bar(last, 3_010)]));
    const change = stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, fixed, Infinity, series);
    expect(change).toEqual({bars: 0, series: 0, adopted: true});
    const fresh = new PairStream();
    fresh.update(bars.bars("A"), bars.bars("B"), -Infinity, view, fixed);
    expectEqual(stream, fresh, "after viewRows and the first update");
    // Once a rule's series are there, another view is not built by viewRows (the update rebuilds both).
    expect(stream.viewRows(bars.bars("A"), bars.bars("B"), Infinity, {...view, intervalMs: 5000})).toBeNull();
  });
});
