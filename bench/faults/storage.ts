// Storage faults against a real `pairbook record` (its own process) recording the simulator into a
// lake on a small tmpfs. Each fault is injected for real, held for `faultSeconds`, then removed; the
// run ends with the simulator stopped, the recorder stopped with SIGTERM and the lake audited:
//  - disk full: a ballast file fills the tmpfs (ENOSPC on log writes, publishes, compaction, gaps);
//  - read-only lake: chmod -R a-w on the lake. Root ignores permission bits, so the recorder runs as
//    root without capabilities (setpriv --inh-caps=-all --bounding-set=-all): EACCES on creating log
//    segments, publishing, deleting. (`mount -o remount,ro` is refused while the recorder holds its
//    log open for writing: "mount point is busy".) Open log segments stay writable, as they would;
//  - lake deleted: rm -rf of the lake folder, and a file put in its place for the fault's duration
//    so it cannot be recreated at once (ENOTDIR/EEXIST); a long publish interval keeps every trade
//    of the run in the write-ahead log, so all of them depend on the log surviving the deletion;
//  - disk full past the memory bound: as disk full, at a higher rate with --max-buffer-mb 0.25, so
//    the recorder stops reading the exchange and backfills the hole from REST once storage is back.
import {execFile} from "node:child_process";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {promisify} from "node:util";
import type {RecorderHealth} from "../../src/protocol/health.js";
import {startSimulator} from "../../simulator/index.js";
import {auditLake, type GapRow} from "./lakeAudit.js";
import type {FaultMeasure} from "./measure.js";
import {type RecordProcess, startRecordProcess} from "./recordProcess.js";
import {mountTmpfs, type Tmpfs} from "./tmpfs.js";

const run = promisify(execFile);

export const storageFaults = ["disk full", "read-only lake", "lake deleted", "disk full past the memory bound"] as const;
export type StorageFault = (typeof storageFaults)[number];

export interface StorageFaultOptions {
  /** How long the fault is held, s. Default 3. */
  faultSeconds?: number;
  /** Trades per second per symbol. Default 400 (2000 past the memory bound). */
  rate?: number;
  symbols?: readonly string[];
  /** Progress lines. */
  progress?: (line: string) => void;
  /** Runs while the fault is held (after it shows in /health), e.g. to ask `pairbook status`. */
  duringFault?: (recorder: RecordProcess) => Promise<void>;
}

/** The measure, and the evidence tests check. */
export interface StorageFaultResult extends FaultMeasure {
  duplicates: number;
  lostRanges: Record<string, [number, number][]>;
  /** The lake error /health showed once the fault hit, and just before it was removed. */
  lakeErrorDuringFault: string | null;
  lakeErrorBeforeRemoval: string | null;
  /** The lake error once recovered (null), read after more trades were recorded. */
  lakeErrorAfter: string | null;
  /** Whether the recorder closed its connection (backpressure) during the fault. */
  pausedReading: boolean;
  /** Trades recorded per symbol after recovery (fewest over the symbols). */
  tradesAfterRecovery: number;
  exitCode: number | null;
  output: string[];
  gaps: GapRow[];
}

interface Scenario {
  rate: number;
  args: string[];
  wrapper?: string[];
  /** Wait for a first publish before the fault. */
  published: boolean;
  inject(tmpfs: Tmpfs, lake: string): Promise<void>;
  remove(tmpfs: Tmpfs, lake: string): Promise<void>;
  /** Extra condition to reach before holding the fault. */
  hit?(health: RecorderHealth): boolean;
}

const scenarios: Record<StorageFault, Scenario> = {
  "disk full": {
    rate: 400,
    args: ["--publish-interval", "1"],
    published: true,
    inject: async (t) => void (await t.fill()),
    remove: (t) => t.unfill(),
  },
  "read-only lake": {
    rate: 400,
    args: ["--publish-interval", "1"],
    published: true,
    wrapper: ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"],
    inject: async (_, lake) => void (await run("chmod", ["-R", "a-w", lake])),
    remove: async (_, lake) => void (await run("chmod", ["-R", "u+w", lake])),
  },
  "lake deleted": {
    rate: 400,
    args: ["--publish-interval", "60"],
    published: false,
    inject: async (_, lake) => (await rm(lake, {recursive: true, force: true}), await writeFile(lake, "in the way of the lake folder\n")),
    remove: (_, lake) => rm(lake, {force: true}),
  },
  "disk full past the memory bound": {
    rate: 2000,
    args: ["--publish-interval", "1", "--max-buffer-mb", "0.25"],
    published: true,
    inject: async (t) => void (await t.fill()),
    remove: (t) => t.unfill(),
    hit: (h) => h.connections.some((c) => c.state === "reconnecting"),
  },
};

