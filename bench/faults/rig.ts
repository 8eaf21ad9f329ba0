// The rig most fault scenarios share: the simulator and a real `pairbook record` (its own process)
// recording it into a fresh lake, /health polled every 100 ms (the worst receive lag kept while
// `measuring`, the worst fsync lag of every recorder process), and the end they all have: stop the
// source, wait until the recorder holds every id sent, SIGTERM it (exit 0) and audit the lake.
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {RecorderHealth} from "../../src/protocol/health.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import {auditLake, type LakeAudit} from "./lakeAudit.js";
import {type RecordProcess, recordArgs, startRecordProcess} from "./recordProcess.js";

export interface RigOptions {
  symbols?: readonly string[];
  /** Trades per second per symbol; default 400. */
  rate?: number;
  seed?: number;
  /** Trades per symbol the simulator's REST history keeps (historicalTrades); default 1 000 000. */
  historyCapacity?: number;
  /** More `pairbook record` flags; default `--publish-interval 1`. */
  args?: readonly string[];
  /** Evaluate alert rules, starting with these (written to `<root>/alerts.json`); default none (--no-alerts). */
  rules?: readonly unknown[];
}

export interface Rig {
  /** A temp folder holding the lake (and the alert rules file); removed by close(). */
  readonly root: string;
  readonly lake: string;
  readonly alertsFile: string | undefined;
  readonly symbols: readonly string[];
  readonly simulator: Simulator;
  /** The running `pairbook record` (a new one after restart()). */
  readonly recorder: RecordProcess;
  /** The latest /health of the running recorder (undefined until it answers). */
  readonly latest: RecorderHealth | undefined;
  /** While true, /health's receive lags count towards worstReceiveLagMs. */
  measuring: boolean;
  readonly worstReceiveLagMs: number;
  /** The largest RecorderHealth.worstSyncLagMs seen, over every recorder process of the rig. */
  readonly worstFsyncLagMs: number;
  /** `pairbook record` arguments for this rig's lake and simulator, e.g. to start a second recorder. */
  readonly args: string[];
  /** Waits (bounded) until the running recorder's /health satisfies `ok`; throws if it exits meanwhile. */
  until(what: string, ok: (h: RecorderHealth) => boolean, timeoutMs?: number): Promise<RecorderHealth>;
  /** Waits until every symbol has stored `n` more trades than now (this process) and no hole is being backfilled. */
  recorded(n: number): Promise<RecorderHealth>;
  /** Starts a new `pairbook record` on the lake (the previous one has ended); resolves with the seconds from spawn to recording again. */
  restart(): Promise<number>;
  /** Stops the simulator, waits for every id sent, stops the recorder with SIGTERM (exit 0 expected) and audits the lake. */
  finish(): Promise<LakeAudit>;
  /** Kills what still runs and removes the temp folder. Idempotent. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True once every connection is open and every symbol has received a trade in this process. */
export const recording = (symbols: readonly string[]) => (h: RecorderHealth) =>
  h.connections.length > 0 && h.connections.every((c) => c.state === "open") && symbols.every((s) => h.symbols[s]?.receivedAt != null);

/**
 * Starts the simulator and `pairbook record` on a fresh lake; resolves once the recorder is recording.
 *
 *   const rig = await startRig({rate: 400}); rig.measuring = true; … const audit = await rig.finish(); await rig.close();
 */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const {symbols = ["BTCUSDT", "ETHUSDT"], rate = 400, seed = 7, historyCapacity, args = ["--publish-interval", "1"], rules} = options;
  const root = await mkdtemp(join(tmpdir(), "pairbook-fault-"));
  const lake = join(root, "lake"),
    alertsFile = rules ? join(root, "alerts.json") : undefined;
  if (alertsFile) await writeFile(alertsFile, JSON.stringify({rules}));
  const simulator = await startSimulator({port: 0, symbols: [...symbols], rate, seed, historyCapacity});
  const processOptions = {lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl, symbols, args, alerts: alertsFile};
  let recorder: RecordProcess | undefined,
    latest: RecorderHealth | undefined,
    polling = true,
    closed = false;
  let worstReceiveLagMs = 0,
    worstFsyncLagMs = 0;
  const rig = {
    root,
    lake,
    alertsFile,
    symbols,
    simulator,
    measuring: false,
    get recorder() {
      return recorder!;
    },
    get latest() {
      return latest;
    },
    get worstReceiveLagMs() {
      return worstReceiveLagMs;
    },
    get worstFsyncLagMs() {
      return worstFsyncLagMs;
    },
    args: recordArgs(processOptions),
    async until(what: string, ok: (h: RecorderHealth) => boolean, timeoutMs = 30_000) {
      const rec = recorder!,
        deadline = Date.now() + timeoutMs;
      while (!latest || !ok(latest)) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what} (lakeError ${latest?.lakeError ?? null}; last lines: ${rec.output.slice(-3).join(" | ")})`,
          );
        if (rec.child.exitCode !== null || rec.child.signalCode !== null)
          throw new Error(
            `the recorder exited (${rec.child.exitCode ?? rec.child.signalCode}) while waiting for ${what}: ${rec.output.slice(-5).join(" | ")}`,
          );
        await sleep(50); // /health is polled every 100 ms
      }
      return latest;
    },
    async recorded(n: number) {
      const now = await rig.until("a first /health", () => true);
      const target = Object.fromEntries(symbols.map((s) => [s, (now.symbols[s]?.trades ?? 0) + n]));
      return rig.until(
        `${n} more trades per symbol, no hole being backfilled`,
        (h) => symbols.every((s) => (h.symbols[s]?.trades ?? 0) >= target[s] && !h.symbols[s].openGap),
        60_000,
      );
    },
    async restart() {
      latest = undefined;
      const spawnedAt = performance.now();
      recorder = await startRecordProcess(processOptions);
      await rig.until("recording again", recording(symbols));
      return (performance.now() - spawnedAt) / 1000;
    },
    async finish() {
      await simulator.close();
      const sent = simulator.sent();
      await rig.until(
        "every trade sent",
        (h) => Object.entries(sent).every(([k, s]) => !h.symbols[k]?.openGap && (h.symbols[k]?.lastId ?? -1) >= s.last),
        60_000,
      );
      polling = false;
      await poller;
      const exitCode = await recorder!.stop();
      if (exitCode !== 0) throw new Error(`pairbook record exited ${exitCode} on SIGTERM: ${recorder!.output.slice(-3).join(" | ")}`);
      return auditLake(lake, sent);
    },
    async close() {
      if (closed) return;
      closed = true;
      polling = false;
      await poller;
      if (recorder && recorder.child.exitCode === null && recorder.child.signalCode === null) {
        recorder.child.kill("SIGKILL");
        await recorder.exited;
      }
      await simulator.close();
      await rm(root, {recursive: true, force: true});
    },
  };
  const poller = (async () => {
    while (polling) {
      const rec = recorder;
      const h = rec && rec.child.exitCode === null && rec.child.signalCode === null ? await rec.health().catch(() => undefined) : undefined;
      if (h && rec === recorder) {
        latest = h;
        worstFsyncLagMs = Math.max(worstFsyncLagMs, h.worstSyncLagMs);
        if (rig.measuring) for (const s of Object.values(h.symbols)) worstReceiveLagMs = Math.max(worstReceiveLagMs, s.receiveLagMs ?? 0);
      }
      await sleep(100);
    }
  })();
  try {
    await rig.restart();
  } catch (error) {
    await rig.close();
    throw error;
  }
  return rig;
}
