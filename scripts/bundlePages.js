// After Framework's build (and scripts/bundleWorkers.js): each pair report's modules bundled into one
// file, and the report's bars file fetched from the first line of its <head>. Framework 1.13 serves a
// page's ~150 modules (its own, Plot, d3's 30 packages, apache-arrow) one request each: over HTTP/1.1's
// six connections a static server took ~1.9 s to deliver them on a loaded 2-core machine, and the bars
// file's download queued behind them (bench/notebookProfile.ts, issue #14). One bundle arrives in one
// request; the bars download starts with the page instead of when Framework's runtime asks for it.
// The page's cells import the bundle in place of each module (`import("…")` → the bundle's namespace of
// that module), so a cell sees the same exports. Modules that Framework's other scripts load (the alerts
// toaster) load as before. `npm run dev` (preview) is not concerned.
// Usage (scripts/observable.js calls it after bundleWorkers): bundlePages(dist)
import {build} from "esbuild";
import {createHash} from "node:crypto";
import {existsSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join, relative, resolve} from "node:path";
import {browserBundle, workerModules} from "./bundleWorkers.js";

/** The folders (under the site) whose pages are bundled. */
export const pageFolders = ["pairs"];

/**
 * The bundle is written beside the worker modules: a bundled worker module starts its worker on
 * `new URL("./<name>.worker.js", import.meta.url)` (scripts/bundleWorkers.js), and in a bundle
 * `import.meta.url` is the bundle's URL.
 */
const bundleFolder = (() => {
  const folders = new Set(workerModules.map((m) => m.slice(0, m.lastIndexOf("/"))));
  if (folders.size !== 1) throw new Error("bundlePages: the worker modules must share one folder");
  return join("_import", [...folders][0]);
})();

/**
 * Bundles the modules each page of `pageFolders` imports in its cells into `<bundleFolder>/page.<hash>.js`
 * (pages importing the same modules share one), points the cells at it, drops the page's modulepreload
 * links of the bundled modules for one of the bundle, and preloads each file a cell fetches with
 * `FileAttachment("…")`. Throws when an imported module is missing. Returns the bundles written.
 * @param {string} dist
 * @returns {Promise<string[]>}
 */
export async function bundlePages(dist) {
  /** @type {Map<string, {name: string, inputs: Set<string>}>} by the sorted list of modules */
  const bundles = new Map();
  for (const folder of pageFolders) {
    const dir = join(dist, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".html"))) {
      const path = join(dir, file);
      let html = readFileSync(path, "utf8");
      const specifiers = [...new Set([...html.matchAll(/import\("(\.\.\/_(?:import|node)\/[^"]+\.js)"\)/g)].map((m) => m[1]))].sort();
      if (specifiers.length === 0) continue;
      const key = specifiers.map((s) => resolve(dir, s)).join("\n");
      let bundle = bundles.get(key);
      if (!bundle) bundles.set(key, (bundle = await bundleOf(dist, dir, specifiers)));
      const href = relative(dir, join(dist, bundleFolder, bundle.name));
      for (const [i, s] of specifiers.entries())
        html = html.split(`import(${JSON.stringify(s)})`).join(`import(${JSON.stringify(href)}).then((m) => m.m${i})`);
      html = html.replace(/<link rel="modulepreload" href="([^"]+)">\n?/g, (/** @type {string} */ link, /** @type {string} */ url) =>
        bundle.inputs.has(resolve(dir, url)) ? "" : link,
      );
      // The files the cells fetch at once, from the first line of <head> on (crossorigin: as fetch() asks for them).
      const fetched = new Set([...html.matchAll(/FileAttachment\("([^"]+)"\)/g)].map((m) => m[1]));
      const preloads = [...html.matchAll(/registerFile\(("[^"]+"), (\{[^}]*\})\)/g)]
        .map((m) => registered(m[2]))
        .filter((f) => fetched.has(f.name))
        .map((f) => `<link rel="preload" as="fetch" crossorigin href="${f.path}">\n`);
      const preload = `<link rel="modulepreload" href="${href}">\n`;
      html = html.replace(/<head>\n(<meta charset="utf-8">\n)?/, (head) => head + preloads.join("") + preload);
      writeFileSync(path, html);
    }
  }
  return [...bundles.values()].map((b) => join(dist, bundleFolder, b.name));
}

/**
 * One ES module re-exporting each of `specifiers` (relative to `dir`) as `m<i>`, written to the bundle
 * folder under its content's hash; with the files it holds.
 * @param {string} dist
 * @param {string} dir
 * @param {string[]} specifiers
 */
async function bundleOf(dist, dir, specifiers) {
  const out = join(dist, bundleFolder);
  const lines = specifiers.map((s, i) => {
    const target = resolve(dir, s);
    if (!existsSync(target)) throw new Error(`bundlePages: ${s} (imported by a page of ${dir}) is missing`);
    return `export * as m${i} from ${JSON.stringify(`./${relative(out, target)}`)};`;
  });
  const result = await build({
    stdin: {contents: lines.join("\n"), resolveDir: out, sourcefile: "page.js", loader: "js"},
    ...browserBundle,
    write: false,
    metafile: true,
  });
  const text = result.outputFiles[0].contents;
  const name = `page.${createHash("sha256").update(text).digest("hex").slice(0, 8)}.js`;
  writeFileSync(join(out, name), text);
  // The metafile names inputs relative to the working directory.
  const inputs = new Set(Object.keys(result.metafile.inputs).map((p) => resolve(p)));
  return {name, inputs};
}

/**
 * A file as the page registers it (`registerFile(name, {name, path, …})`).
 * @param {string} json
 */
function registered(json) {
  /** @type {unknown} */
  const file = JSON.parse(json);
  return /** @type {{name: string, path: string}} */ (file);
}
