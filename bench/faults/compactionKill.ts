// kill -9 of a real `pairbook record` in the middle of a compaction (lake/compact.ts: intent file
// `.compact-<output>.json`, then the output published, then the inputs deleted, then the intent).
// The partition folder is watched (inotify, through fs.watch) and the process is killed the moment
// the chosen step shows there: no sleep decides when.
import {existsSync, watch} from "node:fs";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {compactIntentName, compactIntentOutput} from "../../lake/layout.js";
import type {RecordProcess} from "./recordProcess.js";

/** "intent": as soon as an intent file appears; "output": as soon as that intent's output is published. */
export type KillMoment = "intent" | "output";

export interface CompactionKill {
  readonly moment: KillMoment;
  /** The compaction the kill was aimed at. */
  readonly intent: string;
  readonly output: string;
  /** What the folder held once the process was dead: the intent still there means the kill hit the compaction in progress. */
  readonly intentLeft: boolean;
  readonly outputPublished: boolean;
  /** Inputs the intent lists that are still there (null: the intent is gone or was torn by the kill). */
  readonly inputsLeft: number | null;
}

/**
 * Watches partition folder `dir` (it must exist) and SIGKILLs `recorder` the moment a compaction
 * reaches `moment`; resolves once the process has exited, with what the folder then holds. Rejects
 * if no compaction reaches it within `timeoutMs`, or if the process exits on its own.
 *
 *   const kill = await killDuringCompaction(recorder, partitionDir(lake, "BTCUSDT", day), "intent");
 *   kill.intentLeft; // true: the process died with the compaction unfinished
 */
export async function killDuringCompaction(
  recorder: RecordProcess,
  dir: string,
  moment: KillMoment,
  timeoutMs = 60_000,
): Promise<CompactionKill> {
  const watcher = watch(dir);
  let timer: NodeJS.Timeout | undefined;
  try {
    const target = await new Promise<{intent: string; output: string}>((resolve, reject) => {
      watcher.on("change", (_event, name) => {
        const file = String(name ?? "");
        const output = compactIntentOutput(file);
        // An intent appearing (not one being deleted), or an output appearing while its intent is still there.
        const hit =
          moment === "intent"
            ? output !== null && existsSync(join(dir, file)) && {intent: file, output}
            : file.endsWith(".parquet") &&
              !file.startsWith(".") &&
              existsSync(join(dir, compactIntentName(file))) &&
              existsSync(join(dir, file)) && {intent: compactIntentName(file), output: file};
        if (hit) (recorder.child.kill("SIGKILL"), resolve(hit));
      });
      watcher.on("error", reject);
      timer = setTimeout(() => reject(new Error(`no compaction reached "${moment}" in ${dir} within ${timeoutMs / 1000} s`)), timeoutMs);
      void recorder.exited.then((code) =>
        reject(
          new Error(`pairbook record exited (${code}) before a compaction reached "${moment}": ${recorder.output.slice(-3).join(" | ")}`),
        ),
      );
    });
    await recorder.exited;
    const intentLeft = existsSync(join(dir, target.intent));
    let inputsLeft: number | null = null;
    if (intentLeft) {
      try {
        const {inputs} = JSON.parse(await readFile(join(dir, target.intent), "utf8")) as {inputs: string[]};
        inputsLeft = inputs.filter((name) => name !== target.output && existsSync(join(dir, name))).length;
      } catch {
        // torn: killed while it was being written
      }
    }
    return {moment, ...target, intentLeft, outputPublished: existsSync(join(dir, target.output)), inputsLeft};
  } finally {
    clearTimeout(timer);
    watcher.close();
  }
}
