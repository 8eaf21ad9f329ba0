// Perpetuals as alert targets and in the live feed, end to end against the simulator's USD-M side: a
// rule on usdm:BTCUSDT and one on the basis pair BTCUSDT/usdm:BTCUSDT are accepted, evaluated on the
// perpetual's bars and fire with the values of the trades the lake stored; a subscriber of
// usdm:BTCUSDT gets the perpetual's bars from the live hub.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {withDuckDB} from "../../lake/duckdb.js";
import {ticksGlob} from "../../lake/layout.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import type {WireBar} from "../../src/protocol/liveWire.js";

let lake: string, simulator: Simulator, recorder: Recorder;
const events: AlertEvent[] = [];
const fed = new Map<string, Map<number, WireBar>>(); // symbol → bar start → the latest bar the feed pushed
let socket: WebSocket;

/** The close of each 1 s bar of `symbol` in the lake (the last trade by time, then id). */
async function lakeCloses(symbol: string): Promise<Map<number, number>> {
  const rows = await withDuckDB(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT (epoch_ms(time) // 1000 * 1000)::DOUBLE AS bar, arg_max(price, (epoch_ms(time), trade_id))::DOUBLE AS close
         FROM read_parquet($glob) GROUP BY 1 ORDER BY 1`,
        {glob: ticksGlob(lake, symbol)},
      )
    ).getRows(),
  );
  return new Map(rows.map(([bar, close]) => [bar as number, close as number]));
}

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-usdm-"));
  simulator = await startSimulator({port: 0, symbols: ["BTCUSDT"], rate: 60, seed: 5, usdm: {symbols: ["BTCUSDT"], rate: 60}});
  recorder = await startRecorder({
    symbols: ["BTCUSDT", "usdm:BTCUSDT"],
    lake,
    wsUrl: simulator.wsUrl,
    restUrl: simulator.restUrl,
    usdmWsUrl: simulator.wsUrl,
    usdmRestUrl: simulator.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 300,
    alertsFile: join(lake, "alerts.json"),
    log: () => {},
  });
  socket = new WebSocket(`ws://127.0.0.1:${recorder.livePort}`);
  socket.on("message", (data) => {
    const m = JSON.parse(data.toString());
    for (const bar of m.type === "bar" ? [m.bar] : m.type === "snapshot" ? m.bars : []) {
      if (!fed.has(m.symbol)) fed.set(m.symbol, new Map());
      fed.get(m.symbol)!.set(bar.start, bar);
    }
  });
  await new Promise((resolve) => socket.once("open", resolve));
  socket.send(JSON.stringify({type: "subscribe", symbols: ["usdm:BTCUSDT"], interval: "1s"}));
}, 30_000);

afterAll(async () => {
  socket?.close();
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  await rm(lake, {recursive: true, force: true});
});

describe("USD-M alert targets", () => {
  it("accepts usdm:BTCUSDT and the basis pair BTCUSDT/usdm:BTCUSDT, evaluates them on the perpetual's bars and fires", async () => {
    const api = `http://127.0.0.1:${recorder.livePort}/alerts`;
    const post = async (body: unknown) => {
      const r = await fetch(`${api}/rules`, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
      return {status: r.status, json: await r.json()};
    };
    const perp = await post({target: "usdm:btcusdt", metric: "price", comparator: ">", threshold: 1, interval: "1s", window: 3});
    expect(perp.status).toBe(201);
    expect(perp.json.rule.target).toBe("usdm:BTCUSDT");
    const basis = await post({
      target: "BTCUSDT/usdm:BTCUSDT",
      metric: "spread",
      comparator: "abs>",
      threshold: 0,
      interval: "1s",
      window: 5,
      hedge: "kalman",
      hedgeWindow: 5,
      cooldownSeconds: 3600,
    });
    expect(basis.status).toBe(201);
    expect(basis.json.rule.target).toBe("BTCUSDT/usdm:BTCUSDT");
    expect((await post({target: "usdm:ETHUSDT", metric: "price", comparator: ">", threshold: 1})).json.field).toBe("target");
    const fired = async () =>
      ((await (await fetch(`${api}/events`)).json()) as {events: AlertEvent[]}).events.filter((e) =>
        [perp.json.rule.id, basis.json.rule.id].includes(e.ruleId),
      );
    await vi.waitFor(
      async () => {
        const got = await fired();
        if (new Set(got.map((e) => e.ruleId)).size < 2) throw new Error(`waiting for both rules: ${JSON.stringify(got)}`);
      },
      {timeout: 20_000, interval: 200},
    );
    events.push(...(await fired()));
  }, 30_000);

  it("the live hub serves usdm:BTCUSDT's bars to its subscriber", async () => {
    await vi.waitFor(() => expect(fed.get("usdm:BTCUSDT")?.size ?? 0).toBeGreaterThan(3), {timeout: 10_000, interval: 100});
    expect([...fed.keys()]).toEqual(["usdm:BTCUSDT"]);
  });

  it("the values are the perpetual's stored trades (price: its bar's close), and the feed's bars close as the lake's", async () => {
    await simulator.close();
    await recorder.stop();
    socket.close();
    const perpCloses = await lakeCloses("usdm:BTCUSDT"),
      spotCloses = await lakeCloses("BTCUSDT");
    const price = events.find((e) => e.metric === "price")!;
    expect(price.value).toBe(perpCloses.get(price.bar!));
    expect(price.value).not.toBe(spotCloses.get(price.bar!)); // the perp's bar, not the spot one
    const bars = [...fed.get("usdm:BTCUSDT")!.values()].filter((b) => perpCloses.has(b.start));
    expect(bars.length).toBeGreaterThan(3);
    // The last pushed version of a bar may be the one still open at shutdown: compare the closed ones.
    for (const bar of bars.slice(0, -1)) expect([bar.start, bar.close]).toEqual([bar.start, perpCloses.get(bar.start)]);
  }, 30_000);
});
