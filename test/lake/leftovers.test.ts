// A crash mid-compaction leaves inputs whose rows are also in the published output: resolveLeftovers
// deletes them (and the intents), so a plain glob reads each row once; it never deletes the intent of
// a compaction that may still be running.
import {execFileSync} from "node:child_process";
import {mkdtemp, readdir, rm, utimes, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {crashedCompaction as crashed, day, tickFile as writeTickFile} from "./crashedCompaction.js";
import {batchFileName, compactIntentName, partitionDir, ticksGlob} from "../../lake/layout.js";
import {resolveLeftovers} from "../../lake/leftovers.js";
import {acquireLakeLock} from "../../lake/lock.js";

let lake: string;
beforeEach(async () => void (lake = await mkdtemp(join(tmpdir(), "pairbook-leftovers-"))));
afterEach(async () => rm(lake, {recursive: true, force: true}));

const dir = () => partitionDir(lake, "BTCUSDT", day);
const tickFile = (from: number, to: number) => writeTickFile(lake, from, to);
const crashedCompaction = () => crashed(lake);

const globCount = () =>
  withDuckDB(
    async (c) =>
      (
        await c.runAndReadAll(
          `SELECT count(*)::DOUBLE, count(DISTINCT trade_id)::DOUBLE FROM read_parquet(${quotedString(ticksGlob(lake, "BTCUSDT"))})`,
        )
      ).getRows()[0],
  );

/** An intent whose output was never published (a compaction in progress, or abandoned), `ageMs` old. */
async function pendingIntent(ageMs: number): Promise<string> {
  const inputs = [await tickFile(801, 900), await tickFile(901, 1000)];
  const path = join(dir(), compactIntentName(batchFileName(801, 1000)));
  await writeFile(path, JSON.stringify({output: batchFileName(801, 1000), inputs}));
  const time = (Date.now() - ageMs) / 1000;
  await utimes(path, time, time);
  return path;
}

describe("resolveLeftovers", () => {
  it("deletes the inputs of a published compaction and its intent: the plain glob then counts each row once", async () => {
    const {inputs, output} = await crashedCompaction();
    expect(await globCount()).toEqual([1600, 800]); // what other tools saw after the crash
    const {removed, failed} = await resolveLeftovers(lake);
    expect(failed).toEqual([]);
    expect(removed).toHaveLength(inputs.length + 1);
    expect(await readdir(dir())).toEqual([output]);
    expect(await globCount()).toEqual([800, 800]);
  });

  it("deletes an abandoned intent (over a minute old, no writer), keeps a young one, and keeps any while a writer holds the lake", async () => {
    const old = await pendingIntent(5 * 60_000);
    const lock = await acquireLakeLock(lake, {command: "pairbook record"});
    await resolveLeftovers(lake); // a writer runs: its compaction may be the one that wrote it
    expect(await readdir(dir())).toContain(old.split("/").pop());
    await lock.release();
    await resolveLeftovers(lake);
    expect(await readdir(dir())).not.toContain(old.split("/").pop());
    const young = await pendingIntent(1000);
    await resolveLeftovers(lake);
    expect(await readdir(dir())).toContain(young.split("/").pop());
    await resolveLeftovers(lake, {owner: true}); // the writer itself, at start: nothing of its own is running yet
    expect((await readdir(dir())).filter((n) => n.startsWith("."))).toEqual([]);
    expect((await tickFiles(lake, "BTCUSDT")).map((f) => [f.first, f.last])).toEqual([
      [801, 900],
      [901, 1000],
    ]); // unpublished: the inputs stay the data
  });

  it("in a read-only lake, reports what it could not delete and throws nothing; pairbook's readers still skip it", async () => {
    const mount = await mkdtemp(join(tmpdir(), "pairbook-ro-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount]);
    try {
      lake = join(mount, "lake");
      const {inputs, output} = await crashedCompaction();
      execFileSync("mount", ["-o", "remount,ro", mount]);
      const {removed, failed} = await resolveLeftovers(lake);
      expect(removed).toEqual([]);
      expect(failed).toHaveLength(inputs.length); // and the intent is kept: it is what tells readers to skip them
      expect((await tickFiles(lake, "BTCUSDT")).map((f) => f.path)).toEqual([join(dir(), output)]);
      await expect(resolveLeftovers(lake, {owner: true})).rejects.toThrow(/EROFS/);
    } finally {
      execFileSync("umount", [mount]);
      await rm(mount, {recursive: true, force: true});
      lake = await mkdtemp(join(tmpdir(), "pairbook-leftovers-")); // for afterEach
    }
  });
});
