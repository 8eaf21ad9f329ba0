// Alert rules on engineered prices: exact events (count, bars, values), cooldown, hysteresis,
// staleness, persistence across a restart, the HTTP API, and webhook delivery.
import {createServer, type IncomingMessage} from "node:http";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {AlertEngine} from "../../recorder/alerts/engine.js";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import {startRecorder} from "../../recorder/recorder.js";
import {startSimulator} from "../../simulator/index.js";

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);
const W = 20;
/** Engineered pair: a = 2·b + 10 + e, e a small fixed zig-zag with jumps of +3 at the given seconds. */
function prices(n: number, jumps: number[]) {
  const a: number[] = [],
    b: number[] = [];
  for (let k = 0; k < n; ++k) {
    const bk = 100 + 0.5 * Math.sin(k / 5) + 0.01 * k;
    const e = [0.1, -0.05, 0.07, -0.12, 0.02][k % 5] + (jumps.some((j) => k >= j && k < j + 2) ? 3 : 0);
    (b.push(bk), a.push(2 * bk + 10 + e));
  }
  return {a, b};
}

/** Independent oracle: z of the last OLS residual of a on b over bars k−W+1..k. */
function zAt(a: number[], b: number[], k: number): number {
  const x = b.slice(k - W + 1, k + 1),
    y = a.slice(k - W + 1, k + 1),
    n = W;
  const mx = x.reduce((s, v) => s + v, 0) / n,
    my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; ++i) ((sxy += (x[i] - mx) * (y[i] - my)), (sxx += (x[i] - mx) ** 2));
  const beta = sxy / sxx,
    alpha = my - beta * mx;
  const r = y.map((v, i) => v - alpha - beta * x[i]);
  const m = r.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(r.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
  return (r[n - 1] - m) / sd;
}

let lake: string, rulesFile: string;
beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-"));
  rulesFile = join(lake, "alerts.json");
});
afterEach(async () => rm(lake, {recursive: true, force: true}));

const zRule = {
  id: "z",
  name: "BTC/ETH z > 2.5",
  target: "BTCUSDT/ETHUSDT",
  metric: "zscore",
  comparator: ">",
  threshold: 2.5,
  interval: "1s",
  window: W,
  hedge: "ols",
  severity: "critical",
  cooldownSeconds: 30,
  hysteresis: 0.5,
};

async function engine(extra: Partial<Parameters<typeof AlertEngine.open>[0]> = {}) {
  const events: AlertEvent[] = [];
  const e = await AlertEngine.open({
    lake,
    rulesFile,
    symbols: ["BTCUSDT", "ETHUSDT"],
    log: () => {},
    feedState: () => ({}),
    onEvent: (ev) => events.push(ev),
    ...extra,
  });
  return {engine: e, events};
}

function feed(e: AlertEngine, {a, b}: {a: number[]; b: number[]}, from: number, to: number) {
  for (let k = from; k < to; ++k) {
    e.onTrade("BTCUSDT", {id: 2 * k, time: t0 + k * 1000 + 300, price: a[k], qty: 1, isBuyerMaker: false});
    e.onTrade("ETHUSDT", {id: 2 * k + 1, time: t0 + k * 1000 + 600, price: b[k], qty: 1, isBuyerMaker: false});
  }
}

