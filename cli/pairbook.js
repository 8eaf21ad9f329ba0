#!/usr/bin/env -S node --max-semi-space-size=4
// (V8's young generation capped at 2 × 4 MB semi-spaces instead of 2 × 16: at 200,000 trades/s the
// recorder's RSS is ~30 MB lower with the same throughput, measured with bench:record. The demo
// starts its recorder with the same flag.)
// The `pairbook` executable. The CLI is TypeScript, bundled by cli/bundle.js into cli/.bundle-<hash>/
// when the project is installed (`npm ci` runs the `prepare` script); this file runs that bundle in
// plain Node. No TypeScript loader stays in the process (tsx's loader thread costs ~35 MB of RSS, which
// matters for a recorder left running for weeks) and nothing is written at run time, so a read-only
// checkout and other users work. Only when a source is newer than the bundle (someone is editing the
// code) and the folder is writable does it rebuild first (~0.3 s), so the bundle is never stale.
import {accessSync, constants, readFileSync, statSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

/** @typedef {{bundle: string, builtAt: number, inputs: string[]}} Manifest */

/** The bundle cli/bundle.js last built, or undefined if there is none. @returns {Manifest | undefined} */
function manifest() {
  try {
    /** @type {unknown} */
    const read = JSON.parse(readFileSync(join(here, ".bundle.json"), "utf8"));
    return /** @type {Manifest} */ (read);
  } catch {
    return undefined;
  }
}

/** Whether a source the bundle was built from changed, moved or vanished since. @param {Manifest} m */
function stale(m) {
  for (const input of m.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > m.builtAt) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function writable() {
  try {
    accessSync(here, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of the bundle's entry, rebuilding it first if it is stale and we may. */
async function entry() {
  const m = manifest();
  if (m && !stale(m)) return join(here, m.bundle, "main.js");
  if (writable()) return (await import("./bundle.js")).bundle();
  if (m) {
    process.stderr.write(`pairbook: warning: ${here} is read-only and its sources are newer than the build; running the build as it is\n`);
    return join(here, m.bundle, "main.js");
  }
  process.stderr.write(
    `pairbook: ${here} has no build of the CLI and is read-only: run \`npm run prepare\` (or \`npm ci\`) as its owner\n`,
  );
  process.exit(1);
}

process.setSourceMapsEnabled(true); // stack traces name the .ts files and lines
/** @type {unknown} */
const bundle = await import(pathToFileURL(await entry()).href);
const {main} = /** @type {{main: (args: string[]) => Promise<number>}} */ (bundle);
process.exitCode = await main(process.argv.slice(2));
