// `pairbook` from a read-only checkout, as another user whose home folder does not exist: --help,
// --version and `analyze --json` work and write nothing into the tree. Needs root (to build the copy and
// run as `nobody`); skipped otherwise.
import {execFileSync, spawn} from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";

const checkout = fileURLToPath(new URL("../../", import.meta.url));
const nobody = userIds("nobody");
const asRoot = process.getuid?.() === 0 && nobody !== undefined;

/** uid and gid of `name` from /etc/passwd, or undefined. */
function userIds(name: string): {uid: number; gid: number} | undefined {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}:`));
    const [, , uid, gid] = line!.split(":");
    return {uid: Number(uid), gid: Number(gid)};
  } catch {
    return undefined;
  }
}

/** Every file and folder under `dir` (not following symlinks) with its mtime and size. */
function snapshot(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name),
      stat = statSync(path, {throwIfNoEntry: true});
    out.push(`${prefix}${entry.name} ${stat.mtimeMs} ${stat.size}`);
    if (entry.isDirectory()) out.push(...snapshot(path, `${prefix}${entry.name}/`));
  }
  return out.sort();
}

/** Makes `dir` read-only (or writable again) for everyone, recursively. */
function setWritable(dir: string, writable: boolean): void {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (entry.isSymbolicLink()) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) setWritable(path, writable);
    else chmodSync(path, writable ? 0o644 : 0o444);
  }
  chmodSync(dir, writable ? 0o755 : 0o555);
}

function asNobody(tree: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(tree, "cli", "pairbook.js"), ...args], {
      cwd: "/",
      uid: nobody!.uid,
      gid: nobody!.gid,
      stdio: ["ignore", "pipe", "pipe"],
      env: {PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent", TZ: "UTC"},
    });
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => (clearTimeout(timer), resolve({code, stdout, stderr})));
  });
}

describe.skipIf(!asRoot)("pairbook from a read-only checkout, as nobody with no home folder", () => {
  let base: string, tree: string, before: string[];
  const version = JSON.parse(readFileSync(join(checkout, "package.json"), "utf8")).version as string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), "pairbook-readonly-"));
    tree = join(base, "pairbook");
    // The checkout as an install leaves it: its files (tests aside), node_modules, and the `prepare` build.
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: checkout,
      encoding: "utf8",
    }).split("\0");
    for (const file of files) {
      if (file === "" || file.startsWith("test/")) continue;
      try {
        mkdirSync(dirname(join(tree, file)), {recursive: true});
        copyFileSync(join(checkout, file), join(tree, file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted but not yet staged
      }
    }
    symlinkSync(join(checkout, "node_modules"), join(tree, "node_modules"));
    execFileSync(process.execPath, ["cli/bundle.js"], {cwd: tree, stdio: "ignore"});
    writeFileSync(
      join(base, "pair.csv"),
      `time,a,b\n${Array.from({length: 200}, (_, i) => `${i * 1000},${100 + Math.sin(i / 7) + i / 50},${205 + 2 * Math.sin(i / 7) + i / 25 + Math.cos(i)}`).join("\n")}\n`,
    );
    setWritable(base, false);
    before = snapshot(tree);
  }, 120_000);

  afterAll(() => {
    if (base) setWritable(base, true);
    if (base) rmSync(base, {recursive: true, force: true});
  });

  it("pairbook --version prints the version", async () => {
    const r = await asNobody(tree, ["--version"]);
    expect({code: r.code, stdout: r.stdout, stderr: r.stderr}).toEqual({code: 0, stdout: `pairbook ${version}\n`, stderr: ""});
  });

  it("pairbook --help lists the commands", async () => {
    const r = await asNobody(tree, ["--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pairbook <command>/m);
    expect(r.stdout).toMatch(/^ {2}analyze /m);
  });

  it("pairbook analyze --csv FILE --json prints only JSON on stdout", async () => {
    const r = await asNobody(tree, ["analyze", "--csv", join(base, "pair.csv"), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {n: number; hedge: {beta: number}};
    expect(result.n).toBe(200);
    expect(Number.isFinite(result.hedge.beta)).toBe(true);
  });

  it("writes nothing into the tree", async () => {
    await asNobody(tree, ["--version"]);
    expect(snapshot(tree)).toEqual(before);
  });
});
