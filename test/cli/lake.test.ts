// `pairbook lake` reads the loaders' file list (never double after a crash mid-compaction) and resolves
// the leftovers for other tools; a missing, read-only or non-folder lake is a one-line error with its
// exit code; `pairbook --version`.
import {execFileSync} from "node:child_process";
import {readFileSync} from "node:fs";
import {mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {partitionDir, ticksGlob} from "../../lake/layout.js";
import {crashedCompaction, day} from "../lake/crashedCompaction.js";
import {pairbook} from "./pairbook.js";

let root: string, readOnly: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pairbook-cli-lake-"));
  readOnly = join(root, "ro");
  execFileSync("mkdir", [readOnly]);
  execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly]);
});
afterAll(async () => {
  execFileSync("umount", [readOnly]);
  await rm(root, {recursive: true, force: true});
});

/** Asserts a run failed with `code` and exactly one line on stderr matching `line`. */
function failedWith(run: {code: number | null; stderr: string}, code: number, line: RegExp): void {
  expect(
    run.stderr.split("\n").filter((l) => l !== ""),
    run.stderr,
  ).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(line);
  expect(run.code).toBe(code);
}

describe("pairbook lake", () => {
  it("after a crash mid-compaction counts each row once, and leaves a lake the plain glob counts once too", async () => {
    const lake = join(root, "crashed");
    const {output} = await crashedCompaction(lake);
    const {code, stdout, stderr} = await pairbook(["lake", "--lake", lake, "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const [row] = JSON.parse(stdout) as Record<string, unknown>[];
    expect(row).toMatchObject({symbol: "BTCUSDT", trades: "800", ids: "800", first_id: "1", last_id: "800", missing_ids: "0", files: "1"});
    expect(await readdir(partitionDir(lake, "BTCUSDT", day))).toEqual([output]);
    const [count] = await withDuckDB(
      async (c) =>
        (await c.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet(${quotedString(ticksGlob(lake, "BTCUSDT"))})`)).getRows()[0],
    );
    expect(count).toBe(800);
    const files = await pairbook(["lake", "--lake", lake, "--files"]);
    expect(files).toEqual({code: 0, stdout: `${join(partitionDir(lake, "BTCUSDT", day), output)}\n`, stderr: ""});
  });

  it("--lake /nonexistent: exit 7, one line", async () => {
    failedWith(await pairbook(["lake", "--lake", "/nonexistent"]), 7, /^pairbook lake: no lake at \/nonexistent \(no such folder\)$/);
  });

  it("a lake that is a file: exit 7, one line", async () => {
    const file = join(root, "a-file");
    await writeFile(file, "");
    failedWith(await pairbook(["lake", "--lake", file]), 7, /^pairbook lake: the lake at .*a-file is a file, not a folder$/);
  });
});

describe("pairbook record on a lake it cannot write", () => {
  // Endpoints no one listens on: the lake is checked before the network.
  const endpoints = ["--ws-url", "ws://127.0.0.1:9", "--rest-url", "http://127.0.0.1:9", "--live-port", "0"];

  it("a read-only file system: exit 7, one line", async () => {
    failedWith(
      await pairbook(["record", "--lake", readOnly, ...endpoints]),
      7,
      /^pairbook record: cannot write the lake at .*\/ro: read-only file system \(EROFS\)$/,
    );
    failedWith(
      await pairbook(["record", "--lake", join(readOnly, "sub"), ...endpoints]),
      7,
      /^pairbook record: cannot write the lake at .*\/ro\/sub: read-only file system \(EROFS\)$/,
    );
  });

  it("a path under a regular file: exit 7, one line", async () => {
    const file = join(root, "plain-file");
    await writeFile(file, "");
    failedWith(
      await pairbook(["record", "--lake", join(file, "lake"), ...endpoints]),
      7,
      /^pairbook record: cannot write the lake at .*plain-file\/lake: a part of the path is a file, not a folder \(ENOTDIR\)$/,
    );
  });

  it("a folder that cannot be created (/proc/x): exit 7, one line, no hang", async () => {
    failedWith(
      await pairbook(["record", "--lake", "/proc/x", ...endpoints], {timeoutMs: 20_000}),
      7,
      /^pairbook record: cannot write the lake at \/proc\/x: no such folder \(ENOENT\)$/,
    );
  });

  it("pairbook import into a read-only lake: exit 7, one line", async () => {
    const csv = join(root, "BTCUSDT-trades-2024-08-09.csv");
    await writeFile(csv, "1,60000.0,0.001,60.0,1723161600000,True,True\n");
    failedWith(
      await pairbook(["import", "--lake", readOnly, csv]),
      7,
      /^pairbook import: cannot write the lake at .*\/ro: read-only file system \(EROFS\)$/,
    );
  });
});

describe("pairbook --version", () => {
  it("prints the package's version (also -V)", async () => {
    const {version} = JSON.parse(readFileSync("package.json", "utf8")) as {version: string};
    for (const flag of ["--version", "-V"]) {
      const run = await pairbook([flag]);
      expect(run).toEqual({code: 0, stdout: `pairbook ${version}\n`, stderr: ""});
    }
  });
});
