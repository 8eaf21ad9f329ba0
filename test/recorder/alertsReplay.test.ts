// Issue 6's acceptance, end to end: an engineered z-score excursion and a staleness event driven
// through the simulator's Binance protocol into the recorder, with a restart in the middle; the exact
// events (count, bars, values), cooldown and hysteresis, webhook payloads, nothing lost or doubled.
import {createServer, type IncomingMessage} from "node:http";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it, vi} from "vitest";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {emptySymbolTrades, mergeTrades} from "../../simulator/replay/recordedTrades.js";
import {ReplaySource} from "../../simulator/replay/replaySource.js";
import {startSimulator} from "../../simulator/server.js";

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0),
  W = 20,
  N = 140;
// a = 2·b + 10 + e on a 0.01 tick; e jumps by +3 for two seconds at 40, 55 and 100.
const b = Array.from({length: N}, (_, k) => Math.round((100 + 0.5 * Math.sin(k / 5) + 0.01 * k) * 100) / 100);
const a = b.map(
  (bk, k) =>
    Math.round((2 * bk + 10 + [0.1, -0.05, 0.07, -0.12, 0.02][k % 5] + ([40, 55, 100].some((j) => k >= j && k < j + 2) ? 3 : 0)) * 100) /
    100,
);

/** Independent oracle: z of the last OLS residual of a on b over bars k−W+1..k. */
function zAt(k: number): number {
  const x = b.slice(k - W + 1, k + 1),
    y = a.slice(k - W + 1, k + 1);
  const mx = x.reduce((s, v) => s + v, 0) / W,
    my = y.reduce((s, v) => s + v, 0) / W;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < W; ++i) ((sxy += (x[i] - mx) * (y[i] - my)), (sxx += (x[i] - mx) ** 2));
  const beta = sxy / sxx,
    alpha = my - beta * mx;
  const r = y.map((v, i) => v - alpha - beta * x[i]);
  const m = r.reduce((s, v) => s + v, 0) / W;
  return (r[W - 1] - m) / Math.sqrt(r.reduce((s, v) => s + (v - m) ** 2, 0) / (W - 1));
}

function trades() {
  const btc = emptySymbolTrades(),
    eth = emptySymbolTrades();
  for (let k = 0; k < N; ++k) {
    for (const [leg, price, offset] of [
      [btc, a[k], 300],
      [eth, b[k], 600],
    ] as const) {
      (leg.id.push(k + 1), leg.time.push(t0 + k * 1000 + offset), leg.eventTime.push(t0 + k * 1000 + offset));
      (leg.price.push(Math.round(price * 1e8)), leg.qty.push(1e7), leg.isBuyerMaker.push(false), leg.pace.push(t0 + k * 1000 + offset));
    }
  }
  return mergeTrades(["BTCUSDT", "ETHUSDT"], [btc, eth]);
}

describe("alerts through the simulator and a recorder restart", () => {
  it("fires exactly the expected events, once each, and the webhook receives them", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-e2e-"));
    const rulesFile = join(lake, "alerts.json");
    await writeFile(
      rulesFile,
      JSON.stringify({
        rules: [
          {
            id: "z",
            target: "BTCUSDT/ETHUSDT",
            metric: "zscore",
            comparator: ">",
            threshold: 2.5,
            interval: "1s",
            window: W,
            severity: "critical",
            cooldownSeconds: 30,
            hysteresis: 0.5,
          },
          {id: "stale", target: "ETHUSDT", metric: "staleness", comparator: ">", threshold: 3, cooldownSeconds: 0},
        ],
      }),
    );
    const received: {event: AlertEvent}[] = [];
    const hook = createServer(
      (req: IncomingMessage, res) =>
        void (async () => {
          let body = "";
          for await (const chunk of req) body += chunk;
          received.push(JSON.parse(body));
          res.writeHead(204).end();
        })(),
    );
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const webhookUrl = `http://127.0.0.1:${(hook.address() as {port: number}).port}/`;
    // 140 s of market in 7 s of wall clock.
    const simulator = await startSimulator({port: 0, source: new ReplaySource(trades(), {speed: 20})});
    const start = () =>
      startRecorder({
        symbols: ["BTCUSDT", "ETHUSDT"],
        lake,
        wsUrl: simulator.wsUrl,
        restUrl: simulator.restUrl,
        liveHost: "127.0.0.1",
        livePort: 0,
        publishMs: 500,
        alertsFile: rulesFile,
        webhookUrl,
        log: () => {},
      });
    let recorder: Recorder = await start();
    try {
      // Restart after the first alert (bar 40), before the suppressed excursion at 55.
      await vi.waitFor(() => expect(recorder.health().symbols.BTCUSDT.lastId).toBeGreaterThanOrEqual(47), {timeout: 20_000, interval: 20});
      expect(recorder.alerts!.events().map((e) => e.ruleId)).toEqual(["z"]);
      await recorder.stop();
      recorder = await start();
      // The replay ends at 140 s; then ETHUSDT goes quiet and staleness fires once.
      await vi.waitFor(() => expect(recorder.alerts!.events().some((e) => e.ruleId === "stale")).toBe(true), {
        timeout: 30_000,
        interval: 50,
      });
    } finally {
      await simulator.close();
      await recorder.stop();
    }
    const history = (await readFile(join(lake, "alerts", "events.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AlertEvent);
    const z = history.filter((e) => e.ruleId === "z");
    expect([40, 55, 100].map(zAt).every((v) => v > 2.5)).toBe(true); // the oracle: three excursions…
    expect(z.map((e) => (e.bar! - t0) / 1000)).toEqual([40, 100]); // …55 is inside the 30 s cooldown
    for (const e of z) expect(e.value).toBeCloseTo(zAt((e.bar! - t0) / 1000), 9);
    const stale = history.filter((e) => e.ruleId === "stale");
    expect(stale).toHaveLength(1);
    expect(stale[0].value).toBeGreaterThan(3);
    expect(new Set(history.map((e) => e.id)).size).toBe(history.length); // nothing twice
    await vi.waitFor(() => expect(received.map((r) => r.event.id).sort()).toEqual(history.map((e) => e.id).sort()), {timeout: 5000});
    hook.close();
    await rm(lake, {recursive: true, force: true});
  }, 60_000);
});
