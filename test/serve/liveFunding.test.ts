// Funding settled while a live subscription is open: the USD-M simulator (funding every 4 s of simulated
// time) → `pairbook record` (stores each funding event, sends it on its live feed) → `pairbook serve`'s
// channel, whose subscription charges it at once. After the market and the recorder stop, the funding
// the subscriber was told it paid equals the batch backtest over its rows with the funding the lake
// holds then (a fresh read, as a rebuild would charge), to the cent — and differs from what the
// funding known at the seed alone would give, so the live events are what made it right.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import WebSocket from "ws";
import {afterAll, describe, expect, it, vi} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readFunding} from "../../lake/funding.js";
import {AccessPolicy} from "../../recorder/access.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import {backtest} from "../../src/lib/backtest.js";
import type {FundingRateEvent} from "../../src/lib/funding.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {type ChannelMessage, type ChannelRow, openChannel} from "./liveChannelClient.js";

const perps = ["BTCUSDT", "ETHUSDT"],
  [A, B] = ["usdm:BTCUSDT", "usdm:ETHUSDT"];
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined, server: RunningServer | undefined;
const feeds: WebSocket[] = [];

afterAll(async () => {
  for (const f of feeds) f.terminate();
  await server?.close();
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
});

/** The funding events the lake holds for a perpetual, as the backtest takes them. */
async function lakeFunding(dir: string, symbol: string): Promise<FundingRateEvent[]> {
  const records = await withDuckDB((c) => readFunding(c, dir, symbol));
  return records.map((r) =>
    r.markPrice === null ? {time: r.fundingTime, rate: r.rate} : {time: r.fundingTime, rate: r.rate, mark: r.markPrice},
  );
}

type FeedMessage = {type: string; funding?: {time: number}[]; events?: {time: number; rate: number; source: string}[]};

/** Subscribes to the recorder's live feed at 1 s for `symbol`; returns every message received, as it grows. */
async function follow(port: number, symbol: string): Promise<FeedMessage[]> {
  const messages: FeedMessage[] = [],
    ws = new WebSocket(`ws://127.0.0.1:${port}`);
  feeds.push(ws);
  ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as FeedMessage));
  await new Promise((resolve) => ws.once("open", resolve));
  ws.send(JSON.stringify({type: "subscribe", symbols: [symbol], interval: "1s"}));
  return messages;
}

/** The batch backtest's funding paid over the channel's rows under the fixed hedge, with the given schedules. */
function batchFundingPaid(rows: readonly ChannelRow[], hedge: {alpha: number; beta: number}, a: FundingRateEvent[], b: FundingRateEvent[]) {
  const pa = Float64Array.from(rows, (r) => r.a),
    pb = Float64Array.from(rows, (r) => r.b);
  const z = rollingZScore(
    pa.map((x, i) => x - hedge.beta * pb[i] - hedge.alpha),
    10,
  );
  return backtest(pa, pb, z, {beta: hedge.beta, entry: 1, exit: 0, lag: 1, funding: {times: rows.map((r) => r.time), a, b}});
}

