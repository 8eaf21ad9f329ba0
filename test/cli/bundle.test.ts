// cli/bundle.js on a copy of the checkout: each rebuild keeps only its own bundle folder and the one it
// replaced (a running process may still import that one's chunks), so folders no longer pile up; a
// folder written in the last minute and the temp files of a live build stay.
import {execFileSync} from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";

const checkout = fileURLToPath(new URL("../../", import.meta.url));
let base: string, cli: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "pairbook-bundle-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: checkout,
    encoding: "utf8",
  }).split("\0");
  for (const file of files) {
    if (file === "" || file.startsWith("test/")) continue;
    try {
      mkdirSync(dirname(join(base, file)), {recursive: true});
      copyFileSync(join(checkout, file), join(base, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted but not yet staged
    }
  }
  symlinkSync(join(checkout, "node_modules"), join(base, "node_modules"));
  cli = join(base, "cli");
}, 60_000);

afterAll(() => base && rmSync(base, {recursive: true, force: true}));

/** Runs `node cli/bundle.js` in the copy; returns the bundle folder its manifest names. */
function build(): string {
  execFileSync(process.execPath, ["cli/bundle.js"], {cwd: base, stdio: "ignore"});
  return (JSON.parse(readFileSync(join(cli, ".bundle.json"), "utf8")) as {bundle: string}).bundle;
}

const bundles = () =>
  readdirSync(cli)
    .filter((e) => e.startsWith(".bundle-") || e.startsWith(".bundle.json."))
    .sort();
// Ten minutes: past the one-minute grace for a build in progress, long before the day-old rule that let folders pile up.
const tenMinutesAgo = () => new Date(Date.now() - 600_000);
const age = (...entries: string[]) => entries.forEach((e) => utimesSync(join(cli, e), tenMinutesAgo(), tenMinutesAgo()));
/** A change to the CLI's source that changes its output, so the next build gets a new folder. */
const edit = (k: number) => appendFileSync(join(cli, "main.ts"), `\nexport const bundleTestEdit${k} = ${k};\n`);

describe("node cli/bundle.js", () => {
  it("keeps the new bundle and the one it replaced, and removes older ones and dead builds' temp files", () => {
    const first = build();
    expect(bundles()).toEqual([first]);

    // Bundles of earlier builds, one written just now (another build may be publishing it), and the
    // leftovers of a build whose process died (pid 999999999 is above Linux's pid_max).
    const stale = ".bundle-00000000000000aa",
      fresh = ".bundle-00000000000000bb";
    const deadTemp = ".bundle-00000000000000cc.999999999.tmp",
      deadManifest = ".bundle.json.999999999.tmp";
    const liveTemp = `.bundle-00000000000000dd.${process.pid}.tmp`;
    for (const d of [stale, fresh, deadTemp, liveTemp]) mkdirSync(join(cli, d, "commands"), {recursive: true});
    writeFileSync(join(cli, deadManifest), "{}");
    age(first, stale, deadTemp, deadManifest, liveTemp);

    edit(1);
    const second = build();
    expect(second).not.toBe(first);
    expect(bundles()).toEqual([first, second, fresh, liveTemp].sort());

    age(first, second, fresh);
    edit(2);
    const third = build();
    expect(new Set([first, second, third]).size).toBe(3);
    expect(bundles()).toEqual([second, third, liveTemp].sort());
    // The kept bundles still run.
    for (const b of [second, third])
      expect(
        execFileSync(
          process.execPath,
          ["-e", `import(${JSON.stringify(join(cli, b, "main.js"))}).then((m) => console.log(typeof m.main))`],
          {encoding: "utf8"},
        ).trim(),
      ).toBe("function");
  }, 120_000);
});
