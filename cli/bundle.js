// Builds the `pairbook` executable's JavaScript: esbuild bundles cli/main.ts (TypeScript) into
// cli/.bundle-<hash>/, one chunk per command (code splitting, so `pairbook analyze` does not load DuckDB
// or ws), writes cli/.bundle.json naming that folder and the source files it was built from, and
// removes older bundle folders (all but the new one and the one it replaced).
// `npm ci` / `npm install` run it (the `prepare` script), so an installed checkout needs no build at run
// time and may be read-only; cli/pairbook.js calls it again only when a source is newer than the
// bundle and the folder is writable (someone is editing the code).
// Usage: node cli/bundle.js
import {build, stop} from "esbuild";
import {createHash} from "node:crypto";
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {fileURLToPath} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
export const manifestPath = join(here, ".bundle.json");

/**
 * Bundles cli/main.ts into cli/.bundle-<hash>/ (published atomically: several pairbook processes may
 * rebuild at once) and points cli/.bundle.json at it. Returns the path of the entry, main.js.
 */
export async function bundle() {
  const builtAt = Date.now(); // before reading any source: an edit during the build makes the next start rebuild
  const staging = join(here, ".bundle");
  const result = await build({
    entryPoints: [join(here, "main.ts")],
    bundle: true,
    splitting: true,
    outdir: staging,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    sourcesContent: false,
    write: false,
    logLevel: "silent",
    metafile: true,
  });
  await stop(); // esbuild's service process would otherwise live as long as the recorder
  const files = result.outputFiles.map((f) => ({name: relative(staging, f.path), contents: f.contents}));
  const hash = createHash("sha256");
  for (const f of files) hash.update(f.name).update(f.contents);
  // At the depth of cli/commands/, so the sources' `import.meta.url`-relative paths hold in the bundle.
  const name = `.bundle-${hash.digest("hex").slice(0, 16)}`;
  const dir = join(here, name);
  if (!exists(dir)) {
    // A temp folder renamed into place, never a half-written one; whoever renames second finds it there.
    const temp = `${dir}.${process.pid}.tmp`;
    for (const f of files) {
      mkdirSync(dirname(join(temp, f.name)), {recursive: true});
      writeFileSync(join(temp, f.name), f.contents);
    }
    try {
      renameSync(temp, dir);
    } catch {
      rmSync(temp, {recursive: true, force: true});
    }
  }
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(root, join(process.cwd(), input)));
  const replaced = readManifest()?.bundle;
  const temp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({bundle: name, builtAt, inputs}, null, 1)}\n`);
  renameSync(temp, manifestPath);
  removeOldBundles(here, [name, ...(replaced === undefined ? [] : [replaced])]);
  return join(dir, "main.js");
}

/** The manifest cli/bundle.js last wrote, or undefined. @returns {{bundle: string} | undefined} */
function readManifest() {
  try {
    /** @type {unknown} */
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    return /** @type {{bundle: string}} */ (manifest);
  } catch {
    return undefined;
  }
}

/**
 * Removes from `dir` the bundle folders other than `keep` (the new one and the one it replaced: a
 * process started from that one may still import its chunks lazily), and the temp folders and
 * manifests of builds whose process is gone. A folder written in the last minute stays: another
 * process may be publishing it and about to point the manifest at it (two builds of different sources
 * at once). Without this, every rebuild left its folder behind.
 * @param {string} dir @param {readonly string[]} keep @param {number} [now]
 */
export function removeOldBundles(dir, keep, now = Date.now()) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const temp = /^\.bundle(?:-[0-9a-f]{16}|\.json)\.(\d+)\.tmp$/.exec(entry);
    const old = /^\.bundle-[0-9a-f]{16}$/.test(entry) && !keep.includes(entry);
    if (!(old || (temp && !alive(Number(temp[1]))))) continue;
    try {
      if (now - statSync(path).mtimeMs < 60_000) continue;
      rmSync(path, {recursive: true, force: true});
    } catch {
      // gone already (another build cleaned up), or not ours to remove: it can wait for the next build
    }
  }
}

/** Whether a process with this id runs (EPERM: it does, as another user). @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

/** @param {string} path */
function exists(path) {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = await bundle();
  process.stdout.write(`pairbook: built ${relative(process.cwd(), entry)}\n`);
}
