#!/usr/bin/env -S node --max-semi-space-size=4
// (V8's young generation capped at 2 × 4 MB semi-spaces instead of 2 × 16: at 200,000 trades/s the
// recorder's RSS is ~30 MB lower with the same throughput, measured with bench:record. The demo
// starts its recorder with the same flag.)
// The `pairbook` executable. The CLI is TypeScript; esbuild bundles it (~50 ms, every start, so it is
// never stale) into cli/.bundle-<hash>/, which plain Node then runs. No TypeScript loader stays in
// the process: tsx's loader thread costs ~35 MB of RSS, which matters for a recorder left running for
// weeks. Each command is its own chunk (code splitting), so `pairbook analyze` does not load DuckDB or
// ws. The folder sits at the depth of cli/commands/, so `import.meta.url`-relative paths hold.
import {build, stop} from "esbuild";
import {createHash} from "node:crypto";
import {mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** Bundles cli/main.ts; returns the path of the entry (folder named by the output's hash, published atomically). */
async function bundle() {
  const staging = join(here, ".bundle");
  const result = await build({
    entryPoints: [join(here, "main.ts")], bundle: true, splitting: true, outdir: staging, platform: "node", format: "esm",
    target: "node20", packages: "external", sourcemap: "inline", sourcesContent: false, write: false, logLevel: "silent"
  });
  await stop(); // esbuild's service process would otherwise live as long as the recorder
  const files = result.outputFiles.map((f) => ({name: relative(staging, f.path), contents: f.contents}));
  const hash = createHash("sha256");
  for (const f of files) hash.update(f.name).update(f.contents);
  const dir = join(here, `.bundle-${hash.digest("hex").slice(0, 16)}`);
  try {
    statSync(dir);
  } catch {
    // Several pairbook processes start at once (the demo starts three): a temp folder renamed into
    // place, never a half-written one; whoever renames second finds it there.
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
    // Bundles of older sources, a day old (a running process may still be loading a recent one).
    for (const name of readdirSync(here)) {
      const old = join(here, name);
      if (name.startsWith(".bundle") && old !== dir && Date.now() - statSync(old).mtimeMs > 86_400_000) rmSync(old, {recursive: true, force: true});
    }
  }
  return join(dir, "main.js");
}

process.setSourceMapsEnabled(true); // stack traces name the .ts files and lines
const {main} = await import(pathToFileURL(await bundle()).href);
process.exitCode = await main(process.argv.slice(2));
