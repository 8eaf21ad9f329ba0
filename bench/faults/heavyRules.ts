// Heavy alert rules as a fault: the scenario of test/recorder/alertsLoadScenario.ts (a real
// `pairbook record` with MAX_ALERT_RULES Theil-Sen rules at the largest window on 1 s bars, as many
// more attempted through the API and refused), reported as bench:faults reports every fault.
import {MAX_ALERT_RULES} from "../../recorder/alerts/limits.js";
import {alertsLoad} from "../../test/recorder/alertsLoadScenario.js";
import type {FaultMeasure} from "./measure.js";

/**
 * Runs the heavy-rules scenario (~25 s: the market clock catches up from 400 s in the past, then
 * `steadyMs` in real time). Receive lag is from the real-time phase only (while the clock catches up,
 * trade times are in the past by construction); the fsync lag is the worst of the whole run.
 * Throws if the rules past the limit were not all refused, if an id is stored twice, or if the
 * recorder did not stop cleanly.
 */
export async function heavyRules({steadyMs = 8000, progress = (_line: string) => {}} = {}): Promise<FaultMeasure> {
  const fault = "heavy alert rules";
  const f = await alertsLoad({rules: MAX_ALERT_RULES, steadyMs});
  const overrun = f.alerts?.overrun.length ?? 0;
  progress(
    `${fault}: ${f.rules + f.attempted} rules attempted, ${f.rules} accepted, ${f.refused} refused by the API; ${overrun} paused for overrunning their budget; ` +
      `/health slowest ${Math.round(f.healthMaxSteadyMs)} ms in the real-time phase (${f.healthErrors.length} failed); SIGTERM → exit ${f.exitCode} in ${Math.round(f.stopMs)} ms`,
  );
  if (f.refused !== f.attempted)
    throw new Error(`${fault}: ${f.attempted - f.refused} of ${f.attempted} rules past the limit of ${MAX_ALERT_RULES} were not refused`);
  if (f.exitCode !== 0) throw new Error(`${fault}: pairbook record exited ${f.exitCode} on SIGTERM`);
  let lost = 0;
  for (const [symbol, s] of Object.entries(f.lake)) {
    if (s.rows !== s.ids) throw new Error(`${fault}: ${symbol}: ${s.rows - s.ids} ids stored more than once`);
    lost += s.sent - s.ids; // every stored id is one the simulator sent: the rest are lost
  }
  if (Object.keys(f.lake).length < 2) throw new Error(`${fault}: the lake holds trades of ${Object.keys(f.lake).length} of the 2 symbols`);
  return {fault, lost, worstReceiveLagMs: f.receiveLagMaxMs, worstFsyncLagMs: f.worstSyncLagMs, recoverySeconds: null};
}
