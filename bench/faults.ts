// npm run bench:faults [-- --only "disk full"]
// Runs each fault scenario against real processes (`pairbook record` and the simulator) and prints,
// per fault: trades lost (must be 0), the recorder's worst receive lag and fsync lag during it, and
// the recovery time, with a "no fault" row measured the same way in the same run to compare against.
// Exits 1 if a scenario lost a trade or failed. Scenarios are a plain list: add one as
// {fault, run: () => Promise<FaultMeasure>} (bench/faults/measure.ts); most run on the shared rig
// (bench/faults/rigFault.ts). Storage faults need root (a tmpfs) and are skipped, saying why, without it.
import {parseArgs} from "node:util";
import {heavyRules} from "./faults/heavyRules.js";
import {type FaultMeasure, type FaultRow, faultTable} from "./faults/measure.js";
import {recorderFaults} from "./faults/recorderFaults.js";
import {runRigFault} from "./faults/rigFault.js";
import {runStorageFault, storageFaults, storageFaultsUnavailable} from "./faults/storage.js";

const {values} = parseArgs({options: {only: {type: "string"}}});
const progress = (line: string) => console.log(`  ${line}`);

const {"no fault": noFault, ...onRig} = recorderFaults(progress);
const storageSkip = await storageFaultsUnavailable();
const scenarios: {fault: string; skip?: string | null; run: () => Promise<FaultMeasure>}[] = [
  {fault: "no fault", run: () => runRigFault("no fault", noFault, progress)},
  ...storageFaults.map((fault) => ({fault, skip: storageSkip, run: () => runStorageFault(fault, {progress})})),
  ...Object.entries(onRig).map(([fault, scenario]) => ({fault, run: () => runRigFault(fault, scenario, progress)})),
  {fault: "heavy alert rules", run: () => heavyRules({progress})},
];
if (values.only && !scenarios.some((s) => s.fault === values.only)) {
  console.error(`bench:faults: no scenario "${values.only}" (expected one of: ${scenarios.map((s) => s.fault).join(", ")})`);
  process.exit(2);
}

const rows: FaultRow[] = [];
const started = performance.now();
for (const {fault, skip, run} of scenarios) {
  if (values.only && fault !== values.only) continue;
  if (skip) {
    rows.push({fault, error: `skipped: ${skip}`});
    continue;
  }
  console.log(`${fault} …`);
  const t0 = performance.now();
  try {
    const {lost, worstReceiveLagMs, worstFsyncLagMs, recoverySeconds} = await run();
    rows.push({fault, lost, worstReceiveLagMs, worstFsyncLagMs, recoverySeconds});
  } catch (error) {
    rows.push({fault, error: `failed: ${(error as Error).message}`});
  }
  progress(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log(`\n${faultTable(rows)}\n
lost: ids the simulator sent that are neither in the lake nor covered by a stored gap record (each
      scenario also fails if an id is stored twice).
worst receive lag: trade time → accepted, of the latest trade, sampled from /health every 100 ms during
      the fault and until 200 more trades per symbol were recorded after it (a short burst, e.g. a
      backfill, can fall between samples; heavy alert rules: its real-time phase only).
worst fsync lag: the longest an accepted trade waited for the log's fsync (/health worstSyncLagMs) over
      the whole run, restarts included.
recovery: fault removed → lakeError cleared (storage faults), or restart → recording again (outage,
      kill -9); — : recording never stopped (checked: same process, trades recorded during the fault).
Rates per symbol, 2 symbols: 400 trades/s; past the memory bound 2000/s; heavy alert rules 25/s of
      market time, 40× fast until its clock catches up. Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
process.exitCode = rows.some((r) => ("error" in r ? r.error.startsWith("failed") : r.lost > 0)) ? 1 : 0;
