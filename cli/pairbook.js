#!/usr/bin/env -S node --max-semi-space-size=4
// (V8's young generation capped at 2 × 4 MB semi-spaces instead of 2 × 16: at 200,000 trades/s the
// recorder's RSS is ~30 MB lower with the same throughput, measured with bench:record. The demo
// starts its recorder with the same flag.)
// The `pairbook` executable. The CLI is TypeScript; esbuild bundles it (~50 ms, every start, so it is
// never stale) into cli/.bundle/, which plain Node then runs. No TypeScript loader stays in the
// process: tsx's loader thread costs ~35 MB of RSS, which matters for a recorder left running for
// weeks. cli/.bundle/ sits at the depth of cli/commands/, so `import.meta.url`-relative paths hold.
import {build, stop} from "esbuild";
import {createHash} from "node:crypto";
import {mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, ".bundle");

/** Bundles cli/main.ts; returns the path of the bundle (named by its hash, written atomically). */
async function bundle() {
  const result = await build({
    entryPoints: [join(here, "main.ts")], bundle: true, platform: "node", format: "esm", target: "node20",
    packages: "external", sourcemap: "inline", sourcesContent: false, write: false, logLevel: "silent"
  });
  await stop(); // esbuild's service process would otherwise live as long as the recorder
  const code = result.outputFiles[0].contents;
  const path = join(out, `main-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  mkdirSync(out, {recursive: true});
  try {
    statSync(path);
  } catch {
    // Several pairbook processes start at once (the demo starts three): temp + rename, never a torn file.
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, path);
    // Bundles of older sources, a day old (a running process may still be reading a recent one).
    for (const name of readdirSync(out)) {
      const old = join(out, name);
      if (old !== path && Date.now() - statSync(old).mtimeMs > 86_400_000) rmSync(old, {force: true});
    }
  }
  return path;
}

process.setSourceMapsEnabled(true); // stack traces name the .ts files and lines
const {main} = await import(pathToFileURL(await bundle()).href);
process.exitCode = await main(process.argv.slice(2));
