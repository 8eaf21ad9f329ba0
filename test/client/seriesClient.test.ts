// The hedge switch's series from a worker: FitClient.seriesOf(rule) over the rows of the latest fit
// (a second worker, ./seriesClient.ts, answering with ./fitHandler.ts), and the handler's prefetch.
import {afterEach, describe, expect, it, vi} from "vitest";
import {FitClient} from "../../src/client/fitWorker.js";
import {handle, newState, type WorkerReply, type WorkerRequest} from "../../src/client/fitHandler.js";
import type {StreamRule} from "../../src/lib/stream/pairStream.js";
import {ruleSeries} from "../../src/lib/stream/ruleSeries.js";
import {generatePair} from "../lib/series.js";

const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
const time = Float64Array.from(a, (_, i) => i * 1000);
const options = {method: "ols", log: false, rollingWindow: 50};
const rule: StreamRule = {hedge: null, log: false, window: 30, entry: 2, exit: 0, stop: undefined, lag: 1, feeBps: 0};
const kalman: StreamRule = {...rule, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}};
const rolling: StreamRule = {...rule, dynamic: {kind: "rolling-ols", window: 40}};

/** A stand-in Worker running the real handler on its own state, messages structured-cloned both ways. */
class CloningWorker {
  static made = 0;
  static sent: WorkerRequest[] = [];
  onmessage: ((e: {data: unknown}) => void) | null = null;
  onerror: unknown = null;
  private readonly state = newState();
  constructor() {
    ++CloningWorker.made;
  }
  postMessage(m: WorkerRequest): void {
    CloningWorker.sent.push(m);
    const request = structuredClone(m);
    setTimeout(
      () => handle(request, this.state, (r: WorkerReply, transfer = []) => this.onmessage?.({data: structuredClone(r, {transfer})})),
      0,
    );
  }
  terminate(): void {}
}

describe("FitClient.seriesOf(rule): a hedge switch's series from the series worker", () => {
  const saved = globalThis.Worker;
  afterEach(() => void (globalThis.Worker = saved));

  it("resolves to ruleSeries of the fitted rows under the rule, with those rows; the rows are sent once", async () => {
    globalThis.Worker = CloningWorker as unknown as typeof Worker;
    CloningWorker.sent = [];
    const client = new FitClient("fake.js");
    expect(client.seriesOf(kalman)).toBeNull(); // no rows yet
    await client.fit(a, b, options, {time, interrupt: false}).fit;
    const given = (await client.seriesOf(kalman))!;
    expect(given.rows).toEqual({time, a, b});
    const direct = ruleSeries(null, a, b, kalman);
    for (const name of ["beta", "spread", "z", "equity"] as const)
      expect(Array.from(given.series.columns[name]!.subarray(0, 400)), name).toEqual(Array.from(direct.columns[name]!.subarray(0, 400)));
    expect(Array.from(given.series.columns.a!.subarray(0, 400))).toEqual(Array.from(a));
    expect(given.series.state).toEqual(direct.state);
    const again = (await client.seriesOf(rolling))!;
    expect(again.series.rule.dynamic).toEqual(rolling.dynamic);
    const series = CloningWorker.sent.filter((m) => m.type === "series");
    expect(series.map((m) => m.type === "series" && m.rows !== null)).toEqual([true, false]);
    client.stop();
  });

  it("is null without a worker (the page recomputes on its thread)", async () => {
    const client = new FitClient(null);
    await client.fit(a, b, options, {time}).fit;
    expect(client.seriesOf(kalman)).toBeNull();
    client.stop();
  });
});

describe("handle(prefetch): the series of the rules computed ahead, after a pause, the latest prefetch's only", () => {
  afterEach(() => void vi.useRealTimers());

  it("computes the rules of the latest prefetch after its delay, so a series request finds them kept and takes them", () => {
    vi.useFakeTimers();
    const state = newState(),
      replies: WorkerReply[] = [];
    const reply = (r: WorkerReply) => void replies.push(r);
    handle({type: "prefetch", id: 1, rows: {time, a, b}, rules: [rolling], delayMs: 250}, state, reply);
    handle({type: "prefetch", id: 2, rows: null, rules: [kalman, {...rolling, window: 31}], delayMs: 250}, state, reply);
    vi.advanceTimersByTime(200);
    expect(state.series.has(kalman)).toBe(false); // not before the delay
    vi.advanceTimersByTime(1000);
    expect([state.series.has(kalman), state.series.has({...rolling, window: 31}), state.series.has(rolling)]).toEqual([true, true, false]);
    const kept = state.series.get(kalman);
    handle({type: "series", id: 3, rows: null, rule: kalman}, state, reply);
    expect(replies).toHaveLength(1);
    const r = replies[0] as {part: string; value: {columns: {z: Float64Array}}};
    expect(r.part).toBe("series");
    expect(Array.from(r.value.columns.z)).toEqual(Array.from(kept.columns.z!));
    expect(r.value.columns.z).toBe(kept.columns.z); // moved, not copied: no longer kept
    expect(state.series.has(kalman)).toBe(false);
  });

  it("a series request without rows held is an error reply; the main-thread fallback answers null", () => {
    const replies: WorkerReply[] = [];
    handle({type: "series", id: 1, rows: null, rule: kalman}, newState(), (r) => void replies.push(r));
    handle({type: "series", id: 2, rows: {time, a, b}, rule: kalman}, newState(), (r) => void replies.push(r), false);
    expect(replies).toEqual([
      {id: 1, error: "Error: series 1: no rows"},
      {id: 2, part: "series", value: null},
    ]);
  });
});
