// One fault scenario on a fresh rig (rig.ts), measured the same way for every fault and for the
// "no fault" reference: record 200 trades per symbol, measure while the fault runs and while 200
// more are recorded after it, then stop the source and the recorder and audit the lake.
import type {FaultMeasure} from "./measure.js";
import {type Rig, type RigOptions, startRig} from "./rig.js";

export interface RigFault {
  /** Rig options (rate, publish interval, alert rules…). */
  rig?: RigOptions;
  /**
   * Injects the fault and removes it (or lets it end); resolves with the recovery time, s, or null
   * when the recorder kept recording throughout (checked: same process, more trades of every symbol).
   */
  inject(rig: Rig): Promise<number | null>;
}

/** Runs `scenario` end to end; throws if the recorder stopped recording, stored an id twice, or exited badly. */
export async function runRigFault(fault: string, scenario: RigFault, progress: (line: string) => void = () => {}): Promise<FaultMeasure> {
  const rig = await startRig(scenario.rig);
  try {
    const before = await rig.recorded(200);
    const pid = rig.recorder.child.pid;
    rig.measuring = true;
    const recoverySeconds = await scenario.inject(rig);
    if (recoverySeconds === null) {
      const during = await rig.until("a /health after the fault", () => true);
      const stalled = rig.symbols.filter((s) => during.symbols[s].trades <= before.symbols[s].trades);
      if (rig.recorder.child.pid !== pid) throw new Error(`${fault}: the recorder was restarted, yet the scenario reports no recovery`);
      if (stalled.length > 0) throw new Error(`${fault}: no trade of ${stalled.join(", ")} was recorded during the fault`);
    }
    await rig.recorded(200);
    rig.measuring = false;
    const audit = await rig.finish();
    progress(
      `${fault}: ${audit.lost} lost, ${audit.duplicates} stored twice, ${audit.gaps.filter((g) => !g.filled).length} unfilled gap records`,
    );
    if (audit.duplicates > 0) throw new Error(`${fault}: ${audit.duplicates} ids stored more than once`);
    return {fault, lost: audit.lost, worstReceiveLagMs: rig.worstReceiveLagMs, worstFsyncLagMs: rig.worstFsyncLagMs, recoverySeconds};
  } finally {
    await rig.close();
  }
}
