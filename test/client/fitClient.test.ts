import {describe, expect, it} from "vitest";
import {FitClient} from "../../src/client/fitWorker.js";
import {hedgeRatio} from "../../src/lib/hedgeRatio.js";
import {generatePair} from "../lib/series.js";

describe("FitClient (on the main thread: no Worker in Node)", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
  const options = {method: "ols", log: false, rollingWindow: 50};

  it("fit(a, b, options) again with the same bars and options returns the first call's answers, without new work", async () => {
    const client = new FitClient(null);
    const first = client.fit(a, b, options);
    const again = client.fit(a, b, {...options});
    expect(again.hedge).toBe(first.hedge);
    expect(again.fit).toBe(first.fit);
    // The answer is the hedge of the bars, by an independent call.
    expect((await first.hedge).beta).toBe(hedgeRatio(a, b, {method: "ols"}).beta);
    client.stop();
  });

  it("another method, or other bars with equal values, is a new fit", async () => {
    const client = new FitClient(null);
    const first = client.fit(a, b, options);
    await first.fit;
    const tls = client.fit(a, b, {...options, method: "tls"});
    expect(tls.fit).not.toBe(first.fit);
    expect((await tls.hedge).method).toBe("tls");
    const copy = client.fit(Float64Array.from(a), b, {...options, method: "tls"});
    expect(copy.fit).not.toBe(tls.fit);
    await copy.fit;
    client.stop();
  });
});

describe("FitClient with a worker", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
  const options = {method: "ols", log: false, rollingWindow: 50};

  /** A stand-in Worker: records what it is sent, answers every fit with a hedge and a fit. */
  class FakeWorker {
    static sent: {type: string; id: number; a: unknown; b: unknown}[] = [];
    onmessage: ((e: {data: unknown}) => void) | null = null;
    onerror: unknown = null;
    postMessage(m: {type: string; id: number; a: unknown; b: unknown}): void {
      FakeWorker.sent.push(m);
      queueMicrotask(() => {
        this.onmessage?.({data: {id: m.id, part: "hedge", value: {beta: m.id}}});
        this.onmessage?.({data: {id: m.id, part: "fit", value: {id: m.id}}});
      });
    }
    terminate(): void {}
  }

  it("fit(a, b) with another method sends the bars once, and a method chosen again gets its first answers", async () => {
    const saved = globalThis.Worker;
    globalThis.Worker = FakeWorker as unknown as typeof Worker;
    try {
      const client = new FitClient("fake.js");
      const first = client.fit(a, b, options, {interrupt: false});
      await first.fit;
      const tls = client.fit(a, b, {...options, method: "tls"}, {interrupt: false});
      await tls.fit;
      expect(client.fit(a, b, options, {interrupt: false}).fit).toBe(first.fit);
      expect(FakeWorker.sent.map((m) => [m.type, m.a === null, m.b === null])).toEqual([
        ["fit", false, false],
        ["fit", true, true],
      ]);
      // New bars are sent again.
      await client.fit(Float64Array.from(a), b, options, {interrupt: false}).fit;
      expect(FakeWorker.sent[2].a).not.toBeNull();
      client.stop();
    } finally {
      globalThis.Worker = saved;
    }
  });
});

