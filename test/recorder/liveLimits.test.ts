// Hostile clients against a real LiveHub over loopback: every frame is validated, every limit closes
// the client with a code and a reason, and the hub keeps serving everyone else.
import {createServer} from "node:net";
import {afterEach, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {LiveHub} from "../../recorder/liveHub.js";
import {
  errorBurst,
  maxFrameBytes,
  maxQueuedBytes,
  maxSnapshotsPerClient,
  maxSubscriptionsPerClient,
  maxSymbolsPerSubscribe,
} from "../../recorder/liveLimits.js";

let hub: LiveHub | undefined;
afterEach(async () => void (await hub?.close(), (hub = undefined)));

interface Message {
  type: string;
  message?: string;
  symbol?: string;
  interval?: string;
}

/** A client that records every message and how it was closed. */
async function connect(port: number) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const messages: Message[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as Message));
  const closed = new Promise<{code: number; reason: string}>((resolve) =>
    socket.once("close", (code, reason) => resolve({code, reason: reason.toString()})),
  );
  await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
  const until = (predicate: () => boolean) =>
    new Promise<void>((resolve) => {
      if (predicate()) return resolve();
      const check = () => predicate() && (socket.off("message", check), resolve());
      socket.on("message", check);
    });
  return {socket, messages, closed, until, errors: () => messages.filter((m) => m.type === "error").map((m) => m.message)};
}

const pause = (socket: WebSocket) => (socket as unknown as {_socket: {pause(): void}})._socket.pause();
const resume = (socket: WebSocket) => (socket as unknown as {_socket: {resume(): void}})._socket.resume();

async function start(symbols = ["BTCUSDT", "ETHUSDT"]) {
  hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols, health: () => ({})});
  return hub;
}

