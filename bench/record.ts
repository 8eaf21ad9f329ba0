// npm run bench:record [-- --seconds 60 --rate 100000 --latency-seconds 20 --usdm --trace --cpu-prof DIR --simulator-cpu-prof DIR]
// (--usdm: half the load on USD-M perpetuals: BTCUSDT, ETHUSDT spot and usdm:BTCUSDT, usdm:ETHUSDT, a quarter each)
// Measures `pairbook record` as users run it (its own process, started through cli/pairbook.js)
// against a local fast simulator in another process:
//  1. sustained durable ingest: trades/s accepted and fsynced to the write-ahead log (and published
//     to Parquet), read from the recorder's /health every second; memory from /proc/<pid>/status:
//     RSS every second and the kernel's high-water mark (VmHWM), the true peak; the recorder's CPU seconds
//     per million trades (the figure to tune against: far steadier than trades/s on a busy machine) and
//     the simulator's share of a core (near 100 %, the bench measures the simulator);
//  2. receive → live-hub send latency (p50/p99/max) at 5,000 trades/s with a subscribed client.
import {type ChildProcess, spawn} from "node:child_process";
import {readFileSync} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {parseArgs} from "node:util";
import WebSocket from "ws";
import {recordArgv} from "../cli/recordArgv.js";
import type {RecorderHealth} from "../src/protocol/health.js";

const {values} = parseArgs({
  options: {
    seconds: {type: "string", default: "60"},
    rate: {type: "string", default: "100000"},
    "latency-seconds": {type: "string", default: "20"},
    usdm: {type: "boolean", default: false},
    // Every second (not every 5th): durable and received trades/s, trades not yet durable, files published.
    trace: {type: "boolean", default: false},
    "cpu-prof": {type: "string"},
    "simulator-cpu-prof": {type: "string"},
  },
});
const seconds = Number(values.seconds),
  rate = Number(values.rate),
  latencySeconds = Number(values["latency-seconds"]);
const spot = ["BTCUSDT", "ETHUSDT"],
  perpetuals = values.usdm ? ["BTCUSDT", "ETHUSDT"] : [];
const symbols = [...spot, ...perpetuals.map((s) => `usdm:${s}`)];

/** SIGTERM, and SIGKILL 10 s later if it has not exited (a simulator starved of CPU may not answer). */
const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.on("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
// Whatever ends this bench (a recorder that could not start, an error, Ctrl-C), no simulator or
// recorder is left behind: a stray simulator keeps a core busy and skews every later run.
const children = new Set<ChildProcess>();
process.on("exit", () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill("SIGKILL")));
process.on("SIGINT", () => process.exit(130));

/** Starts `pairbook record` and resolves once it prints its live feed's port. */
async function recorder(
  sim: {ws: string; rest: string},
  lake: string,
): Promise<{child: ChildProcess; port: number; health(): Promise<RecorderHealth>}> {
  // Started as `npx pairbook record` starts it: the executable itself, with its shebang's V8 flags.
  // --cpu-prof DIR: V8's sampling profile of the recorder, written to DIR when it exits (open it in
  // Chromium's DevTools, or summarise it by self time); the shebang's flag is given by hand then.
  const prof = values["cpu-prof"];
  const child = spawn(
    prof ? process.execPath : "cli/pairbook.js",
    [
      ...(prof ? ["--max-semi-space-size=4", "--cpu-prof", "--cpu-prof-dir", prof, "cli/pairbook.js"] : []),
      ...recordArgv({symbols, lake, wsUrl: sim.ws, restUrl: sim.rest, usdmWsUrl: sim.ws, usdmRestUrl: sim.rest, alerts: false}),
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.add(child);
  const lines = createInterface({input: child.stdout});
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      const m = /live feed ws:\/\/[^:]+:(\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
      else if (/missing|stream (reconnecting|rotating)|lake:/.test(line)) console.log(`  recorder: ${line.slice(25, 185)}`);
    });
    child.on("exit", (code) => reject(new Error(`pairbook record exited with ${code}`)));
  });
  return {child, port, health: async () => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as RecorderHealth};
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat. CPU per million trades is far
 * less sensitive to other load on the machine than trades/s: the figure to tune the recorder against.
 */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memory(pid: number): {rss: number; peak: number} {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return {rss: kb("VmRSS"), peak: kb("VmHWM")};
}

