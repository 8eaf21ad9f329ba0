// npm run bench:serve [-- --seconds S] [--lake DIR] [--channel-clients N] [--bar-rate R]
// pairbook serve under load, beside references measured in the same run. A seeded one-day lake of
// BTCUSDT and ETHUSDT (one trade every second each, ETH ≈ 0.05·BTC plus noise) is written once with
// DuckDB in the lake's layout; the server runs in a child process (so its RSS is its own), and a
// keep-alive load generator (node:http, no dependency) drives it from this process:
//  - a cached pair report (1-minute bars, lookback 1d: 1,440 rows), 10 clients;
//  - one day of 1-second bars as JSON (86,400 bars, 14 MB, streamed, not cached), 1 client;
//  - references: a small static file served by the same server (its HTTP floor), and DuckDB's own time
//    for the same 1-second aggregation read into Node (the floor under the bars route);
//  - memory: 100 concurrent clients on the report, then 100 on the bars (the server answers 503 beyond
//    its 8 computations at once), peak RSS of the server process sampled from /proc every 50 ms;
//  - the live channel (bench/serveChannel.ts): N clients (default 32, the socket limit) subscribed to
//    the pair at 1-second bars, serve following a real recorder hub (recorder/liveHub.ts) in this
//    process fed R buckets a second (default 10): push latency p50/p99 (trades handed to the hub → the
//    bucket's row at a client, the hub's own share beside it) and serve's RSS.
// Figures are printed with the load average: the machine may be shared.
import {spawn} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {Agent, request} from "node:http";
import {cpus, loadavg} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {tickFileOptions, utcTimestamp} from "../lake/lakeFormat.js";
import {batchFileName, partitionDir, ticksGlob, utcDate} from "../lake/layout.js";
import {AccessPolicy} from "../recorder/access.js";
import {LiveHub} from "../recorder/liveHub.js";
import {startServer} from "../serve/server.js";
import {channelPhase} from "./serveChannel.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const lake = option("--lake", "/tmp/pairbook-bench/serve-lake");
const seconds = Number(option("--seconds", "5"));
const channelClients = Number(option("--channel-clients", "32"));
const barRate = Number(option("--bar-rate", "10"));
const start = Date.UTC(2026, 10, 20);

/** The lake: per symbol one file of 86,400 trades, one a second with seeded jitter (DuckDB's hash). */
async function writeLake(): Promise<void> {
  await rm(lake, {recursive: true, force: true});
  await withDuckDB(async (c) => {
    for (const [k, symbol] of ["BTCUSDT", "ETHUSDT"].entries()) {
      const dir = partitionDir(lake, symbol, utcDate(start));
      await mkdir(dir, {recursive: true});
      const u = (salt: number) => `(hash(i, ${salt}) % 1000000)::DOUBLE / 1e6`;
      const walk = `50000 + 2000 * sin(i / 7000.0) + 300 * sin(i / 333.0)`;
      const price = k === 0 ? `round(${walk} + 20 * ${u(1)}, 2)` : `round(0.05 * (${walk}) + 30 + 4 * ${u(2)}, 2)`;
      const ms = `(${start} + i * 1000 + floor(${u(3)} * 900))::BIGINT`;
      await c.run(`COPY (SELECT i + 1 AS trade_id, ${utcTimestamp(ms)} AS time, ${price} AS price, round(0.001 + ${u(4)}, 3) AS qty,
          ${u(5)} < 0.5 AS is_buyer_maker, time AS event_time, time AS receive_time FROM range(0, 86400) t(i) ORDER BY trade_id)
        TO ${quotedString(join(dir, batchFileName(1, 86_400)))} ${tickFileOptions(symbol)}`);
    }
  });
}

/** The child: the server on a free port over the lake, with a site of one small file; prints its URL. */
async function serveChild(): Promise<void> {
  const site = `${lake}-site`;
  await mkdir(site, {recursive: true});
  await writeFile(join(site, "index.html"), `<!doctype html><h1>pairbook</h1>${"<p>static reference</p>".repeat(40)}`);
  const liveUrl = option("--live-url", "ws://127.0.0.1:8787");
  const server = await startServer({lake, site, host: "127.0.0.1", port: 0, gate: new AccessPolicy({host: "127.0.0.1"}), liveUrl});
  process.stdout.write(`${server.url}\n`);
}

interface Load {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Record<number, number>;
  readonly bytes: number;
  readonly peakRss: number;
}

/** `clients` keep-alive connections each requesting `path` back to back for `seconds`. */
async function load(base: string, path: string, clients: number, pid: number): Promise<Load> {
  const agent = new Agent({keepAlive: true, maxSockets: clients});
  const latencies: number[] = [],
    statuses: Record<number, number> = {};
  let bytes = 0,
    peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 50);
  const end = performance.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t = performance.now();
      request(`${base}${path}`, {agent}, (res) => {
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => {
          latencies.push(performance.now() - t);
          statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
          resolve();
        });
      })
        .on("error", reject)
        .end();
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({length: clients}, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {requests: latencies.length, perSecond: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), statuses, bytes, peakRss};
}

