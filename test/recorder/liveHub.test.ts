import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {LiveHub} from "../../recorder/liveHub.js";
import {resample, type Trade} from "../../src/lib/bars.js";
import type {WireBar} from "../../src/protocol/liveWire.js";

let hub: LiveHub | undefined;
afterEach(async () => void (await hub?.close(), (hub = undefined)));

const t0 = Date.UTC(2026, 10, 21, 10, 0, 0);
// 600 trades over 5 minutes, out of order in pairs, with shared milliseconds.
const trades: Trade[] = Array.from({length: 600}, (_, k) => {
  const id = k % 2 ? k - 1 : k + 1;
  return {
    id: 1000 + id,
    time: t0 + Math.floor(id / 2) * 1000 + (id % 3),
    price: 100 + Math.sin(id / 7) * 3,
    qty: 0.1 + (id % 5) / 10,
    isBuyerMaker: id % 3 === 0,
  };
});
const columns = {
  id: trades.map((t) => t.id),
  time: trades.map((t) => t.time),
  price: trades.map((t) => t.price),
  qty: trades.map((t) => t.qty),
  isBuyerMaker: trades.map((t) => t.isBuyerMaker),
};

function client(port: number) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const bars = new Map<string, WireBar>();
  const messages: {type: string; message?: string; symbol?: string}[] = [];
  socket.on("message", (data) => {
    const m = JSON.parse(data.toString());
    messages.push(m);
    for (const bar of m.type === "bar" ? [m.bar] : m.type === "snapshot" ? m.bars : []) bars.set(`${m.interval}|${bar.start}`, bar);
  });
  const opened = new Promise((resolve) => socket.once("open", resolve));
  return {socket, bars, messages, opened};
}

/** Resolves once `predicate` holds after a message (the hub pushes; nothing to poll). */
function until(socket: WebSocket, predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    const check = () => predicate() && (socket.off("message", check), resolve());
    socket.on("message", check);
  });
}

function expectBarsEqual(got: Map<string, WireBar>, interval: string, ms: number) {
  const want = resample(columns, ms);
  let n = 0;
  for (let k = 0; k < want.start.length; ++k) {
    if (want.count[k] === 0) continue;
    const bar = got.get(`${interval}|${want.start[k]}`)!;
    expect(bar).toBeDefined();
    expect([bar.open, bar.high, bar.low, bar.close, bar.count]).toEqual([
      want.open[k],
      want.high[k],
      want.low[k],
      want.close[k],
      want.count[k],
    ]);
    expect(bar.volume).toBeCloseTo(want.volume[k], 10);
    expect(bar.takerBuyVolume).toBeCloseTo(want.takerBuyVolume[k], 10);
    expect(bar.vwap).toBeCloseTo(want.vwap[k], 10);
    n++;
  }
  return n;
}

describe("LiveHub", () => {
  it("pushes 1 s bars equal to src/lib's resample of the same trades", async () => {
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT"], health: () => ({ok: true})});
    const c = client(hub.port);
    await c.opened;
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], interval: "1s"}));
    await until(c.socket, () => c.messages.some((m) => m.type === "snapshot"));
    for (const t of trades) hub.onTrade("BTCUSDT", t);
    await until(c.socket, () => [...c.bars.values()].reduce((n, b) => n + b.count, 0) === trades.length);
    expect(expectBarsEqual(c.bars, "1s", 1000)).toBe(300);
    c.socket.close();
  });

  it("a first subscriber to 1m gets a snapshot folded from the 1 s bars, equal to resample(…, 60 000)", async () => {
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT"], health: () => ({})});
    for (const t of trades) hub.onTrade("BTCUSDT", t);
    const c = client(hub.port);
    await c.opened;
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], interval: "1m"}));
    await until(c.socket, () => c.messages.some((m) => m.type === "snapshot"));
    expect(expectBarsEqual(c.bars, "1m", 60_000)).toBe(5);
    c.socket.close();
  });

  it("refuses unknown symbols, intervals and message types with a reason", async () => {
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT"], health: () => ({})});
    const c = client(hub.port);
    await c.opened;
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["DOGEUSDT"], interval: "1s"}));
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], interval: "2s"}));
    c.socket.send("not json");
    await until(c.socket, () => c.messages.filter((m) => m.type === "error").length === 3);
    expect(c.messages.filter((m) => m.type === "error").map((m) => m.message)).toEqual([
      "not recording DOGEUSDT (recording BTCUSDT)",
      'invalid interval: "2s" (expected one of 1s, 1m, 5m, 15m, 1h)',
      "malformed JSON",
    ]);
    c.socket.close();
  });

  it("disconnects a client that stops reading, with a reason", async () => {
    hub = await LiveHub.start({
      host: "127.0.0.1",
      port: 0,
      symbols: ["BTCUSDT"],
      health: () => ({}),
      maxBufferedBytes: 64 * 1024,
      stuckMs: 300,
      maxBars: 100_000,
    });
    const c = client(hub.port);
    await c.opened;
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], interval: "1s"}));
    await until(c.socket, () => c.messages.some((m) => m.type === "snapshot"));
    const closed = new Promise<{code: number; reason: string}>((resolve) =>
      c.socket.once("close", (code, reason) => resolve({code, reason: reason.toString()})),
    );
    (c.socket as unknown as {_socket: {pause(): void; resume(): void}})._socket.pause(); // the page stops reading
    let id = 0;
    const deadline = Date.now() + 20_000;
    while (hub.clientCount > 0 && Date.now() < deadline) {
      for (let k = 0; k < 2000; ++k, ++id) hub.onTrade("BTCUSDT", {id, time: t0 + id * 1000, price: 100, qty: 1, isBuyerMaker: false});
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.clientCount).toBe(0);
    // The page reads again: what was queued, then the close frame with its reason (however long a loaded machine takes).
    (c.socket as unknown as {_socket: {resume(): void}})._socket.resume();
    expect(await closed).toEqual({code: 1008, reason: "client too slow: stopped reading the live feed"});
  });

  it("serves /health as JSON with the live client count", async () => {
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT"], health: () => ({uptimeSeconds: 1})});
    const response = await fetch(`http://127.0.0.1:${hub.port}/health`);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({uptimeSeconds: 1, liveClients: 0, liveClientsDropped: 0, liveRequestsRefused: 0});
  });
});