/** Why storage faults cannot run here (not root, no tmpfs, no setpriv), or null. */
export async function storageFaultsUnavailable(): Promise<string | null> {
  const tmpfs = await mountTmpfs(1 << 20);
  if (typeof tmpfs === "string") return tmpfs;
  await tmpfs.unmount();
  try {
    await run("setpriv", ["--inh-caps=-all", "--bounding-set=-all", "--", "true"]);
  } catch (error) {
    return `setpriv cannot drop capabilities: ${(error as Error).message.split("\n")[0]}`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one storage fault scenario end to end and audits the lake. Needs root (see storageFaultsUnavailable). */
export async function runStorageFault(fault: StorageFault, options: StorageFaultOptions = {}): Promise<StorageFaultResult> {
  const scenario = scenarios[fault];
  const {faultSeconds = 3, rate = scenario.rate, symbols = ["BTCUSDT", "ETHUSDT"], progress = () => {}, duringFault} = options;
  const tmpfs = await mountTmpfs(64 << 20);
  if (typeof tmpfs === "string") throw new Error(`${fault}: ${tmpfs}`);
  const lake = join(tmpfs.dir, "lake");
  await mkdir(lake);
  const simulator = await startSimulator({port: 0, symbols: [...symbols], rate, seed: 7});
  let recorder: RecordProcess | undefined;
  let polling = true,
    latest: RecorderHealth | undefined,
    watching = false,
    worstReceiveLagMs = 0,
    pausedReading = false;
  try {
    recorder = await startRecordProcess({
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      symbols,
      args: scenario.args,
      wrapper: scenario.wrapper,
    });
    const rec = recorder;
    const polled = (async () => {
      while (polling) {
        latest = await rec.health().catch(() => latest);
        if (latest && watching) {
          for (const s of Object.values(latest.symbols)) worstReceiveLagMs = Math.max(worstReceiveLagMs, s.receiveLagMs ?? 0);
          if (latest.connections.some((c) => c.state === "reconnecting")) pausedReading = true;
        }
        await sleep(100);
      }
    })();
    /** Waits (polling /health, bounded) until `ok` holds. */
    const until = async (what: string, ok: (h: RecorderHealth) => boolean, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!latest || !ok(latest)) {
        if (Date.now() > deadline)
          throw new Error(
            `${fault}: timed out waiting for ${what} (lakeError ${latest?.lakeError ?? null}; last lines: ${rec.output.slice(-3).join(" | ")})`,
          );
        if (rec.child.exitCode !== null)
          throw new Error(
            `${fault}: the recorder exited (${rec.child.exitCode}) while waiting for ${what}: ${rec.output.slice(-5).join(" | ")}`,
          );
        await sleep(50);
      }
      return latest;
    };
    const trades = (h: RecorderHealth) => Object.fromEntries(Object.entries(h.symbols).map(([k, s]) => [k, s.trades]));
    const settled = (h: RecorderHealth) =>
      Object.values(h.symbols).every((s) => !s.openGap) && h.connections.every((c) => c.state === "open");

    const started = await until(
      "trades and a first publish",
      (h) =>
        Object.keys(h.symbols).length === symbols.length &&
        Object.values(h.symbols).every((s) => s.trades >= 200) &&
        (!scenario.published || h.lastPublishAt !== null),
    );
    progress(`${fault}: recording (${Object.values(trades(started)).join(" + ")} trades); injecting the fault for ${faultSeconds} s`);
    watching = true;
    await scenario.inject(tmpfs, lake);
    const hit = await until("the fault to show in /health", (h) => h.lakeError !== null && (scenario.hit?.(h) ?? true));
    const lakeErrorDuringFault = hit.lakeError;
    const heldUntil = Date.now() + faultSeconds * 1000;
    await duringFault?.(rec);
    await sleep(heldUntil - Date.now()); // the fault's duration is the scenario's parameter
    const lakeErrorBeforeRemoval = (await rec.health()).lakeError;
    await scenario.remove(tmpfs, lake);
    const removedAt = Date.now();
    const recovered = await until("lakeError to clear", (h) => h.lakeError === null, 60_000);
    const recoverySeconds = (Date.now() - removedAt) / 1000;
    const atRecovery = trades(recovered);
    progress(`${fault}: recovered in ${recoverySeconds.toFixed(1)} s; recording on`);
    const after = await until(
      "200 more trades per symbol, every hole backfilled",
      (h) => settled(h) && Object.entries(h.symbols).every(([k, s]) => s.trades >= atRecovery[k] + 200),
    );
    watching = false;
    const tradesAfterRecovery = Math.min(...Object.entries(after.symbols).map(([k, s]) => s.trades - atRecovery[k]));
    const lakeErrorAfter = after.lakeError;
    await simulator.close();
    const sent = simulator.sent();
    const last = await until(
      "every trade sent",
      (h) =>
        Object.values(h.symbols).every((s) => !s.openGap) && Object.entries(sent).every(([k, s]) => (h.symbols[k]?.lastId ?? -1) >= s.last),
    );
    polling = false;
    await polled;
    const exitCode = await rec.stop();
    const audit = await auditLake(lake, sent);
    progress(`${fault}: ${audit.lost} lost, ${audit.duplicates} duplicates, exit ${exitCode}`);
    return {
      fault,
      lost: audit.lost,
      worstReceiveLagMs,
      worstFsyncLagMs: last.worstSyncLagMs,
      recoverySeconds,
      duplicates: audit.duplicates,
      lostRanges: audit.lostRanges,
      lakeErrorDuringFault,
      lakeErrorBeforeRemoval,
      lakeErrorAfter,
      pausedReading,
      tradesAfterRecovery,
      exitCode,
      output: rec.output,
      gaps: audit.gaps,
    };
  } finally {
    polling = false;
    if (recorder && recorder.child.exitCode === null && recorder.child.signalCode === null) {
      recorder.child.kill("SIGKILL");
      await recorder.exited;
    }
    await simulator.close();
    await run("chmod", ["-R", "u+w", tmpfs.dir]).catch(() => {});
    await tmpfs.unmount();
  }
}