/** A process's resident set, bytes (Linux /proc; 0 elsewhere). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, "utf8") : "");
  return match ? Number(match[1]) * 1024 : 0;
}

/** DuckDB's own time for the 1-second bars of a day, read into Node: median of 5, ms. */
async function duckdbFloor(): Promise<number> {
  const times: number[] = [];
  await withDuckDB(async (c) => {
    for (let r = 0; r < 5; ++r) {
      const t = performance.now();
      const reader = await c.runAndReadAll(`SELECT epoch_ms(time_bucket(INTERVAL 1 second, time)) AS t, arg_min(price, trade_id) AS open,
          max(price) AS high, min(price) AS low, arg_max(price, trade_id) AS close, sum(qty) AS volume, count(*) AS n
        FROM read_parquet(${quotedString(ticksGlob(lake, "BTCUSDT"))}) GROUP BY 1 ORDER BY 1`);
      if (reader.currentRowCount !== 86_400) throw new Error("duckdb floor: expected 86,400 bars");
      times.push(performance.now() - t);
    }
  });
  return times.sort((a, b) => a - b)[2];
}

async function main(): Promise<void> {
  if (args.includes("--child")) return serveChild();
  console.log(
    `bench:serve: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; ${seconds} s a phase`,
  );
  await writeLake();
  // The recorder's live feed the channel phase feeds; serve connects to it on the first subscription.
  const hub = await LiveHub.start({symbols: ["BTCUSDT", "ETHUSDT"], host: "127.0.0.1", port: 0, health: () => ({})});
  const liveUrl = `ws://127.0.0.1:${hub.port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "bench/serve.ts", "--child", "--lake", lake, "--live-url", liveUrl], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const line = await firstLine(child.stdout);
    const base = line.trim().replace(/\/$/, "");
    const pid = child.pid!;
    const report = "/api/v1/pairs/BTCUSDT/ETHUSDT/report?interval=1m&lookback=1d&window=60";
    const bars = "/api/v1/bars?symbol=BTCUSDT&interval=1s&lookback=1d";
    const first = performance.now();
    const warm = await fetch(`${base}${report}`); // computes and caches the report
    if (warm.status !== 200) throw new Error(`bench:serve: the report answered ${warm.status}: ${await warm.text()}`);
    await warm.arrayBuffer();
    console.log(
      `server up at ${base}, idle RSS ${mb(rssOf(pid))}; the first (uncached) report took ${(performance.now() - first).toFixed(0)} ms`,
    );
    const row = (name: string, r: Load) =>
      console.log(
        `${name.padEnd(42)} ${r.perSecond.toFixed(r.perSecond < 10 ? 2 : 0).padStart(7)} req/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  ` +
          `${mb(r.bytes / r.requests)} a reply  peak RSS ${mb(r.peakRss)}  statuses ${JSON.stringify(r.statuses)}`,
      );
    row("static file (reference), 10 clients", await load(base, "/", 10, pid));
    row("cached pair report, 10 clients", await load(base, report, 10, pid));
    row("one day of 1 s bars (JSON), 1 client", await load(base, bars, 1, pid));
    const floor = await duckdbFloor();
    console.log(
      `${"DuckDB's 1 s aggregation of the day (reference)".padEnd(42)} ${(1000 / floor).toFixed(1).padStart(7)} /s     median ${floor.toFixed(1)} ms in one process`,
    );
    row("100 clients, cached pair report", await load(base, report, 100, pid));
    row("100 clients, one day of 1 s bars", await load(base, bars, 100, pid));
    const c = await channelPhase(base, hub, () => rssOf(pid), {
      clients: channelClients,
      rate: barRate,
      seconds,
      lakeEnd: start + 86_399_000,
    });
    console.log(
      `${`live channel, ${channelClients} clients, ${barRate} bars/s`.padEnd(42)} push p50 ${c.p50.toFixed(1)} ms  p99 ${c.p99.toFixed(1)} ms  max ${c.max.toFixed(1)} ms ` +
        `(hub's share p50 ${c.hub.p50.toFixed(1)}, p99 ${c.hub.p99.toFixed(1)} ms)  ${c.rows}/${c.expected} rows  ` +
        `seeding ${(c.seedMs / 1000).toFixed(1)} s  RSS ${mb(c.rssBefore)} before seeding, peak ${mb(c.peakRss)}`,
    );
  } finally {
    child.kill();
    await hub.close();
  }
}

/** The first line a stream prints (the child's URL). */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  for await (const line of createInterface({input})) return line;
  throw new Error("bench:serve: the server exited before printing its URL");
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;

await main();
