// Alerts can't starve the recorder: bounded rule count and window, evaluation off the trade path in
// time-budgeted slices (same events whatever the slicing), rules over their budget paused with the
// reason (persisted, resumable), bursts skipped; and a real `pairbook record` with the heaviest rule
// set it accepts keeps recording, answering /health, fsyncing its log and stopping on SIGTERM.
import {spawn} from "node:child_process";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {recordArgv} from "../../cli/recordArgv.js";
import {AlertEngine, type AlertEngineOptions} from "../../recorder/alerts/engine.js";
import {MAX_ALERT_RULES, MAX_RANSAC_WINDOW, MAX_THEIL_SEN_WINDOW, MAX_WINDOW} from "../../recorder/alerts/limits.js";
import {RuleError, validateRule} from "../../recorder/alerts/rules.js";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import {startSimulator} from "../../simulator/index.js";
import {type AlertsLoadFigures, alertsLoad, heavyRule} from "./alertsLoadScenario.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);
let lake: string, rulesFile: string;
beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-load-"));
  rulesFile = join(lake, "alerts.json");
});
afterEach(async () => rm(lake, {recursive: true, force: true}));

async function open(rules: unknown[], extra: Partial<AlertEngineOptions> = {}) {
  await writeFile(rulesFile, JSON.stringify({rules}));
  const events: AlertEvent[] = [],
    log: string[] = [];
  const engine = await AlertEngine.open({
    lake,
    rulesFile,
    symbols,
    log: (line) => log.push(line),
    feedState: () => ({}),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return {engine, events, log};
}

/** `bars` seconds of a cointegrated pair with quiet stretches and a few excursions, from a fixed seed. */
function market(bars: number) {
  let seed = 42,
    b = 100;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const trades: {symbol: string; id: number; time: number; price: number}[] = [];
  for (let k = 0, id = 0; k < bars; ++k) {
    if (rand() < 0.03) continue; // a quiet second: closes carried
    for (let j = 0; j < 3; ++j) {
      b += (rand() - 0.5) * 0.2;
      const e = (rand() - 0.5) * 0.4 + (k % 97 < 2 ? 3 : 0);
      trades.push({symbol: "ETHUSDT", id: id++, time: t0 + k * 1000 + j * 300 + 10, price: b});
      trades.push({symbol: "BTCUSDT", id: id++, time: t0 + k * 1000 + j * 300 + 20, price: 2 * b + 10 + e});
    }
  }
  return trades;
}

async function feed(engine: AlertEngine, trades: ReturnType<typeof market>, {yieldEvery = 0} = {}) {
  for (let i = 0; i < trades.length; ++i) {
    const {symbol, ...t} = trades[i];
    engine.onTrade(symbol, {...t, qty: 1, isBuyerMaker: false});
    if (yieldEvery && i % yieldEvery === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // let slices run in between
  }
}

describe("alert rule limits", () => {
  it(`AlertEngine holds at most MAX_ALERT_RULES (${MAX_ALERT_RULES}) rules: a longer rules file stops the start, the API refuses the next one`, async () => {
    const rule = (k: number) => ({id: `p${k}`, target: "BTCUSDT", metric: "price", comparator: ">", threshold: 1});
    await expect(open(Array.from({length: MAX_ALERT_RULES + 1}, (_, k) => rule(k)))).rejects.toThrow(
      `holds ${MAX_ALERT_RULES + 1} rules; a recorder evaluates at most ${MAX_ALERT_RULES}`,
    );
    const {engine} = await open(Array.from({length: MAX_ALERT_RULES}, (_, k) => rule(k)));
    const error = await engine.create(rule(MAX_ALERT_RULES)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleError);
    expect(error).toMatchObject({field: "rules", message: expect.stringContaining(`at most ${MAX_ALERT_RULES}`)});
    await engine.remove("p0");
    await engine.create(rule(MAX_ALERT_RULES)); // room again
    await engine.close();
  });

  it("validateRule caps the window per metric: Theil-Sen pair metrics at MAX_THEIL_SEN_WINDOW, the rest at MAX_WINDOW", () => {
    const pair = {target: "BTCUSDT/ETHUSDT", comparator: ">", threshold: 1, interval: "1s"};
    for (const metric of ["zscore", "spread", "adfPValue"]) {
      expect(validateRule({...pair, metric, hedge: "theil-sen", window: MAX_THEIL_SEN_WINDOW}, symbols, "r").window).toBe(
        MAX_THEIL_SEN_WINDOW,
      );
      expect(() => validateRule({...pair, metric, hedge: "theil-sen", window: MAX_THEIL_SEN_WINDOW + 1}, symbols, "r")).toThrow(
        `invalid window: ${MAX_THEIL_SEN_WINDOW + 1} (expected at most ${MAX_THEIL_SEN_WINDOW} bars for ${metric} with hedge theil-sen`,
      );
      expect(validateRule({...pair, metric, hedge: "ols", window: MAX_WINDOW}, symbols, "r").window).toBe(MAX_WINDOW);
      expect(validateRule({...pair, metric, hedge: "ransac", window: 2000}, symbols, "r").window).toBe(2000);
      expect(() => validateRule({...pair, metric, hedge: "ransac", window: 2001}, symbols, "r")).toThrow(
        `invalid window: 2001 (expected at most ${MAX_RANSAC_WINDOW} bars for ${metric} with hedge ransac`,
      );
    }
    expect(validateRule({...pair, metric: "correlation", hedge: "theil-sen", window: MAX_WINDOW}, symbols, "r").window).toBe(MAX_WINDOW); // no hedge in a correlation
    expect(() => validateRule({...pair, metric: "zscore", window: MAX_WINDOW + 1}, symbols, "r")).toThrow(/invalid window/);
  });

  it("pairbook record refuses a rules file with more than MAX_ALERT_RULES rules, with a one-line error and exit 2", async () => {
    const simulator = await startSimulator({port: 0, symbols});
    try {
      await writeFile(rulesFile, JSON.stringify({rules: Array.from({length: MAX_ALERT_RULES + 1}, (_, k) => heavyRule(k))}));
      const child = spawn(
        process.execPath,
        ["cli/pairbook.js", ...recordArgv({symbols, lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, alerts: rulesFile})],
        {stdio: ["ignore", "pipe", "pipe"]},
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain(`holds ${MAX_ALERT_RULES + 1} rules; a recorder evaluates at most ${MAX_ALERT_RULES}`);
    } finally {
      await simulator.close();
    }
  }, 30_000);
});

describe("AlertEngine evaluation off the trade path", () => {
  const trades = market(400);
  const rules = [
    {
      id: "z",
      target: "BTCUSDT/ETHUSDT",
      metric: "zscore",
      comparator: "abs>",
      threshold: 2,
      interval: "1s",
      window: 30,
      cooldownSeconds: 0,
    },
    {
      id: "ts",
      target: "BTCUSDT/ETHUSDT",
      metric: "zscore",
      comparator: ">",
      threshold: 1.5,
      interval: "1s",
      window: 40,
      hedge: "theil-sen",
      cooldownSeconds: 5,
      hysteresis: 0.5,
    },
    {
      id: "adf",
      target: "ETHUSDT/BTCUSDT",
      metric: "adfPValue",
      comparator: "<",
      threshold: 0.05,
      interval: "1s",
      window: 60,
      cooldownSeconds: 0,
    },
    {id: "vol", target: "ETHUSDT", metric: "volatility", comparator: ">", threshold: 0.5, interval: "1s", window: 20, cooldownSeconds: 0},
    {
      id: "corr",
      target: "BTCUSDT/ETHUSDT",
      metric: "correlation",
      comparator: ">",
      threshold: 0.5,
      interval: "1m",
      window: 3,
      cooldownSeconds: 0,
    },
  ];

  it("onTrade only queues: no rule is evaluated on the trade path; the evaluation follows, in slices", async () => {
    const {engine, events} = await open(rules);
    await feed(engine, trades);
    expect(events).toHaveLength(0);
    expect(engine.health().evaluation.queuedBars).toBeGreaterThan(1000);
    await engine.close({withinMs: 60_000});
    expect(events.length).toBeGreaterThan(10);
    expect(engine.health().evaluation.queuedBars).toBe(0);
  });

  it("gives the same events however the evaluation is sliced and interleaved with trades", async () => {
    const runs: string[][] = [];
    for (const [budget, yieldEvery] of [
      [{}, 0],
      [{sliceMs: 0.01}, 7],
      [{sliceMs: 2, share: 0.2}, 50],
    ] as const) {
      const {engine, events} = await open(rules, {budget: {...budget, backlogMs: 1e9}});
      await feed(engine, trades, {yieldEvery});
      await engine.close({withinMs: 60_000});
      runs.push(events.map((e) => `${e.id}=${e.value}`).sort());
      await rm(join(lake, "alerts"), {recursive: true, force: true}); // a fresh history for the next run
    }
    expect(new Set(runs.map((r) => r.join("\n"))).size).toBe(1);
    expect(new Set(runs[0].map((id) => id.split("@")[0]))).toEqual(new Set(rules.map((r) => r.id))); // every rule fired
  });
});

describe("AlertEngine over its budget", () => {
  const trades = market(300);
  const heavy = (k: number) => ({...heavyRule(k), window: 100});
  const cheap = {id: "cheap", target: "BTCUSDT", metric: "price", comparator: ">", threshold: 1e9, interval: "1s", window: 3};

  it("pauses a rule whose evaluations take longer than evaluationMs, with the reason (rule, /health, rules file, log once); a restart keeps it paused; resuming clears it", async () => {
    const {engine, log} = await open([heavyRule(0), cheap], {budget: {evaluationMs: 0.5}});
    await feed(engine, trades);
    await engine.close({withinMs: 60_000});
    const paused = engine.list().find((r) => r.id === "heavy-0")!;
    expect(paused).toMatchObject({
      paused: true,
      pauseReason: expect.stringMatching(/^evaluations took [\d.]+ ms \(the limit is 0.5 ms each\)$/),
    });
    expect(engine.list().find((r) => r.id === "cheap")).toMatchObject({paused: false, pauseReason: null});
    expect(engine.health().overrun).toEqual([{id: "heavy-0", reason: paused.pauseReason}]);
    expect(log.filter((line) => line.includes("paused rule heavy-0"))).toHaveLength(1);
    const saved = JSON.parse(await readFile(rulesFile, "utf8")).rules;
    expect(saved[0]).toMatchObject({id: "heavy-0", paused: true, pauseReason: paused.pauseReason});

    const log2: string[] = [];
    const again = await AlertEngine.open({lake, rulesFile, symbols, log: (line) => log2.push(line), feedState: () => ({})});
    expect(again.list()[0]).toMatchObject({paused: true, pauseReason: paused.pauseReason});
    expect(log2).toContain(`alerts: rule heavy-0 stays paused: ${paused.pauseReason}`);
    expect(await again.update("heavy-0", {paused: false})).toMatchObject({paused: false, pauseReason: null});
    expect(JSON.parse(await readFile(rulesFile, "utf8")).rules[0]).toMatchObject({paused: false, pauseReason: null});
    expect(again.health().overrun).toEqual([]);
    await again.close();
  });

  it("pauses the costliest rules when together they need more than `share` of each second, and only as many as needed", async () => {
    // 40 Theil-Sen rules at window 250 take ≥ 3 ms per 1 s bar each: ≥ 120 ms of every second; 100 ms (10%) are allowed.
    const {engine} = await open([...Array.from({length: 40}, (_, k) => heavyRule(k)), cheap], {budget: {share: 0.1, backlogMs: 1e9}});
    await feed(engine, trades);
    await vi.waitFor(() => expect(engine.health().overrun.length).toBeGreaterThan(0), {timeout: 60_000, interval: 100});
    await engine.close({withinMs: 0});
    const {overrun, active} = engine.health();
    for (const {reason} of overrun)
      expect(reason).toMatch(
        /^alert evaluation fell behind: the active rules needed ≈ \d+ ms of every second, more than the 100 ms \(10% of the recorder's time\) they may use, and this rule was among the costliest \(≈ [\d.]+ ms per bar, 1 bars a second\)$/,
      );
    expect(active).toBeGreaterThan(1); // not all: only until the rest fit in 80% of the share
    expect(engine.list().find((r) => r.id === "cheap")!.paused).toBe(false); // ~µs per bar: never the costliest
    expect(JSON.parse(await readFile(rulesFile, "utf8")).rules.filter((r: {pauseReason: string | null}) => r.pauseReason)).toHaveLength(
      overrun.length,
    );
  }, 90_000);

  it("skips the oldest queued bars of a burst that would take longer than backlogMs, and pauses nothing for it", async () => {
    const {engine, log} = await open([heavy(0), heavy(1), cheap], {budget: {backlogMs: 50}});
    await feed(engine, trades); // 300 s of market at once, as after a backfill
    await engine.close({withinMs: 60_000});
    expect(engine.health().evaluation.skippedBars).toBeGreaterThan(0);
    expect(engine.stateOf("heavy-0").skippedBars).toBeGreaterThan(0);
    expect(
      log.some((line) =>
        /^alerts: evaluation was ≈ \d+ s behind \(the limit is 0.05 s\): \d+ rules skip their oldest \d+ queued bars/.test(line),
      ),
    ).toBe(true);
    expect(engine.health().overrun).toEqual([]);
  });
});

describe("pairbook record with the heaviest rule set it accepts", () => {
  it("keeps recording: /health answers, the log is fsynced, SIGTERM stops it, every id lands once; figures against no rules", async () => {
    const baseline = await alertsLoad({rules: 0, steadyMs: 10_000});
    const heavyRun = await alertsLoad({rules: MAX_ALERT_RULES, steadyMs: 10_000});
    const row = (name: string, f: AlertsLoadFigures) =>
      `${name.padEnd(10)} health max ${Math.round(f.healthMaxMs)} ms (real-time phase ${Math.round(f.healthMaxSteadyMs)}) · receive lag max ${f.receiveLagMaxMs} ms · log write gap max ${f.walWriteGapMaxMs} ms · unsynced max ${f.unsyncedMax} (real-time phase ${f.unsyncedMaxSteady}) · stop ${Math.round(f.stopMs)} ms`;
    console.log(
      `alerts load (${MAX_ALERT_RULES} Theil-Sen rules at window ${MAX_THEIL_SEN_WINDOW} on 1 s bars vs none):\n${row("no rules", baseline)}\n${row(`${MAX_ALERT_RULES} rules`, heavyRun)}\n` +
        `  alerts: ${JSON.stringify({...heavyRun.alerts, overrun: heavyRun.alerts?.overrun.length})}`,
    );

    for (const f of [baseline, heavyRun]) {
      expect(f.exitCode).toBe(0);
      expect(f.stopMs).toBeLessThan(5000);
      for (const s of Object.values(f.lake)) expect(s).toEqual({rows: s.sent, ids: s.sent, sent: s.sent, first: true, last: true});
      expect(Object.keys(f.lake)).toEqual(symbols);
    }
    const f = heavyRun;
    expect([f.attempted, f.refused]).toEqual([MAX_ALERT_RULES, MAX_ALERT_RULES]);
    expect(f.alerts!.evaluation.slowest).not.toBeNull(); // the rules did run
    expect(f.healthErrors).toEqual([]);
    expect(f.healthMaxMs).toBeLessThan(2000); // startup and the catch-up at 40× included
    expect(f.healthMaxSteadyMs).toBeLessThan(500);
    expect(f.receiveLagMaxMs).toBeLessThan(1000);
    expect(f.walWriteGapMaxMs).toBeLessThan(1500);
    expect(f.unsyncedMaxSteady).toBeLessThan(250); // ~50 trades/s arrive: under 5 s of them
    // Every rule /health last showed paused is paused in the rules file. The file is read after the exit,
    // and rules evaluated on the last trades, between that /health and SIGTERM, may be paused too (a loaded
    // machine once paused 17 more there): so at least as many, never fewer.
    expect(f.pausedInFile).toBeGreaterThanOrEqual(f.alerts!.overrun.length);
  }, 180_000);
});