describe("FitClient.rule(fit, options): sent once the options rest", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
  const rule = {window: 30, entry: 2, exit: 0.5, stop: undefined, lag: 1, feeBps: 1, barMs: 1000, log: false};

  it("a call replaced by a newer one within ruleRestMs rejects (superseded) and is never sent; the newer one is", async () => {
    const saved = globalThis.Worker,
      sent: {type: string; options?: unknown}[] = [];
    // A stand-in Worker recording what it is sent: fits answered with a hedge and a summary, rules with their options.
    globalThis.Worker = class {
      onmessage: ((e: {data: unknown}) => void) | null = null;
      onerror: unknown = null;
      postMessage(m: {type: string; id: number; options?: unknown}): void {
        sent.push(m);
        queueMicrotask(() => {
          if (m.type === "rule") return this.onmessage?.({data: {id: m.id, part: "rule", value: {options: m.options}}});
          this.onmessage?.({data: {id: m.id, part: "hedge", value: {beta: 1}}});
          this.onmessage?.({data: {id: m.id, part: "fit", value: {id: m.id}}});
        });
      }
      terminate(): void {}
    } as unknown as typeof Worker;
    try {
      const client = new FitClient("fake.js");
      const fit = await client.fit(a, b, {method: "ols", log: false, rollingWindow: 50}).fit;
      const dragged = [30, 31, 32].map((window) => client.rule(fit, {...rule, window}));
      const outcomes = await Promise.allSettled(dragged);
      expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "answered"))).toEqual([
        "Error: superseded",
        "Error: superseded",
        "answered",
      ]);
      const rules = () => sent.filter((m) => m.type === "rule").map((m) => (m.options as {window: number}).window);
      expect(rules()).toEqual([32]);
      // A call after the last one was sent is sent too (the rest counts from each call).
      await client.rule(fit, {...rule, window: 40});
      expect(rules()).toEqual([32, 40]);
      client.stop();
    } finally {
      globalThis.Worker = saved;
    }
  });

  it("a call whose invalidation resolves before it is sent rejects unsent: a page cell rerun waits for its previous run", async () => {
    const client = new FitClient(null);
    const fit = await client.fit(a, b, {method: "ols", log: false, rollingWindow: 50}).fit;
    let invalidate = () => {};
    const invalidation = new Promise<void>((resolve) => (invalidate = resolve));
    const first = client.rule(fit, rule, invalidation);
    invalidate(); // the cell reruns: its previous run must settle first
    await expect(first).rejects.toThrow("superseded");
    // The rerun's call is computed (its invalidation never comes).
    expect((await client.rule(fit, {...rule, window: 45}, new Promise(() => {}))).report.zscore.window).toBe(45);
    client.stop();
  });

  it("without a worker the last options' report is computed on the main thread; the replaced call rejects", async () => {
    const client = new FitClient(null);
    const fit = await client.fit(a, b, {method: "ols", log: false, rollingWindow: 50}).fit;
    const first = client.rule(fit, rule),
      last = client.rule(fit, {...rule, window: 44});
    await expect(first).rejects.toThrow("superseded");
    expect((await last).report.zscore.window).toBe(44);
    client.stop();
  });
});

describe("FitClient.follow(rule) and takeSeries(rule): a fit's rule series", () => {
  const {a, b} = generatePair({kind: "cointegrated", seed: 7, n: 400});
  const time = Float64Array.from(a, (_, i) => i * 1000);
  const options = {method: "ols", log: false, rollingWindow: 50};
  const rule = {hedge: null, log: false, window: 30, entry: 2, exit: 0, stop: undefined, lag: 1, feeBps: 0};

  it("takeSeries(rule) after a fit given the rows' time returns its series once, for that rule only", async () => {
    const client = new FitClient(null);
    client.fit(a, b, options, {time});
    expect(client.takeSeries(rule)).toBeNull(); // nothing followed yet
    client.follow(rule);
    client.fit(a, b, {...options, method: "tls"}, {time});
    expect(client.takeSeries({...rule, window: 31})).toBeNull();
    const given = client.takeSeries({...rule, hedge: {alpha: 1, beta: 2}}); // the hedge is the fit's
    expect(given).not.toBeNull();
    expect(client.takeSeries(rule)).toBeNull(); // taken
    // On the main thread (no worker) the series are left to the page's sliced recompute.
    expect(await given).toBeNull();
    client.fit(a, b, {...options, log: true}); // a fit without the rows' time computes none
    expect(client.takeSeries(rule)).toBeNull();
    client.stop();
  });
});
