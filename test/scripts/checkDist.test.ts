// scripts/check-dist.js on temp folders: a file holding the project's absolute path or a path under the
// user's home fails the check; the same folder without them does not report a local path.
import {execFile} from "node:child_process";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {promisify} from "node:util";
import {afterEach, describe, expect, it} from "vitest";

const script = resolve(import.meta.dirname, "../../scripts/check-dist.js");
const project = resolve(import.meta.dirname, "../..");
const home = "/home/pairbook-tester";
let dist = "";
afterEach(async () => dist && (await rm(dist, {recursive: true, force: true})));

/** Runs the check on `files` (name → text) with a made-up home; its exit code and output. */
async function check(files: Record<string, string>): Promise<{code: number; out: string}> {
  dist = await mkdtemp(join(tmpdir(), "pairbook-dist-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dist, name, ".."), {recursive: true});
    await writeFile(join(dist, name), text);
  }
  try {
    const {stdout, stderr} = await promisify(execFile)(process.execPath, [script, dist], {env: {...process.env, HOME: home}});
    return {code: 0, out: stdout + stderr};
  } catch (error) {
    const e = error as {code: number; stdout: string; stderr: string};
    return {code: e.code, out: e.stdout + e.stderr};
  }
}

describe("scripts/check-dist.js", () => {
  it("fails on the project's absolute path in a data file", async () => {
    const {code, out} = await check({"index.html": "<p>ok</p>", "_file/data/overview.json": JSON.stringify({lake: `${project}/data`})});
    expect(code).toBe(1);
    expect(out).toContain(`overview.json: absolute path of the building machine (${project})`);
  });

  it("fails on a path under the user's home, but not on a longer name that merely starts like it", async () => {
    const leaking = await check({"index.html": `<code>${home}/lake</code>`});
    expect(leaking.code).toBe(1);
    expect(leaking.out).toContain(`index.html: absolute path of the building machine (${home})`);
    const clean = await check({"index.html": `<code>${home}-other/lake</code> <code>data</code>`});
    expect(clean.out).not.toContain("absolute path");
  });
});
