// The fault scenarios run on the shared rig (rigFault.ts), each against a real `pairbook record` and
// the simulator (400 trades/s per symbol, a publish a second unless said otherwise):
//  - no fault: the reference figures of the same run;
//  - hostile clients: 20 live-feed clients throwing random and mutated frames, and garbage HTTP;
//  - foreign Origin/Host: a foreign (or DNS-rebinding) page's requests and upgrades, all refused;
//  - second recorder: `pairbook record` started again and again on the same lake (must exit 5);
//  - outage: the recorder stopped while the simulator's REST history (1 s of trades) moves past what it
//    missed, then restarted: the hole must be stored as an unfilled gap record;
//  - kill -9 during compaction: killed as a compaction writes its intent, or publishes its output
//    before deleting its inputs (compactionKill.ts), publishing every 0.1 s; restarted each time.
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import {TradeHistoryClient} from "../../recorder/binance/rest.js";
import {Random} from "../../simulator/random.js";
import {lastStoredId} from "../../lake/files.js";
import {symbolDir} from "../../lake/layout.js";
import {fuzzClient, fuzzTally, hostileHttp} from "../../test/recorder/hostileFrames.js";
import {pairbook} from "../../test/cli/pairbook.js";
import {killDuringCompaction, type KillMoment} from "./compactionKill.js";
import {hammerForeign} from "./foreignRequests.js";
import type {Rig} from "./rig.js";
import type {RigFault} from "./rigFault.js";

/** How long each fault is held, s. */
const faultSeconds = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Progress = (line: string) => void;

/** The scenarios by name, in the order bench:faults runs them. */
export function recorderFaults(progress: Progress): Record<string, RigFault> {
  return {
    "no fault": {inject: async () => (await sleep(faultSeconds * 1000), null)},
    "hostile clients": {inject: (rig) => hostileClients(rig, progress)},
    "foreign Origin/Host": {
      rig: {rules: [{id: "p0", target: "BTCUSDT", metric: "price", comparator: ">", threshold: 1e12}]},
      inject: (rig) => foreignRequests(rig, progress),
    },
    "second recorder": {inject: (rig) => secondRecorder(rig, progress)},
    outage: {rig: {historyCapacity: 400}, inject: (rig) => outage(rig, progress)},
    "kill -9 during compaction": {rig: {args: ["--publish-interval", "0.1"]}, inject: (rig) => compactionKills(rig, progress)},
  };
}

async function hostileClients(rig: Rig, progress: Progress): Promise<null> {
  const {port} = rig.recorder,
    until = Date.now() + faultSeconds * 1000,
    tally = fuzzTally();
  await Promise.all([
    ...Array.from({length: 20}, (_, k) => fuzzClient(port, new Random(1000 + k), {symbols: rig.symbols, until}, tally)),
    hostileHttp(port, new Random(999), 100),
  ]);
  progress(
    `hostile clients: ${tally.frames} frames from 20 clients, closes by code ${JSON.stringify(Object.fromEntries(tally.closes))}, ${tally.refused.count} upgrades refused`,
  );
  if (tally.refused.opened > 0) throw new Error(`hostile clients: a foreign origin got ${tally.refused.opened} live-feed sockets`);
  if ((tally.closes.get(1011) ?? 0) > 0)
    throw new Error(`hostile clients: ${tally.closes.get(1011)} clients closed with 1011 (a handler threw)`);
  return null;
}

async function foreignRequests(rig: Rig, progress: Progress): Promise<null> {
  const {port} = rig.recorder;
  const tally = await hammerForeign(port, {until: Date.now() + faultSeconds * 1000});
  const rules = (await (await fetch(`http://127.0.0.1:${port}/alerts/rules`)).json()) as {rules: {id: string; paused: boolean}[]};
  progress(
    `foreign Origin/Host: ${tally.requests} requests, answers by status ${JSON.stringify(tally.byStatus)}; rules afterwards ${JSON.stringify(rules.rules.map((r) => ({id: r.id, paused: r.paused})))}`,
  );
  if (tally.served.length > 0) throw new Error(`foreign Origin/Host: ${tally.served.length} served, e.g. ${tally.served[0]}`);
  if (rules.rules.length !== 1 || rules.rules[0].id !== "p0" || rules.rules[0].paused)
    throw new Error("foreign Origin/Host: the alert rules changed");
  return null;
}

async function secondRecorder(rig: Rig, progress: Progress): Promise<null> {
  const until = Date.now() + faultSeconds * 1000,
    codes: (number | null)[] = [];
  let message = "";
  while (Date.now() < until) {
    const run = await pairbook(rig.args);
    codes.push(run.code);
    message = run.stderr.trim();
    if (run.code !== 5 || message.split("\n").length !== 1 || !/one writer per lake/.test(message))
      throw new Error(`second recorder: exited ${run.code}, not 5 with one line: ${message}`);
  }
  progress(`second recorder: ${codes.length} starts on the same lake, each exit 5: "${message}"`);
  return null;
}

async function outage(rig: Rig, progress: Progress): Promise<number> {
  const code = await rig.recorder.stop();
  if (code !== 0) throw new Error(`outage: pairbook record exited ${code} on SIGTERM`);
  const stoppedAt = performance.now(),
    rest = new TradeHistoryClient(rig.simulator.restUrl);
  // Down until the exchange's history no longer has the first id the lake is missing, and at least faultSeconds.
  for (const symbol of rig.symbols) {
    const next = (await lastStoredId(rig.lake, symbol))! + 1;
    for (let deadline = Date.now() + 30_000; (await rest.historicalTrades(symbol, next, {limit: 1}))[0]?.id === next; await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`outage: the simulator still has ${symbol} id ${next} after 30 s`);
    }
  }
  await sleep(faultSeconds * 1000 - (performance.now() - stoppedAt));
  const recovery = await rig.restart();
  const h = await rig.until(
    "the hole stored as an unfilled gap",
    (h) => rig.symbols.every((s) => h.symbols[s].gapsUnfilled >= 1 && !h.symbols[s].openGap),
    60_000,
  );
  progress(
    `outage: down ${((performance.now() - stoppedAt) / 1000).toFixed(1)} s, recording again ${recovery.toFixed(1)} s after the restart; unfilled gaps ${rig.symbols.map((s) => `${s} ${h.symbols[s].gapsUnfilled}`).join(", ")}`,
  );
  return recovery;
}

async function compactionKills(rig: Rig, progress: Progress): Promise<number> {
  const moments: KillMoment[] = ["intent", "output", "intent"];
  let worst = 0,
    hits = 0;
  for (const moment of moments) {
    await rig.until("a first publish", (h) => h.filesPublished > 0);
    const root = symbolDir(rig.lake, rig.symbols[0]);
    const kill = await killDuringCompaction(rig.recorder, join(root, (await readdir(root)).sort().pop()!), moment);
    hits += Number(kill.intentLeft);
    worst = Math.max(worst, await rig.restart());
  }
  progress(
    `kill -9 during compaction: ${moments.length} kills, ${hits} with the compaction unfinished; worst restart → recording again ${worst.toFixed(1)} s`,
  );
  if (hits === 0) throw new Error("kill -9 during compaction: no kill came while a compaction was unfinished");
  return worst;
}
