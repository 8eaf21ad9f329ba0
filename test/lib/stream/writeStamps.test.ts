// Write stamps of a pair stream's columns (src/lib/stream/writeStamps.ts), which charts trust to keep
// their decimated series: a column whose rows were written has a new stamp (a live bar, a slider's
// recompute, a rebuilt view); a hedge switched back takes the kept buffers with the stamps they had,
// so an unchanged series is known unchanged.
import {describe, expect, it} from "vitest";
import {LiveBars} from "../../../src/client/liveBars.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {type GivenSeries, PairStream, type StreamRule, type StreamView} from "../../../src/lib/stream/pairStream.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {ruleSeries, ruleSeriesTransfer} from "../../../src/lib/stream/ruleSeries.js";
import {type RowColumn, rowColumns} from "../../../src/lib/stream/streamColumns.js";
import {stampCopy, stampNew, stampsKey, stampWritten, writeStamp} from "../../../src/lib/stream/writeStamps.js";
import {t0, walkSnapshot} from "./walkSnapshot.js";

const view: StreamView = {intervalMs: 1000, lookbackMs: Infinity};
const fixed: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const kalman: StreamRule = {...fixed, hedge: null, log: true, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}};
const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});

function viaWorker(bars: LiveBars, rule: StreamRule): GivenSeries {
  const rows = pairView(bars.bars("A"), bars.bars("B"), view),
    series = ruleSeries(rows.time, rows.a, rows.b, rule);
  return {series: structuredClone(series, {transfer: ruleSeriesTransfer(series)}), rows};
}

/** Every column's stamp now. */
const stamps = (s: PairStream) => new Map(rowColumns.map((c) => [c, writeStamp(s.column(c))]));
const derived = rowColumns.filter((c) => c !== "time" && c !== "a" && c !== "b");

describe("writeStamp", () => {
  it("stampWritten gives a buffer a new stamp each time; stampNew only a buffer without one", () => {
    const x = new Float64Array(8);
    expect(writeStamp(x)).toBeUndefined();
    expect(writeStamp([1, 2])).toBeUndefined();
    stampNew(x);
    const s = writeStamp(x);
    expect(s).toBeTypeOf("number");
    stampNew(x.subarray(2));
    expect(writeStamp(x), "a view on the same buffer: the buffer's stamp").toBe(s);
    stampWritten(x.subarray(2));
    expect(writeStamp(x)).not.toBe(s);
    // A copy of the rows into a larger buffer: the same contents, the same stamp.
    const y = new Float64Array(16);
    (y.set(x), stampCopy(x, y));
    expect(writeStamp(y)).toBe(writeStamp(x));
    stampWritten(y);
    expect(writeStamp(y)).not.toBe(writeStamp(x));
  });
});

describe("PairStream columns' write stamps", () => {
  it("a hedge switched back has the stamps it had; a live bar or a slider restamps what it wrote", () => {
    const bars = new LiveBars(walkSnapshot(800, 3, 0.1)),
      stream = new PairStream();
    let version = bars.version;
    const step = (rule: StreamRule, given: GivenSeries | null = null) => {
      stream.update(
        bars.bars("A"),
        bars.bars("B"),
        version === bars.version ? Infinity : bars.changedSince(version),
        view,
        rule,
        Infinity,
        given,
      );
      version = bars.version;
    };
    step(fixed);
    const before = stamps(stream);
    for (const c of rowColumns) expect(before.get(c), c).toBeTypeOf("number");
    // To Kalman with the worker's buffers (stamped as they come in), and back: fixed's kept buffers.
    step(kalman, viaWorker(bars, kalman));
    const underKalman = stamps(stream);
    for (const c of derived) expect(underKalman.get(c), c).not.toBe(before.get(c));
    step(fixed);
    expect(stamps(stream)).toEqual(before);
    // A live bar: every column's rows written from its row on.
    const last = t0 + 800 * 1000;
    (bars.add("A", [bar(last, 61_000)]), bars.add("B", [bar(last, 3_010)]));
    step(fixed);
    const live = stamps(stream);
    for (const c of rowColumns) expect(live.get(c), c).not.toBe(before.get(c));
    // A slider (the z window) computed in place: what the window changes restamped; the bars, the returns
    // and the hedge's columns (the spread: the same hedge) not written, their stamps kept.
    step({...fixed, window: 40});
    const slid = stamps(stream),
      kept: RowColumn[] = ["time", "a", "b", "retA", "retB", "la", "lb", "alpha", "beta", "spread"];
    for (const c of derived) if (!kept.includes(c)) expect(slid.get(c), c).not.toBe(live.get(c));
    for (const c of kept) expect(slid.get(c), c).toBe(live.get(c));
  });
});

describe("stampsKey(...columns)", () => {
  it("changes with a column's stamp or length, is empty for a column never stamped", () => {
    const x = new Float64Array(8),
      y = new Float64Array(8);
    stampNew(x, y);
    const key = stampsKey(x, y);
    expect(key).not.toBe("");
    expect(stampsKey(x, y)).toBe(key);
    expect(stampsKey(x, y.subarray(0, 4))).not.toBe(key);
    stampWritten(y);
    expect(stampsKey(x, y)).not.toBe(key);
    expect(stampsKey(x, [1, 2])).toBe("");
  });

  it("viewRows, then the first update taking the worker's series: the bars' key stays (the prices drawn ahead are kept)", () => {
    const bars = new LiveBars(walkSnapshot(800, 4, 0.1)),
      stream = new PairStream();
    const rows = stream.viewRows(bars.bars("A"), bars.bars("B"), -Infinity, view)!;
    const key = stampsKey(stream.column("time"), stream.column("a"), stream.column("b")),
      series = ruleSeries(rows.time, rows.a, rows.b, fixed);
    stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, fixed, Infinity, {
      series: structuredClone(series, {transfer: ruleSeriesTransfer(series)}),
      rows,
    });
    expect(stampsKey(stream.column("time"), stream.column("a"), stream.column("b"))).toBe(key);
  });
});
