// The live channel's bounds (serve/channelLimits.ts) exercised: a client that stops reading (its TCP
// socket paused, so serve's unsent bytes grow) is closed once behind for too long, or at once past the
// queue bound — both set low through the channel's options instead of sending 32 MiB; the overall
// subscription limit (set to 5) and the socket limit (32, 503 at the upgrade, its default); and a
// recorder's live feed (recorder/liveHub.ts) that goes away and comes back on the same port.
import {rm} from "node:fs/promises";
import {createServer, type Socket} from "node:net";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {AccessPolicy} from "../../recorder/access.js";
import {LiveHub} from "../../recorder/liveHub.js";
import {maxChannelSockets, maxSubscriptionsOverall, maxSubscriptionsPerSocket} from "../../serve/channelLimits.js";
import type {ChannelLimits} from "../../serve/channelLimits.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {type ChannelClient, openChannel, refusedStatus} from "./liveChannelClient.js";
import {longLake, minutes, serveLake, t0} from "./serveLake.js";

let lake: string, long: string, closedUrl: string;
const servers: RunningServer[] = [],
  clients: ChannelClient[] = [],
  hubs: LiveHub[] = [];

/** A port nothing listens on: no recorder. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const {port} = probe.address() as {port: number};
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  [lake, long] = await Promise.all([serveLake(), longLake(4)]);
  closedUrl = `ws://127.0.0.1:${await closedPort()}`;
}, 120_000);
afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  for (const s of servers) await s.close();
  for (const h of hubs) await h.close();
  await rm(lake, {recursive: true, force: true});
  await rm(long, {recursive: true, force: true});
});

/** A server over `over`, its log lines kept, `logged(re)` resolving with the first line matching. */
async function serve(over: string, options: {liveUrl?: string; liveLimits?: Partial<ChannelLimits>} = {}) {
  const lines: string[] = [],
    waiters = new Set<() => void>();
  const server = await startServer({
    lake: over,
    host: "127.0.0.1",
    port: 0,
    gate: new AccessPolicy({host: "127.0.0.1"}),
    liveUrl: options.liveUrl ?? closedUrl,
    liveBackoffMs: [20, 100],
    liveLimits: options.liveLimits,
    log: (line) => (lines.push(line), [...waiters].forEach((w) => w())),
  });
  servers.push(server);
  const logged = (re: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const line = lines.find((l) => re.test(l));
        if (line) (waiters.delete(check), resolve(line));
      };
      waiters.add(check);
      check();
    });
  return {ws: `${server.url.replace(/^http/, "ws")}api/v1/live`, logged};
}

async function channel(url: string) {
  const c = await openChannel(url);
  clients.push(c);
  return c;
}

/** The client's TCP socket (ws keeps it as `_socket`): pausing it stops reading, as a stuck client does. */
const tcp = (c: ChannelClient) => (c.socket as unknown as {_socket: Socket})._socket;

/** Four subscriptions of 4 hours of 1-second rows: snapshots of megabytes each, beyond what the kernel's socket buffers hold. */
function subscribeLong(c: ChannelClient): void {
  for (let i = 0; i < 4; ++i) c.send({type: "subscribe", id: `l${i}`, a: "BTCUSDT", b: "ETHUSDT", interval: "1s", lookback: "4h"});
}

