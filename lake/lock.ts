// One writer per lake. `pairbook record` and `pairbook import` hold `<lake>/.lock/` while they write;
// a second writer is refused, naming the holder. The lock is a series of numbered files
// (`<lake>/.lock/000000000007.json`, each holding its writer's pid, host and start), and the highest
// number is the lock: a writer creates number n + 1 (atomically, with a hard link of a complete temp
// file: it either exists with its full content or not at all) only after finding number n released or
// stale, so of two processes taking over the same stale lock at once, exactly one creates n + 1 and
// the other finds it live. The highest file is never deleted (a release marks it released), so numbers
// only grow and a slow process cannot take a number back. A lock is stale when its process is gone:
// dead on this host (or a zombie), its pid reused by another process (Linux: /proc start time), or
// the machine rebooted since (Linux: boot id). A kill -9 leaves a stale lock that the next start takes.
import {randomUUID} from "node:crypto";
import {link, open, readdir, readFile, rename, rm, stat, writeFile} from "node:fs/promises";
import {hostname} from "node:os";
import {join} from "node:path";
import {lakeAccess, makeFolder} from "./access.js";
import {lockDir, tempName} from "./layout.js";
import {bootId, processRuns, processStart} from "./process.js";

/** What a lock file says about its writer. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The writer's command, e.g. "pairbook record". */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Linux only: kernel boot id and the process's start time (clock ticks since boot), else null. */
  readonly bootId: string | null;
  readonly processStart: string | null;
  /** Unique per acquisition. */
  readonly token: string;
  readonly released?: boolean;
}

/** The lake is held by another live writer. */
export class LakeLockedError extends Error {
  override name = "LakeLockedError";
  constructor(
    readonly lake: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === hostname() ? "" : ` on host ${holder.host}`;
    const remote = holder.host === hostname() ? "" : ` (if it no longer runs there, delete ${lockDir(lake)})`;
    super(
      `the lake at ${lake} is in use by ${holder.command} (pid ${holder.pid}${where}, since ${holder.since}): one writer per lake${remote}`,
    );
  }
}

export interface LakeLock {
  readonly lake: string;
  readonly generation: number;
  /** The holder of a stale lock this one took over (its process was gone), else null. */
  readonly tookOver: LockHolder | null;
  /** Marks the lock released (only if it is still this one). Idempotent. */
  release(): Promise<void>;
}

const heldHere = new Set<string>(); // tokens of locks this process holds
const lockName = /^(\d{12})\.json$/;

/**
 * Takes the lake's exclusive writer lock for `command`, creating the lake folder if needed; a stale
 * lock is taken over. Throws LakeLockedError when a live writer holds it, LakeAccessError when the
 * lake cannot be created or written.
 *
 *   const lock = await acquireLakeLock("./data", {command: "pairbook record"}); … await lock.release();
 */
export function acquireLakeLock(lake: string, {command}: {command: string}): Promise<LakeLock> {
  return lakeAccess(lake, "write", () => acquire(lake, command));
}

async function acquire(lake: string, command: string): Promise<LakeLock> {
  const dir = lockDir(lake);
  await makeFolder(dir);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    since: new Date().toISOString(),
    bootId: bootId(),
    processStart: processStart(process.pid),
    token: randomUUID(),
  };
  for (let attempt = 0; attempt < 100; ++attempt) {
    const top = await topGeneration(dir);
    let stale: LockHolder | null = null;
    if (top > 0) {
      const holder = await readHolder(join(dir, fileName(top)));
      if (holder === "vanished") continue; // replaced or cleaned up between listing and reading: look again
      if (holder === "young") {
        await new Promise((resolve) => setTimeout(resolve, 50)); // written without a hard link, still being written
        continue;
      }
      if (holder && holderAlive(holder)) throw new LakeLockedError(lake, holder);
      stale = holder && !holder.released ? holder : null;
    }
    const generation = top + 1,
      path = join(dir, fileName(generation));
    if (!(await createComplete(dir, path, JSON.stringify(me)))) continue; // another process took this number first
    // A process that read an older number long ago may have created a higher one meanwhile: the highest wins.
    if ((await topGeneration(dir)) !== generation) {
      await rm(path, {force: true});
      continue;
    }
    heldHere.add(me.token);
    for (const n of await generations(dir)) if (n < generation) await rm(join(dir, fileName(n)), {force: true});
    return {
      lake,
      generation,
      tookOver: stale,
      async release() {
        if (!heldHere.delete(me.token)) return;
        const current = await readHolder(path);
        if (typeof current !== "object" || current?.token !== me.token) return; // taken over meanwhile: not ours to touch
        const temp = join(dir, tempName(`${me.token}.released`));
        await writeFile(temp, JSON.stringify({...me, released: true}));
        await rename(temp, path);
      },
    };
  }
  throw new Error(`could not take the lock of the lake at ${lake}: other processes keep taking it`);
}

/**
 * The live writer holding the lake's lock, or null when it is free (never taken, released or stale).
 * Throws when it cannot tell (an unreadable lock, a lock changing hands on every look).
 */
export async function lakeLockHolder(lake: string): Promise<LockHolder | null> {
  const dir = lockDir(lake);
  for (let attempt = 0; attempt < 100; ++attempt) {
    const top = await topGeneration(dir);
    if (top === 0) return null;
    const holder = await readHolder(join(dir, fileName(top)));
    if (holder === "vanished") continue;
    if (holder === "young") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    return holder && holderAlive(holder) ? holder : null;
  }
  throw new Error(`cannot tell who holds the lock of the lake at ${lake}: it keeps changing`);
}

/** Whether the process a lock file names still runs (always true for another host's: it cannot be checked). */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.released) return false;
  if (holder.host !== hostname()) return true;
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false; // rebooted since
  if (holder.pid === process.pid) return heldHere.has(holder.token); // else an earlier process with our pid (a container restart)
  return processRuns(holder.pid, holder.processStart);
}

/** Creates `path` with `content`, complete from the moment it exists; false if it already exists. */
async function createComplete(dir: string, path: string, content: string): Promise<boolean> {
  const temp = join(dir, tempName(randomUUID()));
  await writeFile(temp, content, {flush: true});
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") return createExclusive(path, content);
    throw error;
  } finally {
    await rm(temp, {force: true});
  }
}

/**
 * Without hard links (FAT, some network shares): exclusive create, then write. Such a file is
 * briefly empty or partial; readers wait for it (see readHolder).
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** A lock file's holder; null if unreadable for good (treated as stale), "young" if maybe still being written. */
async function readHolder(path: string): Promise<LockHolder | null | "vanished" | "young"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "vanished";
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === "number" && typeof value.host === "string" && typeof value.token === "string") {
      return {command: "pairbook", since: "?", bootId: null, processStart: null, ...value} as LockHolder;
    }
  } catch {
    // fall through
  }
  try {
    return Date.now() - (await stat(path)).mtimeMs < 10_000 ? "young" : null;
  } catch {
    return "vanished";
  }
}

async function generations(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .map((n) => lockName.exec(n))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
}

async function topGeneration(dir: string): Promise<number> {
  return Math.max(0, ...(await generations(dir)));
}

const fileName = (generation: number) => `${String(generation).padStart(12, "0")}.json`;