describe("LiveHub under hostile frames", () => {
  it("answers each malformed frame with an error and keeps serving the same client", async () => {
    const {port} = await start();
    const c = await connect(port);
    const frames: (string | Buffer)[] = [
      "null",
      "[]",
      "42",
      '"subscribe"',
      "true",
      "not json",
      '{"type":"subscribe","symbols":[{"toString":1}]}',
      '{"type":"subscribe","symbols":[{"toString":{"valueOf":1}}]}',
      '{"__proto__":{"type":"subscribe","symbols":["BTCUSDT"]}}',
      '{"type":"subscribe","symbols":"BTCUSDT"}',
      '{"type":"subscribe","symbols":[]}',
      '{"type":"subscribe","symbols":["BTCUSDT"],"interval":{"toString":1}}',
      `{"type":${JSON.stringify("x".repeat(10_000))}}`,
      "[".repeat(30_000) + "]".repeat(30_000),
      Buffer.from([0, 1, 2, 255]),
    ];
    for (const frame of frames) c.socket.send(frame, {binary: Buffer.isBuffer(frame)});
    await c.until(() => c.errors().length === frames.length);
    expect(c.errors()).toHaveLength(frames.length);
    expect(c.errors().every((m) => typeof m === "string" && m.length < 200)).toBe(true); // never echoes a big frame
    expect(c.errors()[6]).toMatch(/^invalid symbol an object/);
    expect(c.errors()[8]).toBe("unknown message type undefined");
    expect(c.errors().at(-1)).toBe("binary frames are not understood; send JSON text");
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"]}));
    await c.until(() => c.messages.some((m) => m.type === "snapshot"));
    expect(hub!.clientCount).toBe(1);
    c.socket.close();
  });

  it("a subscribe listing a symbol 2,000 times gets one snapshot", async () => {
    const {port} = await start();
    const c = await connect(port);
    c.socket.send(JSON.stringify({type: "subscribe", symbols: Array(2000).fill("BTCUSDT"), interval: "1s"}));
    c.socket.send(JSON.stringify({type: "subscribe", symbols: ["ETHUSDT"], interval: "1s"})); // a marker: answered after the first
    await c.until(() => c.messages.some((m) => m.type === "snapshot" && m.symbol === "ETHUSDT"));
    expect(c.messages.filter((m) => m.type === "snapshot").map((m) => m.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    c.socket.close();
  });

  it(`closes a client whose subscribe lists more than ${maxSymbolsPerSubscribe} symbols (1008) or whose frame passes ${maxFrameBytes} bytes (1009)`, async () => {
    const {port} = await start();
    const many = await connect(port);
    many.socket.send(JSON.stringify({type: "subscribe", symbols: Array.from({length: maxSymbolsPerSubscribe + 1}, (_, k) => `S${k}USDT`)}));
    expect(await many.closed).toEqual({
      code: 1008,
      reason: `subscribe lists ${maxSymbolsPerSubscribe + 1} symbols (limit ${maxSymbolsPerSubscribe})`,
    });
    const big = await connect(port);
    big.socket.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], pad: "x".repeat(maxFrameBytes)}));
    expect((await big.closed).code).toBe(1009);
    expect(hub!.clientCount).toBe(0);
  });

  it("closes a client that never reads its error replies", async () => {
    const {port} = await start();
    const c = await connect(port);
    pause(c.socket);
    for (let k = 0; k < 2000; ++k) c.socket.send("null");
    const deadline = Date.now() + 20_000;
    while (hub!.clientCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hub!.clientCount).toBe(0);
    resume(c.socket); // let the close frame in
    expect(await c.closed).toEqual({code: 1008, reason: "too many invalid messages"});
    expect(c.errors()).toHaveLength(errorBurst);
  });

  it(`closes a client asking for more than ${maxSnapshotsPerClient} snapshots or ${maxSubscriptionsPerClient} subscriptions`, async () => {
    const symbols = Array.from({length: 300}, (_, k) => `S${k}USDT`);
    const {port} = await start(symbols);
    const snapshots = await connect(port);
    for (let k = 0; k <= maxSnapshotsPerClient; ++k) snapshots.socket.send(JSON.stringify({type: "subscribe", symbols: ["S0USDT"]}));
    expect(await snapshots.closed).toEqual({code: 1008, reason: `over ${maxSnapshotsPerClient} snapshots asked for`});
    expect(snapshots.messages.filter((m) => m.type === "snapshot")).toHaveLength(maxSnapshotsPerClient);
    const subscriptions = await connect(port);
    for (const interval of ["1s", "1m", "5m", "15m", "1h"]) {
      for (let k = 0; k < 300; k += 150)
        subscriptions.socket.send(JSON.stringify({type: "subscribe", symbols: symbols.slice(k, k + 150), interval}));
    }
    expect(await subscriptions.closed).toEqual({code: 1008, reason: `over ${maxSubscriptionsPerClient} subscriptions`});
    expect(subscriptions.messages.filter((m) => m.type === "snapshot").length).toBeLessThanOrEqual(maxSubscriptionsPerClient);
  });

  it("counts every outbound message toward the queued bytes: a non-reading client is closed, a reading one is not", async () => {
    const {port} = await start();
    const reader = await connect(port);
    const stalled = await connect(port);
    pause(stalled.socket);
    const message = {type: "error", message: "x".repeat(1 << 20)} as const; // any broadcast: 1 MiB each
    for (let k = 0; k < 64 && hub!.clientCount === 2; ++k) {
      hub!.broadcast(message);
      await new Promise((resolve) => setTimeout(resolve, 10)); // the reader reads
    }
    expect(hub!.clientCount).toBe(1);
    resume(stalled.socket);
    expect(await stalled.closed).toEqual({code: 1008, reason: `over ${maxQueuedBytes} unsent bytes: the client stopped reading`});
    expect(reader.socket.readyState).toBe(WebSocket.OPEN);
    reader.socket.close();
  });
});

describe("LiveHub.start on a busy port", () => {
  it("rejects with a one-line error and no unhandled 'error' event", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as {port: number}).port;
    await expect(LiveHub.start({host: "127.0.0.1", port, symbols: ["BTCUSDT"], health: () => ({})})).rejects.toThrow(
      `live feed port 127.0.0.1:${port} is already in use (another recorder running? use --live-port)`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // an unhandled 'error' would surface here
    await new Promise((resolve) => taken.close(resolve));
  });
});
