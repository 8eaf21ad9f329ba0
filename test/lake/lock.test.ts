// The lake's writer lock: exclusive, released on release, taken over when its holder is gone, and of
// many processes taking over one stale lock at the same instant, exactly one wins.
import {type ChildProcess, spawn, spawnSync} from "node:child_process";
import {randomUUID} from "node:crypto";
import {mkdtemp, readdir, readFile, rm, writeFile, mkdir} from "node:fs/promises";
import {hostname, tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {lockDir} from "../../lake/layout.js";
import {acquireLakeLock, LakeLockedError, lakeLockHolder} from "../../lake/lock.js";

let lake: string;
beforeEach(async () => void (lake = await mkdtemp(join(tmpdir(), "pairbook-lock-"))));
afterEach(async () => rm(lake, {recursive: true, force: true}));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const {pid} = spawnSync(process.execPath, ["-e", ""]);
  return pid;
}

/** Writes lock file number `generation` as another process would have. */
async function writeLock(generation: number, fields: Record<string, unknown>): Promise<void> {
  await mkdir(lockDir(lake), {recursive: true});
  const holder = {
    pid: deadPid(),
    host: hostname(),
    command: "pairbook record",
    since: "2026-01-01T00:00:00.000Z",
    bootId: null,
    processStart: null,
    token: randomUUID(),
    ...fields,
  };
  await writeFile(join(lockDir(lake), `${String(generation).padStart(12, "0")}.json`), JSON.stringify(holder));
}

describe("acquireLakeLock", () => {
  it("is exclusive until released, then free again", async () => {
    const first = await acquireLakeLock(lake, {command: "pairbook record"});
    expect(first.tookOver).toBeNull();
    await expect(acquireLakeLock(lake, {command: "pairbook import"})).rejects.toThrow(
      new RegExp(`^the lake at ${lake} is in use by pairbook record \\(pid ${process.pid}, since [^)]+\\): one writer per lake$`),
    );
    expect((await lakeLockHolder(lake))?.pid).toBe(process.pid);
    await first.release();
    expect(await lakeLockHolder(lake)).toBeNull();
    const second = await acquireLakeLock(lake, {command: "pairbook import"});
    expect(second.generation).toBe(first.generation + 1);
    expect(second.tookOver).toBeNull(); // a released lock is not a stale one
    await second.release();
    expect(await readdir(lockDir(lake))).toEqual(["000000000002.json"]); // older numbers are cleaned up, no temp file left
  });

  it("takes over a lock whose process is gone, whose pid now names another process, or from before a reboot", async () => {
    const dead = deadPid();
    await writeLock(1, {pid: dead});
    const takeOver = async () => {
      const lock = await acquireLakeLock(lake, {command: "pairbook record"});
      await lock.release();
      return lock;
    };
    expect((await takeOver()).tookOver?.pid).toBe(dead);
    // Our parent is alive, but started at another time than the lock says: the pid was reused.
    await writeLock(5, {pid: process.ppid, processStart: "1"});
    expect((await takeOver()).tookOver?.pid).toBe(process.ppid);
    await writeLock(9, {pid: process.ppid, bootId: "another-boot"});
    expect((await takeOver()).tookOver?.pid).toBe(process.ppid);
    // An earlier process that had our pid (a container restarted) does not hold it either.
    await writeLock(20, {pid: process.pid});
    const after = await takeOver();
    expect([after.generation, after.tookOver?.pid]).toEqual([21, process.pid]);
  });

  it("refuses a live holder on this host, and any holder on another host (it cannot be checked)", async () => {
    await writeLock(3, {pid: process.ppid, processStart: null});
    await expect(acquireLakeLock(lake, {command: "x"})).rejects.toBeInstanceOf(LakeLockedError);
    await writeLock(4, {pid: 1, host: "elsewhere"});
    await expect(acquireLakeLock(lake, {command: "x"})).rejects.toThrow(
      `(pid 1 on host elsewhere, since 2026-01-01T00:00:00.000Z): one writer per lake (if it no longer runs there, delete ${lockDir(lake)})`,
    );
  });

  it("of 20 concurrent takeovers of one stale lock in this process, exactly one wins", async () => {
    await writeLock(7, {});
    const results = await Promise.allSettled(Array.from({length: 20}, () => acquireLakeLock(lake, {command: "x"})));
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof LakeLockedError)).toHaveLength(19);
    await won[0].value.release();
  });

  it("of 6 processes taking over one stale lock at the same instant, exactly one wins and holds it", async () => {
    await writeLock(41, {});
    const go = join(lake, "go");
    const children: ChildProcess[] = [];
    const outcomes = Array.from({length: 6}, () => {
      const child = spawn(process.execPath, ["--import", "tsx", "test/lake/lockContender.ts", lake, go], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      children.push(child);
      const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]();
      const next = async () => {
        const {value, done} = await lines.next();
        if (done) throw new Error("a contender exited before answering");
        return value;
      };
      return {ready: next(), outcome: () => next()};
    });
    try {
      expect(await Promise.all(outcomes.map((o) => o.ready))).toEqual(Array(6).fill("ready"));
      await writeFile(go, ""); // every contender is now polling for it
      const lines = await Promise.all(outcomes.map((o) => o.outcome()));
      expect(lines.filter((l) => l === "won 42")).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith("refused the lake at"))).toHaveLength(5);
      const holder = JSON.parse(await readFile(join(lockDir(lake), "000000000042.json"), "utf8")) as {pid: number};
      expect(children[lines.indexOf("won 42")].pid).toBe(holder.pid);
    } finally {
      for (const child of children) child.stdin!.end();
      await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => c.once("exit", resolve))));
    }
    expect(await lakeLockHolder(lake)).toBeNull(); // released when the winner stopped
  }, 60_000);
});
