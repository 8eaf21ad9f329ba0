// A real `pairbook record` with the heaviest alert rules a recorder accepts (MAX_ALERT_RULES pair
// rules hedged with Theil-Sen at the largest window, on 1 s bars; as many more refused by the API),
// fed by the simulator, measured from outside: /health response time, receive lag, how often the
// write-ahead log grows (each growth is a write + fsync), unsynced trades, time to stop on SIGTERM,
// and whether the lake holds every id sent exactly once. Used by alertsLoad.test.ts; a benchmark can
// call `alertsLoad` too and print the figures.
import {type ChildProcess, spawn} from "node:child_process";
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {recordArgv} from "../../cli/recordArgv.js";
import {MAX_ALERT_RULES, MAX_THEIL_SEN_WINDOW} from "../../recorder/alerts/limits.js";
import {startSimulator} from "../../simulator/index.js";
import {lakeIdCounts} from "./lakeIdCounts.js";

export interface AlertsLoadFigures {
  rules: number;
  /** API requests for rules past the limit, and how many were refused with 400 naming the limit. */
  attempted: number;
  refused: number;
  /** Slowest /health answer over the whole run, and once the market clock runs in real time, ms. */
  healthMaxMs: number;
  healthMaxSteadyMs: number;
  /** /health answers slower than 200 ms: when (ms after the stream opened; negative: before) and how slow. */
  healthSlow: {afterOpenMs: number; ms: number}[];
  /** /health requests that failed (or took over 10 s). */
  healthErrors: string[];
  /** Worst receive lag sampled from /health once the market clock runs in real time, ms. */
  receiveLagMaxMs: number;
  /** Longest time between two growths of the write-ahead log (each is a write + fsync) in that phase, ms. */
  walWriteGapMaxMs: number;
  /** The longest an accepted trade waited to be fsynced in the log over the run (RecorderHealth.worstSyncLagMs), ms. */
  worstSyncLagMs: number;
  /** Most trades accepted and not yet fsynced seen in /health, over the run and in the real-time phase. */
  unsyncedMax: number;
  unsyncedMaxSteady: number;
  /** SIGTERM → process exit, ms, and the exit code. */
  stopMs: number;
  exitCode: number | null;
  /** Per symbol: rows in the lake, distinct ids, and ids the simulator sent. */
  lake: Record<string, {rows: number; ids: number; sent: number; first: boolean; last: boolean}>;
  alerts: {
    overrun: {id: string; reason: string}[];
    evaluation: {slowest: {ms: number} | null; maxSliceMs: number; busyShare: number};
    events: number;
  } | null;
  pausedInFile: number;
  log: string[];
}

const symbols = ["BTCUSDT", "ETHUSDT"];

/** The heaviest rule allowed: a pair metric hedged with Theil-Sen (O(n² log n)) at its largest window on 1 s bars. */
export function heavyRule(k: number) {
  return k % 2 === 0
    ? {
        id: `heavy-${k}`,
        target: "BTCUSDT/ETHUSDT",
        metric: "zscore",
        comparator: "abs>",
        threshold: 2,
        interval: "1s",
        window: MAX_THEIL_SEN_WINDOW,
        hedge: "theil-sen",
        cooldownSeconds: 0,
      }
    : {
        id: `heavy-${k}`,
        target: "ETHUSDT/BTCUSDT",
        metric: "adfPValue",
        comparator: "<",
        threshold: 0.01,
        interval: "1s",
        window: MAX_THEIL_SEN_WINDOW,
        hedge: "theil-sen",
        cooldownSeconds: 0,
      };
}

/**
 * Runs the scenario: `rules` heavy rules in the rules file at start (and as many again attempted
 * through the API when that passes the limit). The simulator's market clock starts `leadMs` in the
 * past and runs `speed` times faster until it reaches the wall clock, so the windows are full when
 * it does; then `steadyMs` of real-time trading are measured.
 */