describe("funding on the live feed, charged by serve's live channel", () => {
  it("a subscriber's funding paid after settlements equals the batch backtest with the lake's funding, to the cent", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-live-funding-"));
    simulator = await startSimulator({
      port: 0,
      symbols: perps,
      rate: 40,
      seed: 17,
      usdm: {symbols: perps, rate: 40, fundingIntervalMs: 4000},
    });
    recorder = await startRecorder({
      symbols: [A, B],
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      usdmWsUrl: simulator.wsUrl,
      usdmRestUrl: simulator.restUrl,
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
    // The recorder's own live feed, as a page reads it: a snapshot (with the perpetual's kept funding), then each event stored.
    const fed = await follow(recorder.livePort, A);

    const report = `${server.url}api/v1/pairs/${A}/${B}/report?interval=1s&lookback=10m&window=10`;
    await vi.waitFor(async () => expect((await fetch(report)).status).toBe(200), {timeout: 90_000, interval: 500});
    const c = await openChannel(`${server.url.replace(/^http/, "ws")}api/v1/live`);
    c.send({type: "subscribe", id: "p", a: A, b: B, interval: "1s", lookback: "10m", window: 10, entry: 1, exit: 0, lag: 1});
    const snapshot = await c.next((m) => m.type === "snapshot" && m.id === "p");
    await c.next((m) => m.type === "status" && m.live === "connected");
    const hedge = snapshot.settings!.hedge!;
    const seededAt = snapshot.rows!.at(-1)!.time;
    expect(typeof (snapshot as ChannelMessage & {fundingPaid?: number}).fundingPaid).toBe("number");

    // Wait for funding events of A stored after the seed, at least one charged on a position held (so it moves the PnL).
    await vi.waitFor(
      () => {
        const times = fed.flatMap((m) => (m.type === "funding" ? m.events!.map((e) => e.time) : [])).filter((t) => t > seededAt);
        const rows = c.rows.get("p")!;
        const held = times.filter((T) => {
          const t = rows.findIndex((r) => r.time >= T);
          return t > 0 && rows[t - 1].position !== 0 && rows.at(-1)!.time > T + 2000;
        });
        if (new Set(times).size < 2 || held.length < 1)
          throw new Error(`waiting for funding: ${times.length} live events, ${held.length} held`);
      },
      {timeout: 120_000, interval: 250},
    );

    // A client that connects now gets the events stored so far in its snapshot (what a page opened late charges).
    const late = await follow(recorder.livePort, A);
    await vi.waitFor(() => expect(late.some((m) => m.type === "snapshot")).toBe(true), {timeout: 10_000, interval: 50});
    const liveTimes = fed.flatMap((m) => (m.type === "funding" ? m.events!.map((e) => e.time) : []));
    const snapshotTimes = new Set(late.find((m) => m.type === "snapshot")!.funding!.map((e) => e.time));
    expect(liveTimes.filter((t) => !snapshotTimes.has(t))).toEqual([]);

    // Stop the market, then the recorder (its stores finish first): the channel then has every event it will get.
    await simulator.close();
    simulator = undefined;
    const at = c.messages.length;
    await recorder.stop();
    recorder = undefined;
    await c.next((m) => m.type === "status" && m.live === "down", at);

    const rows = c.rows.get("p")!;
    const paid = c.messages.filter((m) => m.id === "p" && "fundingPaid" in m).at(-1) as ChannelMessage & {fundingPaid: number};
    const [fa, fb] = [await lakeFunding(lake, A), await lakeFunding(lake, B)];
    const batch = batchFundingPaid(rows, hedge, fa, fb);
    expect(rows.map((r) => r.position)).toEqual([...batch.position]);
    expect(batch.fundingPaid).not.toBe(0);
    expect(Math.round(paid.fundingPaid * 100)).toBe(Math.round(batch.fundingPaid * 100)); // to the cent
    expect(paid.fundingPaid).toBeCloseTo(batch.fundingPaid, 9);
    // The funding known at the seed alone (the lake's events up to the seeded rows) charges less: the live events count.
    const seedOnly = batchFundingPaid(
      rows,
      hedge,
      fa.filter((e) => e.time <= seededAt),
      fb.filter((e) => e.time <= seededAt),
    );
    expect(Math.abs(seedOnly.fundingPaid - batch.fundingPaid)).toBeGreaterThan(1e-9);

    // Every event the recorder's feed sent is in the lake.
    const stored = new Set(fa.map((e) => e.time));
    const sent = fed.flatMap((m) => (m.type === "funding" ? m.events! : []));
    expect(sent.filter((e) => !stored.has(e.time))).toEqual([]);
    // Each event the feed sent last for a time is what the lake holds for it.
    const last = new Map(sent.map((e) => [e.time, e.rate]));
    expect([...last].filter(([t, rate]) => fa.find((e) => e.time === t)!.rate !== rate)).toEqual([]);
    c.socket.close();
  }, 240_000);
});