describe("AlertEngine on engineered prices", () => {
  // Jumps at 40 (fires), 55 (within the 30 s cooldown: suppressed), 100 (fires again).
  const series = prices(140, [40, 55, 100]);

  it("fires exactly at the excursions, honouring hysteresis and cooldown, with the oracle's values", async () => {
    await writeFile(rulesFile, JSON.stringify({rules: [zRule]}));
    const {engine: e, events} = await engine();
    feed(e, series, 0, 140);
    await e.close();
    // Which bars cross 2.5, by the oracle, and which of those must fire.
    const crossing = [];
    for (let k = W - 1; k < 139; ++k) if (zAt(series.a, series.b, k) > 2.5) crossing.push(k);
    expect(crossing).toEqual(expect.arrayContaining([40, 55, 100]));
    expect(events.map((ev) => (ev.bar! - t0) / 1000)).toEqual([40, 100]);
    for (const ev of events) expect(ev.value).toBeCloseTo(zAt(series.a, series.b, (ev.bar! - t0) / 1000), 9);
    expect(events.map((ev) => [ev.id, ev.severity, ev.threshold])).toEqual([
      ["z@" + (t0 + 40_000), "critical", 2.5],
      ["z@" + (t0 + 100_000), "critical", 2.5],
    ]);
    // Durable history equals what was pushed.
    const lines = (await readFile(join(lake, "alerts", "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(events);
  });

  it("without hysteresis and cooldown, re-arms as soon as the condition is false", async () => {
    await writeFile(rulesFile, JSON.stringify({rules: [{...zRule, cooldownSeconds: 0, hysteresis: null}]}));
    const {engine: e, events} = await engine();
    feed(e, series, 0, 140);
    await e.close();
    const expected: number[] = [];
    let above = false;
    for (let k = W - 1; k < 139; ++k) {
      const on = zAt(series.a, series.b, k) > 2.5;
      if (on && !above) expected.push(k);
      above = on;
    }
    expect(events.map((ev) => (ev.bar! - t0) / 1000)).toEqual(expected);
  });

  it("a restart between the excursions neither re-fires past alerts nor loses history", async () => {
    await writeFile(rulesFile, JSON.stringify({rules: [zRule]}));
    const first = await engine();
    feed(first.engine, series, 0, 45); // fires at 40, still disarmed at 44
    await first.engine.close();
    expect(first.events).toHaveLength(1);
    const second = await engine();
    feed(second.engine, series, 30, 140); // replays bars 30..44 too, as a recorder backfill would
    await second.engine.close();
    expect(second.events.map((ev) => (ev.bar! - t0) / 1000)).toEqual([100]);
    expect(second.engine.events().map((ev) => (ev.bar! - t0) / 1000)).toEqual([40, 100]);
  });

  it("staleness fires on the clock when a symbol stops trading", async () => {
    await writeFile(
      rulesFile,
      JSON.stringify({rules: [{id: "stale", target: "ETHUSDT", metric: "staleness", comparator: ">", threshold: 1, cooldownSeconds: 0}]}),
    );
    let last = Date.now();
    const {engine: e, events} = await engine({feedState: () => ({ETHUSDT: {lastReceivedAt: last, openGaps: 0}})});
    await vi.waitFor(() => expect(events).toHaveLength(1), {timeout: 5000, interval: 50});
    expect(events[0]).toMatchObject({ruleId: "stale", metric: "staleness", bar: null});
    expect(events[0].value).toBeGreaterThan(1);
    last = Date.now() + 60_000; // trading again: re-arms, no second event
    await e.close();
  });

  it("rejects invalid rules in the file, naming the rule and the field", async () => {
    await writeFile(rulesFile, JSON.stringify({rules: [zRule, {...zRule, id: "bad", window: 1}]}));
    await expect(engine()).rejects.toThrow(/rule 2: invalid window: 1 \(expected an integer from 3 to 10000 \(bars\)\)/);
  });
});

describe("alerts in the recorder", () => {
  it("API creates, pauses and deletes rules (persisted), rejects bad ones by field; events reach pages and a webhook", async () => {
    const received: unknown[] = [];
    let failures = 1; // the first delivery fails: it must be retried
    const hook = createServer(
      (req: IncomingMessage, res) =>
        void (async () => {
          let body = "";
          for await (const chunk of req) body += chunk;
          if (failures-- > 0) return void res.writeHead(503).end();
          received.push(JSON.parse(body));
          res.writeHead(204).end();
        })(),
    );
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 50});
    const recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"],
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 1000,
      alertsFile: rulesFile,
      webhookUrl: `http://127.0.0.1:${(hook.address() as {port: number}).port}/hook`,
      webhookRetryDelayMs: () => 10,
      log: () => {},
    });
    const api = `http://127.0.0.1:${recorder.livePort}/alerts`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(api + path, {
        method,
        headers: {"content-type": "application/json"},
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {status: r.status, json: r.status === 204 ? null : await r.json()};
    };
    try {
      expect(await call("POST", "/rules", {target: "BTCUSDT", metric: "price", comparator: ">", threshold: "high"})).toEqual({
        status: 400,
        json: {error: 'invalid threshold: "high" (expected a number)', field: "threshold"},
      });
      expect((await call("POST", "/rules", {target: "DOGEUSDT", metric: "price", comparator: ">", threshold: 1})).json.field).toBe(
        "target",
      );
      // Price above 1: true at once, fires on the next closed bar.
      const created = await call("POST", "/rules", {
        name: "BTC trades",
        target: "BTCUSDT",
        metric: "price",
        comparator: ">",
        threshold: 1,
        interval: "1s",
        window: 3,
        cooldownSeconds: 3600,
      });
      expect(created.status).toBe(201);
      const id = created.json.rule.id;
      expect(JSON.parse(await readFile(rulesFile, "utf8")).rules.map((r: {id: string}) => r.id)).toEqual([id]);
      await vi.waitFor(() => expect(received).toHaveLength(1), {timeout: 15_000, interval: 100});
      expect(received[0]).toMatchObject({type: "pairbook.alert", event: {ruleId: id, metric: "price", target: "BTCUSDT"}, rule: {id}});
      const {
        json: {events},
      } = await call("GET", `/events?rule=${id}`);
      expect(events).toHaveLength(1);
      expect(events[0].value).toBeGreaterThan(1);
      // The hook sees the POST before the webhook appends its delivery line: wait for the line.
      const deliveries = async () =>
        (await readFile(join(lake, "alerts", "deliveries.jsonl"), "utf8").catch(() => ""))
          .trim()
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l));
      await vi.waitFor(async () => expect(await deliveries()).toHaveLength(1), {timeout: 10_000, interval: 50});
      expect(await deliveries()).toEqual([expect.objectContaining({eventId: events[0].id, ok: true, attempts: 2})]);
      expect((await call("PATCH", `/rules/${id}`, {paused: true})).json.rule.paused).toBe(true);
      expect(JSON.parse(await readFile(rulesFile, "utf8")).rules[0].paused).toBe(true);
      expect((await call("DELETE", `/rules/${id}`)).status).toBe(204);
      expect((await call("GET", "/rules")).json).toEqual({rules: []});
    } finally {
      await simulator.close();
      await recorder.stop();
      hook.close();
    }
  }, 30_000);
});