export async function alertsLoad({
  rules = MAX_ALERT_RULES,
  leadMs = 400_000,
  speed = 40,
  steadyMs = 15_000,
  rate = 25,
} = {}): Promise<AlertsLoadFigures> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-load-"));
  const rulesFile = join(lake, "alerts.json");
  await writeFile(rulesFile, JSON.stringify({rules: Array.from({length: rules}, (_, k) => heavyRule(k))}));
  // The market clock stands still until the recorder's stream is open, then runs fast until it reaches the wall clock.
  const from = Date.now() - leadMs;
  let t0 = Infinity,
    caughtUp = Infinity;
  const simulator = await startSimulator({
    port: 0,
    symbols,
    rate,
    seed: 5,
    now: () => Math.min(Date.now(), from + Math.max(0, Date.now() - t0) * speed),
  });
  const log: string[] = [];
  let child: ChildProcess | undefined;
  try {
    child = spawn(
      process.execPath,
      [
        "cli/pairbook.js",
        ...recordArgv({symbols, lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, publishInterval: 2, alerts: rulesFile}),
      ],
      {stdio: ["ignore", "pipe", "pipe"]},
    );
    const exited = new Promise<number | null>((resolve) => child!.on("exit", (code) => resolve(code)));
    createInterface({input: child.stderr!}).on("line", (line) => log.push(line));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({input: child!.stdout!}).on("line", (line) => {
        log.push(line);
        const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) resolve(Number(match[1]));
        if (/stream open/.test(line) && t0 === Infinity) ((t0 = Date.now()), (caughtUp = t0 + (t0 - from) / (speed - 1)));
      });
      void exited.then((code) => reject(new Error(`record exited with ${code}: ${log.slice(-5).join("\n")}`)));
    });
    const base = `http://127.0.0.1:${port}`;

    const figures = {
      healthMaxMs: 0,
      healthMaxSteadyMs: 0,
      receiveLagMaxMs: 0,
      walWriteGapMaxMs: 0,
      worstSyncLagMs: 0,
      unsyncedMax: 0,
      unsyncedMaxSteady: 0,
    };
    let health:
      | {
          symbols: Record<string, {receiveLagMs: number | null}>;
          unsyncedTrades: number;
          worstSyncLagMs: number;
          alerts: AlertsLoadFigures["alerts"];
        }
      | undefined;
    let polling = true;
    const slow: {afterOpenMs: number; ms: number}[] = [],
      healthErrors: string[] = [];
    // /health every 100 ms for the whole run; the write-ahead log's size every 20 ms.
    const healthPoll = (async () => {
      while (polling) {
        const start = performance.now();
        try {
          health = (await (await fetch(`${base}/health`, {signal: AbortSignal.timeout(10_000)})).json()) as typeof health;
        } catch (error) {
          healthErrors.push(`${Date.now() - t0} ms after the stream opened: ${(error as Error).message}`);
        }
        const took = performance.now() - start;
        figures.healthMaxMs = Math.max(figures.healthMaxMs, took);
        if (took > 200) slow.push({afterOpenMs: Date.now() - t0, ms: Math.round(took)});
        if (Date.now() > caughtUp + 2000) figures.healthMaxSteadyMs = Math.max(figures.healthMaxSteadyMs, performance.now() - start);
        figures.unsyncedMax = Math.max(figures.unsyncedMax, health?.unsyncedTrades ?? 0);
        figures.worstSyncLagMs = Math.max(figures.worstSyncLagMs, health?.worstSyncLagMs ?? 0);
        if (health && Date.now() > caughtUp + 2000) {
          for (const s of Object.values(health.symbols)) figures.receiveLagMaxMs = Math.max(figures.receiveLagMaxMs, s.receiveLagMs ?? 0);
          figures.unsyncedMaxSteady = Math.max(figures.unsyncedMaxSteady, health.unsyncedTrades);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const walPoll = (async () => {
      let last = "",
        grewAt = 0;
      while (polling) {
        const now = Date.now(),
          signature = await walSignature(lake);
        if (signature !== last) {
          if (grewAt && now > caughtUp + 2000) figures.walWriteGapMaxMs = Math.max(figures.walWriteGapMaxMs, now - grewAt);
          ((last = signature), (grewAt = now));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let attempted = 0,
      refused = 0;
    for (let k = rules; k < 2 * rules && k >= MAX_ALERT_RULES; ++k) {
      attempted++;
      try {
        const response = await fetch(`${base}/alerts/rules`, {
          method: "POST",
          headers: {"content-type": "application/json"},
          body: JSON.stringify(heavyRule(k)),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as {error?: string; field?: string};
        if (response.status === 400 && body.field === "rules" && body.error?.includes(String(MAX_ALERT_RULES))) refused++;
      } catch {
        // counted as not refused
      }
    }

    while (caughtUp === Infinity) await new Promise((resolve) => setTimeout(resolve, 50)); // the stream opens
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, caughtUp - Date.now()) + steadyMs));
    polling = false;
    await Promise.all([healthPoll, walPoll]);
    await simulator.close(); // everything sent is now in the recorder's socket
    // The alerts' state as close to the stop as can be (a rule may still be paused after it: see pausedInFile).
    health = (await (await fetch(`${base}/health`, {signal: AbortSignal.timeout(10_000)})).json()) as typeof health;
    const stopAt = performance.now();
    child.kill("SIGTERM");
    const exitCode = await exited;
    const stopMs = performance.now() - stopAt;

    const sent = simulator.sent();
    const rows = await lakeIdCounts(lake);
    const lakeFigures: AlertsLoadFigures["lake"] = {};
    for (const row of rows) {
      const s = sent[row.symbol];
      lakeFigures[row.symbol] = {
        rows: row.n,
        ids: row.ids,
        sent: s.last - s.first + 1,
        first: row.lo === s.first,
        last: row.hi === s.last,
      };
    }
    const saved = JSON.parse(await readFile(rulesFile, "utf8")) as {rules: {paused: boolean; pauseReason?: string | null}[]};
    return {
      rules,
      attempted,
      refused,
      ...figures,
      healthSlow: slow,
      healthErrors,
      stopMs,
      exitCode,
      lake: lakeFigures,
      alerts: health?.alerts ?? null,
      pausedInFile: saved.rules.filter((r) => r.paused && r.pauseReason).length,
      log,
    };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await simulator.close();
    await rm(lake, {recursive: true, force: true});
  }
}

/** The write-ahead log's segments and their sizes: a change means a write (or a publish). */
async function walSignature(lake: string): Promise<string> {
  const parts: string[] = [];
  for (const symbol of symbols) {
    const dir = join(lake, "wal", symbol);
    for (const name of await readdir(dir).catch(() => [] as string[]))
      parts.push(`${symbol}/${name}:${(await stat(join(dir, name)).catch(() => ({size: -1}))).size}`);
  }
  return parts.join(" ");
}
