// npm run bench:record [-- --seconds 60 --rate 100000 --latency-seconds 20]
// Measures, against a local fast simulator in a child process:
//  1. sustained durable ingest: trades/s accepted and fsynced to the write-ahead log (and published
//     to Parquet), with peak RSS of the recorder sampled every second;
//  2. receive → live-hub send latency (p50/p99/max) at 5,000 trades/s with a subscribed client.
import {type ChildProcess, spawn} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {parseArgs} from "node:util";
import WebSocket from "ws";
import {startRecorder} from "../recorder/recorder.js";

const {values} = parseArgs({options: {seconds: {type: "string", default: "60"}, rate: {type: "string", default: "100000"}, "latency-seconds": {type: "string", default: "20"}}});
const seconds = Number(values.seconds), rate = Number(values.rate), latencySeconds = Number(values["latency-seconds"]);
const symbols = ["BTCUSDT", "ETHUSDT"];

async function simulator(ratePerSymbol: number): Promise<{child: ChildProcess; ws: string; rest: string}> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/simulatorProcess.ts", String(ratePerSymbol), symbols.join(",")], {stdio: ["pipe", "pipe", "inherit"]});
  const lines = createInterface({input: child.stdout!});
  const [ws, rest] = await new Promise<[string, string]>((resolve, reject) => {
    lines.on("line", (line) => {
      const m = /listening on (ws:\/\/\S+) \(REST (http:\/\/[^\s)]+)\)/.exec(line);
      if (m) resolve([m[1], m[2]]);
    });
    child.on("exit", (code) => reject(new Error(`simulate exited with ${code}`)));
  });
  return {child, ws, rest};
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.on("exit", () => resolve()), child.kill("SIGTERM")));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 1. Throughput and memory.
{
  const lake = await mkdtemp(join(tmpdir(), "pairbook-bench-"));
  const sim = await simulator(rate / symbols.length);
  const recorder = await startRecorder({symbols, lake, wsUrl: sim.ws, restUrl: sim.rest, liveHost: "127.0.0.1", livePort: 0, publishMs: 10_000, log: (line) => /missing|stream (reconnecting|rotating)|lake:/.test(line) && console.log(`  recorder: ${line.slice(0, 160)}`)});
  console.log(`ingest: simulator offering ${rate.toLocaleString("en-US")} trades/s (${symbols.join(", ")}) for ${seconds} s …`);
  const durable = (h = recorder.health()) => Object.values(h.symbols).reduce((n, s) => n + s.trades, 0) - h.unsyncedTrades;
  await sleep(3000); // warm-up: JIT, first connections
  const start = {t: performance.now(), n: durable()};
  let peakRss = 0, minRate = Infinity, last = start;
  for (let s = 1; s <= seconds; ++s) {
    await sleep(1000);
    const now = {t: performance.now(), n: durable()};
    const perSecond = ((now.n - last.n) * 1000) / (now.t - last.t);
    minRate = Math.min(minRate, perSecond);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    last = now;
    if (s % 5 === 0 || s === seconds) console.log(`  ${String(s).padStart(4)} s  ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} trades/s durable   rss ${mb(process.memoryUsage().rss)} (heap ${mb(process.memoryUsage().heapUsed)}, external ${mb(process.memoryUsage().external + process.memoryUsage().arrayBuffers)})`);
  }
  const h = recorder.health();
  const total = durable(h) - start.n;
  await stop(sim.child);
  const t0 = performance.now();
  await recorder.stop();
  const closeMs = performance.now() - t0;
  console.log(`ingest: ${Math.round((total * 1000) / (last.t - start.t)).toLocaleString("en-US")} trades/s sustained durable (worst second ${Math.round(minRate).toLocaleString("en-US")}), ` +
    `peak RSS ${mb(peakRss)}, ${h.filesPublished} files published, ${h.compactions} compactions, ${Object.values(h.symbols).reduce((n, s) => n + s.gapsFilled + s.gapsUnfilled, 0)} gaps, final publish ${Math.round(closeMs)} ms`);
  await rm(lake, {recursive: true, force: true});
}

// 2. Receive → live-hub send latency at 5,000 trades/s.
{
  const lake = await mkdtemp(join(tmpdir(), "pairbook-bench-"));
  const sim = await simulator(2500);
  const recorder = await startRecorder({symbols, lake, wsUrl: sim.ws, restUrl: sim.rest, liveHost: "127.0.0.1", livePort: 0, publishMs: 10_000, log: () => {}});
  const client = new WebSocket(`ws://127.0.0.1:${recorder.livePort}`);
  await new Promise((resolve) => client.once("open", resolve));
  client.send(JSON.stringify({type: "subscribe", symbols, interval: "1s"}));
  client.on("message", () => {});
  await sleep(3000);
  recorder.health(); // warm-up done: reset the histogram
  const hub = (recorder as unknown as {health(): {liveLatencyMs: {count: number}}}).health().liveLatencyMs;
  void hub;
  const before = recorder.health();
  await sleep(latencySeconds * 1000);
  const after = recorder.health();
  const received = Object.values(after.symbols).reduce((n, s) => n + s.trades, 0) - Object.values(before.symbols).reduce((n, s) => n + s.trades, 0);
  const l = after.liveLatencyMs!;
  console.log(`live feed: ${Math.round(received / latencySeconds).toLocaleString("en-US")} trades/s, ${l.count.toLocaleString("en-US")} sends; receive → send p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms`);
  client.close();
  await stop(sim.child);
  await recorder.stop();
  await rm(lake, {recursive: true, force: true});
}
