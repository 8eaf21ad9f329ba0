// serve's live channel fed by a real recorder: the simulator → `pairbook record` (lake + live feed) →
// `pairbook serve --live`. A subscription is seeded from the lake the recorder writes and then pushed
// the recorder's live bars; every row's closes equal the lake's aligned closes afterwards, and its
// spread, z-score, β and position equal the batch computations (src/lib ols / dynamicHedge,
// rollingZScore, backtest) over the same rows to 1e-9. When the recorder stops, the channel says so.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it, vi} from "vitest";
import {AccessPolicy} from "../../recorder/access.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {queryBars} from "../../serve/barsQuery.js";
import {pairCloses} from "../../serve/pairSeries.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import {backtest} from "../../src/lib/backtest.js";
import {dynamicHedge} from "../../src/lib/dynamicHedge.js";
import {ols} from "../../src/lib/ols.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {type ChannelRow, openChannel} from "./liveChannelClient.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined, server: RunningServer | undefined;

afterAll(async () => {
  await server?.close();
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
});

/** Each row's value of `key` equals `expected` to 1e-9 (NaN: null on the wire); the first row that differs, or null. */
function firstMismatch(rows: readonly ChannelRow[], key: "spread" | "z" | "beta", expected: ArrayLike<number>): string | null {
  for (let i = 0; i < rows.length; ++i) {
    const got = rows[i][key],
      want = expected[i];
    const ok = Number.isNaN(want) ? got === null : got !== null && Math.abs(got - want) <= 1e-9;
    if (!ok) return `row ${i}: ${key} ${got} ≠ ${want}`;
  }
  return null;
}

describe("ws /api/v1/live fed by a real recorder", () => {
  it("pushes rows whose closes are the lake's and whose spread, z, β and position are the batch ones; says when the recorder stops", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-serve-live-"));
    simulator = await startSimulator({port: 0, symbols, rate: 40, seed: 11});
    recorder = await startRecorder({
      symbols,
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 300,
      log: () => {},
    });
    server = await startServer({
      lake,
      host: "127.0.0.1",
      port: 0,
      gate: new AccessPolicy({host: "127.0.0.1"}),
      liveUrl: `ws://127.0.0.1:${recorder.livePort}`,
      liveBackoffMs: [50, 200],
      fingerprintTtlMs: 0,
    });
    // The lake needs 30 rows of 1-second bars before a pair can be seeded (as the report needs them).
    const report = `${server.url}api/v1/pairs/BTCUSDT/ETHUSDT/report?interval=1s&lookback=10m&window=10`;
    await vi.waitFor(async () => expect((await fetch(report)).status).toBe(200), {timeout: 90_000, interval: 500});

    const c = await openChannel(`${server.url.replace(/^http/, "ws")}api/v1/live`);
    const settings = {a: "BTCUSDT", b: "ETHUSDT", interval: "1s", lookback: "10m", window: 10, entry: 1, exit: 0, lag: 1};
    c.send({type: "subscribe", id: "f", ...settings});
    c.send({type: "subscribe", id: "k", ...settings, method: "kalman"});
    const fixed = await c.next((m) => m.type === "snapshot" && m.id === "f");
    await c.next((m) => m.type === "snapshot" && m.id === "k");
    await c.next((m) => m.type === "status" && m.live === "connected");
    const seeded = fixed.rows!.length;
    // Live rows: at least 5 buckets past the seed on both subscriptions.
    await c.next(() => ["f", "k"].every((id) => c.rows.get(id)!.length >= seeded + 5));

    // Stop the market, then the recorder (it publishes the rest of its log): the channel reports the
    // feed down after pushing the rows of every bar it got.
    await simulator.close();
    simulator = undefined;
    const at = c.messages.length;
    await recorder.stop();
    recorder = undefined;
    const down = await c.next((m) => m.type === "status" && m.live === "down", at);
    expect(down.message).toMatch(/is pairbook record running\?/);

    for (const id of ["f", "k"]) {
      const rows = c.rows.get(id)!;
      const time = rows.map((r) => r.time),
        a = Float64Array.from(rows, (r) => r.a),
        b = Float64Array.from(rows, (r) => r.b);
      // The closes are the lake's, aligned as the report aligns them (the last bucket aside: its final trades may postdate the last push).
      const content = await queryBars(lake, {symbols, interval: 1000, from: time[0], to: time.at(-1)!, lookbackMs: 0, maxBars: 100_000});
      const lakeRows = pairCloses(content.legs[0], content.legs[1]);
      expect(time.slice(0, -1)).toEqual([...lakeRows.time]);
      expect([...a.slice(0, -1)]).toEqual([...lakeRows.a]);
      expect([...b.slice(0, -1)]).toEqual([...lakeRows.b]);
      expect(time.every((t, i) => i === 0 || t > time[i - 1])).toBe(true);

      let alpha: ArrayLike<number>, beta: ArrayLike<number>;
      if (id === "f") {
        // The fixed hedge: OLS on the seeded rows as they were (the last one may have filled since), as the report fits it.
        const fit = ols(
          fixed.rows!.map((r) => r.a),
          fixed.rows!.map((r) => r.b),
        );
        expect(fixed.settings!.hedge!.beta).toBeCloseTo(fit.beta, 9);
        ((alpha = new Float64Array(rows.length).fill(fit.alpha)), (beta = new Float64Array(rows.length).fill(fit.beta)));
      } else ({alpha, beta} = dynamicHedge(a, b, {kind: "kalman", delta: 1e-4, ve: 1e-3}));
      const spread = a.map((x, i) => x - beta[i] * b[i] - alpha[i]);
      // The z-score starts at the first row with a hedge (Kalman's first β is undefined), as the report's dynamic rule.
      let first = 0;
      while (Number.isNaN(beta[first])) ++first;
      const z = new Float64Array(rows.length).fill(NaN);
      z.set(rollingZScore(spread.subarray(first), 10), first);
      expect([firstMismatch(rows, "beta", beta), firstMismatch(rows, "spread", spread), firstMismatch(rows, "z", z)]).toEqual([
        null,
        null,
        null,
      ]);
      const bt = backtest(a, b, z, {beta: id === "f" ? beta[0] : beta, entry: 1, exit: 0, lag: 1});
      expect(rows.map((r) => r.position)).toEqual([...bt.position]);
      // The signal is the rule's order at the bar's close: flat, an entry once |z| passes 1 (short above, long below); held, the exit at 0.
      const want = (r: ChannelRow) =>
        r.z === null
          ? null
          : r.position === 0
            ? r.z > 1
              ? "entry short"
              : r.z < -1
                ? "entry long"
                : null
            : (r.position > 0 ? r.z >= 0 : r.z <= 0)
              ? "exit"
              : null;
      expect(rows.filter((r) => r.signal !== want(r))).toEqual([]);
      expect([rows.length >= seeded + 5, rows.filter((r) => r.z !== null).length]).toEqual([true, rows.length - 9 - first]);
    }
  }, 180_000);
});
