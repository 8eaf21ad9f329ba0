// The hedge switch's series from a worker: FitClient.seriesOf(rule) over the rows of the latest fit
// (a second worker, ./seriesClient.ts, answering with ./fitHandler.ts), and the handler's prefetch.
import {afterEach, describe, expect, it, vi} from "vitest";
import {FitClient} from "../../src/client/fitWorker.js";
import {handle, newState, type WorkerReply, type WorkerRequest} from "../../src/client/fitHandler.js";
import type {StreamRule} from "../../src/lib/stream/pairStream.js";
import {type RuleSeries, ruleSeries} from "../../src/lib/stream/ruleSeries.js";
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
  /** The parts of the replies the page has taken (recorded after its handler ran). */
  static received: string[] = [];
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
      () =>
        handle(request, this.state, (r: WorkerReply, transfer = []) => {
          this.onmessage?.({data: structuredClone(r, {transfer})});
          CloningWorker.received.push("error" in r ? "error" : r.part);
        }),
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

  it("a prefetched rule's series come to the page unasked: the switch to it posts nothing; new rows drop them", async () => {
    globalThis.Worker = CloningWorker as unknown as typeof Worker;
    CloningWorker.sent = [];
    CloningWorker.received = [];
    const client = new FitClient("fake.js");
    await client.fit(a, b, options, {time, interrupt: false}).fit;
    client.prefetch([kalman, rolling], 0);
    await vi.waitFor(() => expect(CloningWorker.received.filter((p) => p === "ahead")).toHaveLength(2));
    const posts = CloningWorker.sent.length;
    const given = (await client.seriesOf(rolling))!;
    expect(CloningWorker.sent.length).toBe(posts); // nothing asked: the series were on the page
    const direct = ruleSeries(null, a, b, rolling);
    for (const name of ["beta", "spread", "z", "equity"] as const)
      expect(Array.from(given.series.columns[name]!.subarray(0, 400)), name).toEqual(Array.from(direct.columns[name]!.subarray(0, 400)));
    expect(given.rows).toEqual({time, a, b});
    // Taken once: asked again, the worker computes them.
    const again = (await client.seriesOf(rolling))!;
    expect(CloningWorker.sent.slice(posts).map((m) => m.type)).toEqual(["series"]);
    expect(Array.from(again.series.columns.z!.subarray(0, 400))).toEqual(Array.from(direct.columns.z!.subarray(0, 400)));
    // A fit of other bars: Kalman's series of the old rows are not taken.
    const other = generatePair({kind: "cointegrated", seed: 8, n: 400});
    await client.fit(other.a, other.b, options, {time, interrupt: false}).fit;
    const fresh = (await client.seriesOf(kalman))!;
    expect(fresh.rows.a).toBe(other.a);
    expect(Array.from(fresh.series.columns.z!.subarray(0, 400))).toEqual(
      Array.from(ruleSeries(null, other.a, other.b, kalman).columns.z!.subarray(0, 400)),
    );
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

  it("computes the rules of the latest prefetch after its delay and sends each to the page, its buffers moved", () => {
    vi.useFakeTimers();
    const state = newState(),
      replies: {r: WorkerReply; transfer: ArrayBuffer[]}[] = [];
    const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []) => void replies.push({r, transfer});
    handle({type: "prefetch", id: 1, rows: {time, a, b}, rules: [rolling], delayMs: 250}, state, reply);
    handle({type: "prefetch", id: 2, rows: null, rules: [kalman, {...rolling, window: 31}], delayMs: 250}, state, reply);
    vi.advanceTimersByTime(200);
    expect(replies).toEqual([]); // not before the delay
    vi.advanceTimersByTime(1000);
    // The latest prefetch's rules only, in its order, under its id.
    const sent = replies.map(({r}) => r as {id: number; part: string; value: RuleSeries});
    expect(sent.map((r) => [r.id, r.part, r.value.rule.dynamic])).toEqual([
      [2, "ahead", kalman.dynamic],
      [2, "ahead", {...rolling, window: 31}.dynamic],
    ]);
    const direct = ruleSeries(null, a, b, kalman);
    expect(Array.from(sent[0].value.columns.z!.subarray(0, 400))).toEqual(Array.from(direct.columns.z!.subarray(0, 400)));
    expect(Array.from(sent[0].value.columns.time!.subarray(0, 400))).toEqual(Array.from(time));
    expect(replies[0].transfer).toContain(sent[0].value.columns.z!.buffer);
    expect(state.series.has(kalman)).toBe(false); // moved, not kept
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
