// After Framework's build: each worker module of the site bundled into one file beside it, and the built
// module pointed at that file. Framework 1.13 does not bundle workers: a module that starts
// `new Worker(import.meta.url)` on itself (src/client/fitWorker.ts: the fit worker and the hedge
// switch's series worker) made each worker load its ~50 imports as a waterfall of requests, one level of
// the import graph per round trip, on the page's load path (bench/notebookProfile.ts). A pair report then
// imports the built module inside its page bundle (scripts/bundlePages.js, run after this).
// `npm run dev` (preview) is not concerned: there the workers load the modules as they are.
// Usage (scripts/observable.js calls it after a build): bundleWorkers(dist)
import {build} from "esbuild";
import {existsSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";

/** esbuild's options for a bundle the built site loads (the workers' here, the pages' in ./bundlePages.js). */
export const browserBundle = /** @type {const} */ ({
  bundle: true,
  format: "esm",
  platform: "browser",
  minify: true,
  legalComments: "none",
  logLevel: "error",
});

/** The worker modules, by their path under the site's `_import/` (src/ without the extension). */
export const workerModules = ["client/fitWorker"];

/**
 * Bundles each built worker module of `dist` (`_import/client/fitWorker.<hash>.js`) into
 * `fitWorker.<hash>.worker.js` (one ES module, minified, no imports) and makes the built module start its
 * workers on that file: its one `import.meta.url` becomes the bundle's URL. Throws when a worker module
 * has not exactly one `import.meta.url` (its worker script could not be named safely). Returns the bundles written.
 * @param {string} dist
 * @returns {Promise<string[]>}
 */
export async function bundleWorkers(dist) {
  /** @type {string[]} */
  const written = [];
  for (const module of workerModules) {
    const slash = module.lastIndexOf("/");
    const dir = join(dist, "_import", module.slice(0, slash));
    const name = module.slice(slash + 1);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => new RegExp(`^${name}\\.[0-9a-f]{8}\\.js$`).test(f))) {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      const uses = text.split("import.meta.url").length - 1;
      if (uses !== 1) throw new Error(`bundleWorkers: ${file} has ${uses} import.meta.url (expected 1, its worker script)`);
      const bundle = file.replace(/\.js$/, ".worker.js");
      // Bundled from the built module, so the bundle runs exactly the code the page imports.
      await build({entryPoints: [path], outfile: join(dir, bundle), ...browserBundle});
      writeFileSync(path, text.replace("import.meta.url", `new URL(${JSON.stringify(`./${bundle}`)}, import.meta.url).href`));
      written.push(join(dir, bundle));
    }
  }
  return written;
}
