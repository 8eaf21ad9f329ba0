// Nothing a client sends can stop recording: 20 clients throw thousands of random and mutated frames
// (seeded) at a `pairbook record` process while the simulator streams; afterwards the recorder is still
// recording, still serving, and stopping it leaves every id the simulator sent in the lake exactly once.
import {type ChildProcess, spawn} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import WebSocket from "ws";
import {recordArgv} from "../../cli/recordArgv.js";
import {Random} from "../../simulator/random.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import {fuzzClient, fuzzTally, hostileHttp} from "./hostileFrames.js";
import {lakeIdCounts} from "./lakeIdCounts.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
const seed = 20_261_121;
const workers = 20;
const framesPerWorker = 500;
let lake: string, simulator: Simulator, child: ChildProcess, port: number;
const output: string[] = [];

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-hostile-"));
  simulator = await startSimulator({port: 0, symbols, rate: 200, seed: 3});
  child = spawn(
    process.execPath,
    [
      "cli/pairbook.js",
      ...recordArgv({symbols, lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, publishInterval: 0.5, alerts: false}),
    ],
    {stdio: ["ignore", "pipe", "pipe"]},
  );
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  port = await new Promise<number>((resolve, reject) => {
    createInterface({input: child.stdout!}).on("line", (line) => {
      output.push(line);
      const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`record exited with ${code}:\n${output.join("\n")}`)));
  });
});
afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await simulator?.close();
  await rm(lake, {recursive: true, force: true});
});

type Health = {symbols: Record<string, {trades: number; receiveLagMs: number | null}>; liveClients: number; liveClientsDropped: number};
const health = async () => (await (await fetch(`http://127.0.0.1:${port}/health`, {signal: AbortSignal.timeout(10_000)})).json()) as Health;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pairbook record under hostile live-feed clients", () => {
  it("keeps recording through thousands of random frames from 20 clients, and stores every id exactly once", async () => {
    const before = await health();
    const tally = fuzzTally();
    const {closes, refused} = tally;
    let healthChecks = 0,
      slowestHealthMs = 0,
      worstLagMs = 0,
      fuzzing = true;
    const probing = (async () => {
      while (fuzzing) {
        const started = performance.now();
        const h = await health(); // throws (and fails the test) if the recorder stops answering
        for (const s of Object.values(h.symbols)) worstLagMs = Math.max(worstLagMs, s.receiveLagMs ?? 0);
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
        healthChecks++;
        await wait(100);
      }
    })();
    const started = performance.now();
    await Promise.all([
      ...Array.from({length: workers}, (_, k) => fuzzClient(port, new Random(seed + k), {symbols, frames: framesPerWorker}, tally)),
      hostileHttp(port, new Random(seed - 1), 300),
    ]);
    const fuzzMs = performance.now() - started;
    fuzzing = false;
    await probing;

    expect(child.exitCode).toBe(null);
    expect(refused.opened).toBe(0); // no page of a foreign origin ever got a socket
    expect(refused.count).toBeGreaterThan(0);
    expect(closes.get(1011) ?? 0).toBe(0); // no handler threw: 1011 is the catch-all's close code
    expect(closes.get(1008)).toBeGreaterThan(0); // limits (invalid-message rate, symbols per subscribe, …)
    expect(closes.get(1009)).toBeGreaterThan(0); // frames over maxFrameBytes
    expect(output.join("\n")).not.toMatch(/a client message failed|Unhandled|TypeError/);

    // Still recording and still serving a well-behaved page.
    const after = await health();
    for (const symbol of symbols) expect(after.symbols[symbol].trades).toBeGreaterThan(before.symbols[symbol].trades);
    const page = new WebSocket(`ws://127.0.0.1:${port}`, {origin: "http://localhost:3000"});
    const snapshot = new Promise<{type: string; bars: unknown[]}>((resolve) =>
      page.on("message", (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === "snapshot") resolve(m);
      }),
    );
    await new Promise((resolve) => page.once("open", resolve));
    page.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT"], interval: "1s"}));
    expect((await snapshot).bars.length).toBeGreaterThan(0);
    page.close();
    console.log(
      `fuzz: ${workers * framesPerWorker} frames in ${(fuzzMs / 1000).toFixed(1)} s, closes by code ${JSON.stringify(Object.fromEntries(closes))}, ` +
        `${refused.count} upgrades refused, ${after.liveClientsDropped} clients dropped, /health answered ${healthChecks} times (slowest ${slowestHealthMs.toFixed(0)} ms), worst receive lag seen ${worstLagMs} ms`,
    );

    // Stop the source, then the recorder: every id sent is in the lake, once.
    await simulator.close();
    const sent = simulator.sent();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const rows = await lakeIdCounts(lake);
    expect(rows.map((r) => r.symbol)).toEqual(symbols);
    for (const row of rows) {
      const s = sent[row.symbol];
      expect(row.n).toBe(row.ids); // no duplicates
      expect([row.lo, row.hi]).toEqual([s.first, s.last]);
      expect(row.n).toBe(s.count); // every id the simulator sent, no hole
      expect(s.count).toBe(s.last - s.first + 1);
    }
  }, 180_000);
});
