// serve's live channel (ws /api/v1/live) against the serve test lake with no recorder running: a
// subscription is seeded with the report's bars and fit (rows equal to the batch spread and z-score),
// the channel says the recorder's feed is down and keeps retrying, and hostile clients are refused at
// the upgrade (Host, Origin, token) or answered (bad parameters, garbage, too many subscriptions).
import {createServer} from "node:net";
import {rm} from "node:fs/promises";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {AccessPolicy} from "../../recorder/access.js";
import {maxClientFrameBytes, maxSubscriptionsPerSocket} from "../../serve/channelLimits.js";
import {queryBars} from "../../serve/barsQuery.js";
import {pairCloses} from "../../serve/pairSeries.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {ols} from "../../src/lib/ols.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {type ChannelClient, openChannel, refusedStatus} from "./liveChannelClient.js";
import {serveLake} from "./serveLake.js";

let lake: string, server: RunningServer, guarded: RunningServer, ws: string;
const token = "0123456789abcdef0123";
const clients: ChannelClient[] = [];

/** A port nothing listens on: the recorder is not running. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const {port} = probe.address() as {port: number};
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  lake = await serveLake();
  const liveUrl = `ws://127.0.0.1:${await closedPort()}`;
  const common = {lake, host: "127.0.0.1", port: 0, liveUrl, liveBackoffMs: [20, 100] as const};
  server = await startServer({...common, gate: new AccessPolicy({host: "127.0.0.1"})});
  guarded = await startServer({...common, gate: new AccessPolicy({host: "127.0.0.1", token})});
  ws = `${server.url.replace(/^http/, "ws")}api/v1/live`;
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  await server?.close();
  await guarded?.close();
  await rm(lake, {recursive: true, force: true});
});

async function channel(url = ws, headers: Record<string, string> = {}) {
  const c = await openChannel(url, headers);
  clients.push(c);
  return c;
}

const near = (x: number | null, y: number) => (Number.isNaN(y) ? x === null : Math.abs((x ?? NaN) - y) <= 1e-9);

describe("ws /api/v1/live without a recorder", () => {
  it("seeds a subscription with the report's bars and fit: rows equal the batch spread and z-score", async () => {
    const c = await channel();
    c.send({type: "subscribe", id: "p", a: "BTCUSDT", b: "ethusdt", interval: "1s", lookback: "1h", window: 30, entry: 1.5});
    const snapshot = await c.next((m) => m.type === "snapshot" && m.id === "p");
    const rows = snapshot.rows!;
    // The bars the report reads, aligned as it aligns them.
    const content = await queryBars(lake, {symbols: ["BTCUSDT", "ETHUSDT"], interval: 1000, lookbackMs: 3_600_000, maxBars: 100_000});
    const aligned = pairCloses(content.legs[0], content.legs[1]);
    expect(rows.map((r) => r.time)).toEqual([...aligned.time]);
    expect(rows.map((r) => [r.a, r.b])).toEqual([...aligned.a].map((a, i) => [a, aligned.b[i]]));
    const {alpha, beta} = ols(aligned.a, aligned.b);
    expect(snapshot.settings!.hedge!.beta).toBeCloseTo(beta, 12);
    const spread = aligned.a.map((a, i) => a - beta * aligned.b[i] - alpha);
    const z = rollingZScore(spread, 30);
    expect(rows.every((r, i) => near(r.spread, spread[i]) && near(r.z, z[i]) && near(r.beta, beta))).toBe(true);
    expect(rows.filter((r) => r.z !== null)).toHaveLength(rows.length - 29);
    // …and the report endpoint agrees on the same bars.
    const report = (await (
      await fetch(`${server.url}api/v1/pairs/BTCUSDT/ETHUSDT/report?interval=1s&lookback=1h&window=30&entry=1.5`)
    ).json()) as {
      n: number;
      hedge: {beta: number};
      zscore: {last: number};
    };
    expect([report.n, report.hedge.beta, report.zscore.last]).toEqual([rows.length, snapshot.settings!.hedge!.beta, rows.at(-1)!.z]);
  });

  it("says the recorder's feed is down and keeps retrying with backoff", async () => {
    const c = await channel();
    c.send({type: "subscribe", a: "BTCUSDT", b: "ETHUSDT", interval: "1m"});
    const down = await c.next((m) => m.type === "status" && m.live === "down");
    expect(down.message).toMatch(/live feed at ws:\/\/127\.0\.0\.1:\d+ is unavailable .*is pairbook record running\? Retrying in/);
    // A new attempt (connecting), then down again: the loop goes on.
    const at = c.messages.indexOf(down) + 1;
    await c.next((m) => m.type === "status" && m.live === "connecting", at);
    await c.next((m) => m.type === "status" && m.live === "down", at);
    expect(c.socket.readyState).toBe(c.socket.OPEN);
  });
});

describe("ws /api/v1/live against hostile clients", () => {
  it("refuses a foreign Origin, a foreign Host and a missing or wrong token before the upgrade", async () => {
    expect(await refusedStatus(ws, {origin: "https://evil.example"})).toBe(403);
    expect(await refusedStatus(ws, {host: "evil.example"})).toBe(403);
    const guardedWs = `${guarded.url.replace(/^http/, "ws")}api/v1/live`;
    expect(await refusedStatus(guardedWs)).toBe(401);
    expect(await refusedStatus(`${guardedWs}?token=wrong-token-0000000000`)).toBe(401);
    expect(await refusedStatus(`${guardedWs}?token=${token}`)).toBe(101);
    expect(await refusedStatus(guardedWs, {authorization: `Bearer ${token}`})).toBe(101);
    expect(await refusedStatus(ws, {origin: "http://localhost:3000"})).toBe(101);
    expect(await refusedStatus(ws.replace("/api/v1/live", "/api/v1/other"))).toBe(404);
  });

  it("answers a bad parameter with one error naming it, and keeps the socket open", async () => {
    const c = await channel();
    const cases: [Record<string, unknown>, string][] = [
      [{a: "BTCUSDT", b: "ETHUSDT", window: 1}, "window"],
      [{a: "BTCUSDT", b: "ETHUSDT", interval: "7s"}, "interval"],
      [{a: "BTCUSDT", b: "ETHUSDT", colour: "red"}, "colour"],
      [{a: "BTCUSDT", b: "BTCUSDT"}, "b"],
      [{a: "BTC/USDT", b: "ETHUSDT"}, "a"],
      [{b: "ETHUSDT"}, "a"],
      [{a: "BTCUSDT", b: "DOGEUSDT"}, "b"],
      [{a: "BTCUSDT", b: "ETHUSDT", delta: 0.5}, "delta"],
      [{a: "BTCUSDT", b: "ETHUSDT", window: {x: 1}}, "window"],
    ];
    for (const [fields, parameter] of cases) {
      const at = c.messages.length;
      c.send({type: "subscribe", id: "x", ...fields});
      const error = await c.next((m) => m.type === "error", at);
      expect([error.parameter, error.id, error.error]).toEqual([parameter, "x", expect.stringContaining(parameter)]);
    }
    expect(c.messages.filter((m) => m.type === "snapshot")).toEqual([]);
    expect(c.socket.readyState).toBe(c.socket.OPEN);
  });

  it("answers garbage with an error, closes a client that keeps sending it (1008) and one that sends an oversized frame (1009)", async () => {
    const c = await channel();
    c.send("not json");
    expect((await c.next((m) => m.type === "error")).error).toBe("malformed JSON");
    c.send({type: "ping"});
    expect((await c.next((m) => m.type === "error" && m.error!.startsWith("unknown message type"))).error).toMatch(/subscribe/);
    for (let i = 0; i < 30; ++i) c.send("[]");
    expect(await c.closed).toEqual({code: 1008, reason: "too many invalid messages"});
    const big = await channel();
    big.send(JSON.stringify({type: "subscribe", a: "BTCUSDT", b: "ETHUSDT", pad: "x".repeat(maxClientFrameBytes)}));
    expect((await big.closed).code).toBe(1009);
  });

  it(`refuses subscription ${maxSubscriptionsPerSocket + 1} on a socket, and takes one again after an unsubscribe`, async () => {
    const c = await channel();
    for (let i = 0; i < maxSubscriptionsPerSocket; ++i)
      c.send({type: "subscribe", id: `s${i}`, a: "BTCUSDT", b: "ETHUSDT", interval: "1m", lookback: "1d", window: 5});
    for (let i = 0; i < maxSubscriptionsPerSocket; ++i) await c.next((m) => m.type === "snapshot" && m.id === `s${i}`);
    c.send({type: "subscribe", id: "over", a: "BTCUSDT", b: "ETHUSDT", interval: "1m", window: 5});
    expect((await c.next((m) => m.type === "error" && m.id === "over")).error).toMatch(`over ${maxSubscriptionsPerSocket} subscriptions`);
    c.send({type: "subscribe", id: "s0", a: "BTCUSDT", b: "ETHUSDT"});
    expect((await c.next((m) => m.type === "error" && m.id === "s0")).parameter).toBe("id");
    c.send({type: "unsubscribe", id: "s3"});
    await c.next((m) => m.type === "unsubscribed" && m.id === "s3");
    c.send({type: "subscribe", id: "again", a: "BTCUSDT", b: "ETHUSDT", interval: "1m", window: 5});
    expect((await c.next((m) => m.id === "again")).type).toBe("snapshot");
  });

  it("lists the channel in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${server.url}api/v1/openapi.json`)).json()) as Record<
      string,
      Record<string, {subscribe: {name: string}[]}>
    >;
    const names = doc["x-websockets"]["/api/v1/live"].subscribe.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "a",
        "b",
        "interval",
        "lookback",
        "window",
        "method",
        "hedge-window",
        "delta",
        "ve",
        "entry",
        "exit",
        "stop",
        "fees",
        "lag",
      ]),
    );
  });
});
