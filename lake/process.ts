// Whether a process named in a lock file still runs: the pid alone is not enough (pids are reused, a
// killed child stays a zombie until reaped, a reboot starts pids over). On Linux, /proc gives the
// kernel's boot id and each process's start time; elsewhere only the pid is checked.
import {readFileSync} from "node:fs";

let boot: string | null | undefined;

/** This boot of the machine (Linux), or null. */
export function bootId(): string | null {
  if (boot === undefined) boot = readOr("/proc/sys/kernel/random/boot_id")?.trim() || null;
  return boot;
}

/** The start time of process `pid`, in clock ticks since boot (Linux), or null. */
export function processStart(pid: number): string | null {
  return procStat(pid)?.start ?? null;
}

/**
 * Whether process `pid` runs and is the one that started at `start` (when known): false if it does
 * not exist, is a zombie, or its pid now names a process started at another time.
 */
export function processRuns(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    // EPERM: it exists, run by another user.
  }
  const stat = procStat(pid);
  if (stat?.state === "Z") return false; // killed, not yet reaped by its parent
  if (start && stat && stat.start !== start) return false;
  return true;
}

/** State and start time (field 22) of a process from /proc/<pid>/stat, or null. */
function procStat(pid: number): {state: string; start: string} | null {
  const text = readOr(`/proc/${pid}/stat`);
  if (!text) return null;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" "); // after "pid (comm) ": field 3 onwards
  return fields.length > 19 ? {state: fields[0], start: fields[19]} : null;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