async function simulator(ratePerSymbol: number): Promise<{child: ChildProcess; ws: string; rest: string; generated(): number}> {
  const args = [String(ratePerSymbol), spot.join(","), ...(perpetuals.length > 0 ? [String(ratePerSymbol), perpetuals.join(",")] : [])];
  // --simulator-cpu-prof DIR: the same profile of the simulator (written when it exits on SIGTERM).
  const prof = values["simulator-cpu-prof"];
  const child = spawn(
    process.execPath,
    [...(prof ? ["--cpu-prof", "--cpu-prof-dir", prof] : []), "--import", "tsx", "bench/simulatorProcess.ts", ...args],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  children.add(child);
  const lines = createInterface({input: child.stdout});
  let generated = 0; // the simulator prints the trades it generated so far every second
  const [ws, rest] = await new Promise<[string, string]>((resolve, reject) => {
    lines.on("line", (line) => {
      const m = /listening on (ws:\/\/\S+) \(REST (http:\/\/[^\s)]+)\)/.exec(line);
      if (m) resolve([m[1], m[2]]);
      const g = /^generated (\d+)$/.exec(line);
      if (g) generated = Number(g[1]);
    });
    child.on("exit", (code) => reject(new Error(`simulate exited with ${code}`)));
  });
  return {child, ws, rest, generated: () => generated};
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// 1. Throughput and memory.
{
  const lake = await mkdtemp(join(tmpdir(), "pairbook-bench-"));
  const sim = await simulator(rate / symbols.length);
  const rec = await recorder(sim, lake);
  console.log(
    `ingest: simulator offering ${rate.toLocaleString("en-US")} trades/s (${symbols.join(", ")}) for ${seconds} s to pairbook record (pid ${rec.child.pid}) …`,
  );
  const durable = (h: RecorderHealth) => Object.values(h.symbols).reduce((n, s) => n + s.trades, 0) - h.unsyncedTrades;
  await sleep(3000); // warm-up: JIT, first connections
  const received = (h: RecorderHealth) => Object.values(h.symbols).reduce((n, s) => n + s.trades, 0);
  const first = await rec.health();
  const start = {t: performance.now(), n: durable(first)},
    startReceived = received(first),
    startGenerated = sim.generated();
  const cpuStart = {recorder: cpuSeconds(rec.child.pid!), simulator: cpuSeconds(sim.child.pid!)};
  let minRate = Infinity,
    last = start,
    lastReceived = startReceived;
  for (let s = 1; s <= seconds; ++s) {
    await sleep(1000 - ((performance.now() - start.t) % 1000));
    const h = await rec.health(),
      now = {t: performance.now(), n: durable(h)};
    const perSecond = ((now.n - last.n) * 1000) / (now.t - last.t),
      receivedPerSecond = ((received(h) - lastReceived) * 1000) / (now.t - last.t);
    minRate = Math.min(minRate, perSecond);
    last = now;
    lastReceived = received(h);
    if (values.trace)
      console.log(
        `  ${String(s).padStart(4)} s  ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} durable/s ${Math.round(receivedPerSecond).toLocaleString("en-US").padStart(9)} received/s  ` +
          `${h.unsyncedTrades.toLocaleString("en-US").padStart(9)} not durable  ${h.filesPublished} files  rss ${mb(memory(rec.child.pid!).rss)} (V8 heap ${mb(h.memory.heapUsed)})`,
      );
    else if (s % 5 === 0 || s === seconds)
      console.log(
        `  ${String(s).padStart(4)} s  ${Math.round(perSecond).toLocaleString("en-US").padStart(9)} trades/s durable   rss ${mb(memory(rec.child.pid!).rss)} (V8 heap ${mb(h.memory.heapUsed)}, buffers ${mb(h.memory.external)})`,
      );
  }
  const h = await rec.health();
  const total = durable(h) - start.n;
  // What the simulator delivered in the same window: durable ingest equal to it means the recorder kept
  // up with everything it was sent (the simulator's rate is Poisson, not exactly the one offered).
  const delivered = received(h) - startReceived,
    generated = sim.generated() - startGenerated;
  const peak = memory(rec.child.pid!).peak;
  const cpu = {recorder: cpuSeconds(rec.child.pid!) - cpuStart.recorder, simulator: cpuSeconds(sim.child.pid!) - cpuStart.simulator};
  const elapsed = (performance.now() - start.t) / 1000;
  await stop(sim.child);
  const t0 = performance.now();
  await stop(rec.child);
  const closeMs = performance.now() - t0;
  console.log(
    `ingest: ${Math.round((total * 1000) / (last.t - start.t)).toLocaleString("en-US")} trades/s sustained durable (worst second ${Math.round(minRate).toLocaleString("en-US")}) ` +
      `of ${Math.round((delivered * 1000) / (last.t - start.t)).toLocaleString("en-US")} received ` +
      `(${Math.round((generated * 1000) / (last.t - start.t)).toLocaleString("en-US")} generated by the simulator), ${h.unsyncedTrades.toLocaleString("en-US")} not yet durable at the end, ` +
      `peak RSS ${mb(peak)} (VmHWM), ${h.filesPublished} files published, ${h.compactions} compactions, ${Object.values(h.symbols).reduce((n, s) => n + s.gapsFilled + s.gapsUnfilled, 0)} gaps, SIGTERM → exit ${Math.round(closeMs)} ms`,
  );
  console.log(
    `ingest: recorder CPU ${((cpu.recorder * 1e6) / total).toFixed(2)} s per million trades (${Math.round((100 * cpu.recorder) / elapsed)} % of a core), ` +
      `simulator ${Math.round((100 * cpu.simulator) / elapsed)} % of a core`,
  );
  await rm(lake, {recursive: true, force: true});
}

// 2. Receive → live-hub send latency at 5,000 trades/s.
{
  const lake = await mkdtemp(join(tmpdir(), "pairbook-bench-"));
  const sim = await simulator(5000 / symbols.length); // 5,000 trades/s in all, whatever the number of symbols
  const rec = await recorder(sim, lake);
  const client = new WebSocket(`ws://127.0.0.1:${rec.port}`);
  await new Promise((resolve) => client.once("open", resolve));
  client.send(JSON.stringify({type: "subscribe", symbols, interval: "1s"}));
  client.on("message", () => {});
  await sleep(3000);
  const before = await rec.health(); // the latency histogram counts from the recorder's start, warm-up included
  await sleep(latencySeconds * 1000);
  const after = await rec.health();
  const received =
    Object.values(after.symbols).reduce((n, s) => n + s.trades, 0) - Object.values(before.symbols).reduce((n, s) => n + s.trades, 0);
  const l = after.liveLatencyMs!;
  console.log(
    `live feed: ${Math.round(received / latencySeconds).toLocaleString("en-US")} trades/s, ${l.count.toLocaleString("en-US")} sends; receive → send p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms`,
  );
  client.close();
  await stop(sim.child);
  await stop(rec.child);
  await rm(lake, {recursive: true, force: true});
}