describe("ws /api/v1/live against a client that stops reading", () => {
  it("closes it (1008) once its unsent bytes have stayed over slowSocketBytes for stuckMs", async () => {
    const {ws, logged} = await serve(long, {liveLimits: {slowSocketBytes: 64 << 10, stuckMs: 300, sweepMs: 20}});
    const c = await channel(ws);
    tcp(c).pause();
    const started = Date.now();
    subscribeLong(c);
    const reason = "client too slow: stopped reading the live channel (over 65536 unsent bytes for 0.3 s)";
    expect(await logged(/live channel client closed/)).toBe(`pairbook serve: live channel client closed (1008): ${reason}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // Reading again, the client gets what was queued, then the close with its reason.
    tcp(c).resume();
    expect(await c.closed).toEqual({code: 1008, reason});
  }, 60_000);

  it("closes it (1008) at once when a message would go over maxQueuedBytes", async () => {
    const {ws, logged} = await serve(long, {liveLimits: {maxQueuedBytes: 256 << 10, slowSocketBytes: 1 << 30}});
    const c = await channel(ws);
    tcp(c).pause();
    subscribeLong(c);
    expect(await logged(/live channel client closed/)).toMatch(/\(1008\): over 262144 unsent bytes: the client stopped reading/);
    tcp(c).resume();
    expect(await c.closed).toEqual({code: 1008, reason: "over 262144 unsent bytes: the client stopped reading"});
  }, 60_000);
});

describe("ws /api/v1/live's limits across sockets", () => {
  // The overall bound set to 5 (default maxSubscriptionsOverall, 64: 64 seeds would take half a minute on a loaded machine).
  const overall = 5;
  it(`refuses subscription ${overall + 1} across sockets though none holds ${maxSubscriptionsPerSocket}, naming the limit, and takes one again after an unsubscribe`, async () => {
    expect(maxSubscriptionsOverall).toBe(64);
    const {ws} = await serve(lake, {liveLimits: {subscriptionsOverall: overall}});
    const [x, y] = await Promise.all([channel(ws), channel(ws)]);
    const settings = {a: "BTCUSDT", b: "ETHUSDT", interval: "1m", lookback: "1d", window: 5};
    const take = async (c: ChannelClient, ids: string[]) => {
      for (const id of ids) c.send({type: "subscribe", id, ...settings});
      for (const id of ids) expect((await c.next((m) => m.id === id)).type).toBe("snapshot");
    };
    await take(x, ["x0", "x1", "x2"]);
    await take(y, ["y0", "y1"]);
    y.send({type: "subscribe", id: "over", ...settings});
    const refused = await y.next((m) => m.id === "over");
    expect([refused.type, refused.error]).toEqual([
      "error",
      `pairbook serve holds ${overall} live subscriptions (its limit); try again later`,
    ]);
    x.send({type: "unsubscribe", id: "x0"});
    await x.next((m) => m.type === "unsubscribed");
    await take(y, ["again"]);
    for (const c of [x, y]) c.socket.terminate();
  }, 60_000);

  it(`answers upgrade ${maxChannelSockets + 1} with 503, and takes one again once a client leaves`, async () => {
    const {ws} = await serve(lake);
    const sockets = await Promise.all(Array.from({length: maxChannelSockets}, () => channel(ws)));
    expect(await refusedStatus(ws)).toBe(503);
    sockets[0].socket.close();
    await sockets[0].closed;
    // The server drops the socket from its count when its end of the connection closes: no event of it reaches the client.
    await vi.waitFor(async () => expect(await refusedStatus(ws)).toBe(101), {timeout: 10_000, interval: 20});
    for (const c of sockets) c.socket.terminate();
  }, 60_000);
});

describe("ws /api/v1/live and a recorder that goes away and comes back", () => {
  const end = t0 + (minutes + 1) * 60_000; // past the lake's last trade
  const hubOptions = (port: number) => ({symbols: ["BTCUSDT", "ETHUSDT"], host: "127.0.0.1", port, health: () => ({})});
  /** One trade of each leg in the 1-second bucket `end + k s`. */
  const feed = (hub: LiveHub, k: number) => {
    hub.onTrade("BTCUSDT", {id: 1_000_000 + k, time: end + k * 1000 + 10, price: 50_000 + k, qty: 1, isBuyerMaker: false});
    hub.onTrade("ETHUSDT", {id: 2_000_000 + k, time: end + k * 1000 + 20, price: 2_530 + k / 20, qty: 1, isBuyerMaker: true});
  };

  it("says down, then connected again, and pushes the new recorder's bars as rows", async () => {
    const first = await LiveHub.start(hubOptions(0));
    hubs.push(first);
    const port = first.port;
    const {ws} = await serve(lake, {liveUrl: `ws://127.0.0.1:${port}`});
    const c = await channel(ws);
    c.send({type: "subscribe", id: "p", a: "BTCUSDT", b: "ETHUSDT", interval: "1s", lookback: "1h", window: 30});
    await c.next((m) => m.type === "snapshot" && m.id === "p");
    await c.next((m) => m.type === "status" && m.live === "connected");
    const last = () => c.rows.get("p")!.at(-1)!;
    for (let k = 0; k < 3; ++k) feed(first, k);
    await c.next(() => last().time === end + 2000 && last().a === 50_002);

    let at = c.messages.length;
    await first.close();
    await c.next((m) => m.type === "status" && m.live === "down", at);
    const second = await LiveHub.start(hubOptions(port));
    hubs.push(second);
    at = c.messages.length;
    await c.next((m) => m.type === "status" && m.live === "connected", at);
    const before = c.rows.get("p")!.length;
    for (let k = 3; k < 6; ++k) feed(second, k);
    await c.next(() => last().time === end + 5000 && last().a === 50_005);
    const rows = c.rows.get("p")!;
    expect(rows.slice(-6).map((r) => [r.time, r.a, r.b])).toEqual(
      Array.from({length: 6}, (_, k) => [end + k * 1000, 50_000 + k, 2_530 + k / 20]),
    );
    expect(rows.length).toBe(before + 3);
  }, 60_000);
});
