// Hostile live-feed clients, seeded: random and mutated WebSocket frames (random bytes, broken
// subscribes, hostile JSON, huge and deep frames, pings) from clients that reconnect whenever the
// recorder closes them, and garbage HTTP. Used by hostile.test.ts and bench:faults.
import {connect as netConnect} from "node:net";
import WebSocket from "ws";
import {maxFrameBytes} from "../../recorder/liveLimits.js";
import type {Random} from "../../simulator/random.js";

const hostileKeys = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "type",
  "symbols",
  "interval",
  "length",
  "then",
];

/** A random JSON value, nested up to `depth`, with the keys and shapes that break careless handlers. */
export function randomValue(rng: Random, depth: number): unknown {
  const int = (n: number) => rng.uint32() % n;
  switch (depth <= 0 ? int(5) : int(8)) {
    case 0:
      return null;
    case 1:
      return [0, -1, 1e308, -0, 2 ** 53 + 1, 0.1][int(6)];
    case 2:
      return ["", "subscribe", "BTCUSDT", "btcusdt", "1s", "\u0000", "__proto__", "x".repeat(int(3000))][int(8)];
    case 3:
      return int(2) === 0;
    case 4:
      return {toString: int(2) ? 1 : {valueOf: 1}};
    case 5:
      return Array.from({length: int(6)}, () => randomValue(rng, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({length: 1 + int(4)}, () => [hostileKeys[int(hostileKeys.length)], randomValue(rng, depth - 1)]),
      );
  }
}

/** One frame: random bytes, mutated subscribes, hostile JSON, huge and deep frames, pings, or a valid subscribe of `symbols`. */
export function hostileFrame(rng: Random, symbols: readonly string[]): {data: string | Buffer; binary: boolean} | "ping" {
  const int = (n: number) => rng.uint32() % n;
  const subscribe = () =>
    JSON.stringify({
      type: "subscribe",
      symbols: symbols.filter(() => int(2) === 0).concat("BTCUSDT"),
      interval: ["1s", "1m", "5m", "15m", "1h"][int(5)],
    });
  const bytes = () => Buffer.from(Array.from({length: int(300)}, () => int(256)));
  switch (int(16)) {
    case 0:
      return {data: bytes(), binary: true};
    case 1:
      return {data: bytes(), binary: false}; // text that is often not UTF-8: ws closes with 1007
    case 2: {
      const text = subscribe().split("");
      for (let k = 1 + int(4); k > 0; --k) {
        const at = int(text.length + 1);
        if (int(3) === 0) text.splice(at, 1 + int(5));
        else if (int(2) === 0) text.splice(at, 0, String.fromCharCode(int(128)));
        else text.splice(at, 0, ...text.slice(int(text.length), int(text.length)));
      }
      return {data: text.join(""), binary: false};
    }
    case 3:
      return {data: JSON.stringify(randomValue(rng, 4)) ?? "undefined", binary: false};
    case 4: {
      const depth = 1000 + int(20_000);
      return {
        data: int(2) ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth / 4) + "1" + "}".repeat(depth / 4),
        binary: false,
      };
    }
    case 5:
      return {
        data: JSON.stringify({type: "subscribe", symbols: Array.from({length: 300 + int(4000)}, (_, k) => `S${k}USDT`)}),
        binary: false,
      };
    case 6:
      return {data: JSON.stringify({type: "subscribe", symbols: Array(2000).fill(symbols[int(2)])}), binary: false};
    case 7:
      return {data: JSON.stringify({type: "subscribe", symbols, pad: "x".repeat(maxFrameBytes)}), binary: false};
    case 8:
      return {data: JSON.stringify({type: randomValue(rng, 2), symbols: ["BTCUSDT"]}), binary: false};
    case 9:
      return {data: JSON.stringify({type: "subscribe", symbols: [randomValue(rng, 2), "BTCUSDT"]}), binary: false};
    case 10:
      return {data: JSON.stringify({type: "subscribe", symbols, interval: randomValue(rng, 2)}), binary: false};
    case 11:
      return "ping";
    default:
      return {data: subscribe(), binary: false};
  }
}

/** What the hostile clients saw: close codes, upgrades refused, and sockets a foreign origin got (must stay 0). */
export interface FuzzTally {
  closes: Map<number, number>;
  refused: {count: number; opened: number};
  frames: number;
}

export const fuzzTally = (): FuzzTally => ({closes: new Map(), refused: {count: 0, opened: 0}, frames: 0});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One hostile client of the live feed at `port`, reconnecting (with a random Origin: none, a local
 * page, a foreign one) whenever the recorder closes it, until it has sent `frames` frames or `until`
 * (ms since the epoch) has passed. A third of its sockets never read anything.
 *
 *   await Promise.all([0, 1, 2].map((k) => fuzzClient(port, new Random(k), {symbols, frames: 500}, tally)));
 */
export async function fuzzClient(
  port: number,
  rng: Random,
  {symbols, frames = Infinity, until = Infinity}: {symbols: readonly string[]; frames?: number; until?: number},
  tally: FuzzTally,
): Promise<void> {
  const int = (n: number) => rng.uint32() % n;
  const more = (sent: number) => sent < frames && Date.now() < until;
  for (let sent = 0; more(sent);) {
    const origin = [undefined, "http://localhost:3000", "https://evil.example"][int(3)];
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, {origin});
    socket.on("error", () => {}); // refused upgrades and our own protocol violations
    const opened = await new Promise<boolean>(
      (resolve) => (socket.once("open", () => resolve(true)), socket.once("close", () => resolve(false))),
    );
    if (!opened) {
      (tally.refused.count++, sent++, tally.frames++);
      continue;
    }
    if (origin === "https://evil.example") tally.refused.opened++;
    if (int(3) === 0) (socket as unknown as {_socket: {pause(): void}})._socket.pause(); // never reads anything
    let closed = false;
    socket.once("close", (code) => ((closed = true), tally.closes.set(code, (tally.closes.get(code) ?? 0) + 1)));
    while (!closed && more(sent)) {
      for (let k = 1 + int(40); k > 0 && socket.readyState === WebSocket.OPEN; --k, ++sent, ++tally.frames) {
        const f = hostileFrame(rng, symbols);
        if (f === "ping") socket.ping();
        else socket.send(f.data, {binary: f.binary});
      }
      await wait(int(8));
    }
    if (!closed) socket.terminate();
  }
}

/** Garbage and hostile HTTP to `port`, one connection at a time: random bytes, foreign origins, text/plain posts, odd URLs. */
export async function hostileHttp(port: number, rng: Random, requests: number): Promise<void> {
  const int = (n: number) => rng.uint32() % n;
  const lines = [
    `GET // HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    `POST /alerts/rules HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}`,
    `GET /health HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`,
    `OPTIONS /alerts/rules HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n\r\n`,
    `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${"y".repeat(20_000)}\r\n\r\n`,
  ];
  for (let k = 0; k < requests; ++k) {
    const payload = int(3) === 0 ? Buffer.from(Array.from({length: int(500)}, () => int(256))) : lines[int(lines.length)];
    await new Promise<void>((resolve) => {
      const socket = netConnect(port, "127.0.0.1", () => socket.end(payload));
      socket.on("error", () => resolve());
      socket.on("close", () => resolve());
      socket.setTimeout(5000, () => socket.destroy());
      socket.resume();
    });
  }
}
