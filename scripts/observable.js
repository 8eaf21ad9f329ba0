#!/usr/bin/env node
// Runs Observable Framework (`build` or `preview`) so that it never needs the internet:
//  1. seeds Framework's npm version cache (.observablehq/cache/_npm/<name>@<version>/) for the libraries
//     it looks up while bundling its own client; without these it asks the npm registry for "latest";
//  2. for `build`, deletes cached data-loader outputs (keeping _npm and _node) so every build re-reads
//     the current lake instead of serving stale snapshots;
//  3. for `preview`, watches the lake and touches the data loaders that read it when it changes (debounced,
//     at most every PAIRBOOK_WATCH_SECONDS, default 15), so their outputs are never stale: Framework re-runs
//     a loader only when its own file is newer than its cached output, and hot-updates the open pages;
//  4. turns Framework's telemetry off;
//  5. after a `build`, bundles each worker module into one file (scripts/bundleWorkers.js), then each
//     pair report's modules into one (scripts/bundlePages.js).
// Usage: node scripts/observable.js build|preview [framework options]
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, watch} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {bundlePages} from "./bundlePages.js";
import {bundleWorkers} from "./bundleWorkers.js";

const project = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(project, "src", ".observablehq", "cache");
const require = createRequire(join(project, "package.json"));

// The libraries Framework resolves while bundling its client and standard library (see its libraries.js).
const libraries = [
  "@observablehq/plot",
  "@observablehq/inputs",
  "@observablehq/sample-datasets",
  "@observablehq/duckdb",
  "@observablehq/sqlite",
  "@observablehq/dot",
  "@observablehq/mermaid",
  "@observablehq/tex",
  "@duckdb/duckdb-wasm",
  "apache-arrow",
  "arquero",
  "d3",
  "d3-dsv",
  "echarts",
  "htl",
  "leaflet",
  "lodash",
  "mapbox-gl",
  "parquet-wasm",
  "react",
  "react-dom",
  "topojson-client",
  "katex",
  "vega",
  "vega-lite",
  "vega-lite-api",
];

/** @param {string} name */
function installedVersion(name) {
  try {
    /** @type {unknown} */
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8"));
    return /** @type {{version: string}} */ (manifest).version;
  } catch {
    return "0.0.0-offline"; // not installed: any version marks it as known; pages never import it
  }
}

export function seedNpmCache() {
  for (const name of libraries) mkdirSync(join(cache, "_npm", `${name}@${installedVersion(name)}`), {recursive: true});
}

export function clearLoaderOutputs() {
  if (!existsSync(cache)) return;
  for (const entry of readdirSync(cache))
    if (entry !== "_npm" && entry !== "_node") rmSync(join(cache, entry), {recursive: true, force: true});
}

// The loaders that read the lake: every pair report's, the all-symbols bars and the overview.
export const lakeLoaders = ["src/pairs/[pair].arrow.ts", "src/data/bars.arrow.ts", "src/data/overview.json.ts"].map((p) =>
  join(project, p),
);

/**
 * Watches `lake` (ticks, gaps) and calls `onChange` at most once per `minMs`, `debounceMs` after the last
 * change; retries every 5 s while the lake does not exist yet. Returns a function that stops watching.
 * @param {string} lake @param {() => void} onChange @param {{debounceMs?: number, minMs?: number}} [options]
 */
export function watchLake(lake, onChange, {debounceMs = 1000, minMs = 15_000} = {}) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {import("node:fs").FSWatcher | undefined} */
  let watcher;
  let last = 0,
    stopped = false;
  const fire = () => {
    timer = undefined;
    const wait = last + minMs - Date.now();
    if (wait > 0) return void (timer = setTimeout(fire, wait));
    last = Date.now();
    onChange();
  };
  const start = () => {
    if (stopped) return;
    if (!existsSync(lake)) return void (timer = setTimeout(start, 5000));
    watcher = watch(lake, {recursive: true}, (_event, name) => {
      // Published files only: the write-ahead log and temp files change on every trade.
      if (!name || !/^(ticks|gaps)[/\\]/.test(String(name)) || /(^|[/\\])\.[^/\\]*$/.test(String(name))) return;
      clearTimeout(timer);
      timer = setTimeout(fire, debounceMs);
    });
    watcher.on("error", () => {});
  };
  start();
  return () => ((stopped = true), clearTimeout(timer), watcher?.close());
}

/** Marks the lake's loaders as changed, so Framework re-runs them. */
export function touchLakeLoaders() {
  const now = new Date();
  for (const loader of lakeLoaders) if (existsSync(loader)) utimesSync(loader, now, now);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "build" && command !== "preview") {
    console.error("usage: node scripts/observable.js build|preview [options]");
    process.exit(2);
  }
  seedNpmCache();
  if (command === "build") clearLoaderOutputs();
  if (command === "preview") {
    // Outputs cached by an earlier preview may predate the lake's latest files: refresh them once now.
    touchLakeLoaders();
    const lake = resolve(project, process.env.PAIRBOOK_LAKE ?? "data");
    const seconds = Number(process.env.PAIRBOOK_WATCH_SECONDS ?? 15);
    watchLake(lake, touchLakeLoaders, {minMs: (seconds > 0 ? seconds : 15) * 1000});
  }
  const bin = join(project, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
  const child = spawn(process.execPath, [bin, command, ...args], {
    cwd: project,
    stdio: "inherit",
    env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", PATH: `${join(project, "node_modules", ".bin")}:${process.env.PATH}`},
  });
  // Started by `pairbook demo`: go when the parent goes (its stdin pipe closes), taking Framework along.
  if (process.env.PAIRBOOK_EXIT_WITH_PARENT === "1") {
    process.stdin
      .on("end", () => child.kill("SIGTERM"))
      .on("error", () => child.kill("SIGTERM"))
      .resume();
  }
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (command !== "build" || code !== 0) process.exit(code ?? (signal ? 1 : 0));
    // The output folder as observablehq.config.ts names it.
    const dist = resolve(project, process.env.PAIRBOOK_DIST ?? "dist");
    // Workers first: a page bundle holds the bundled worker modules.
    bundleWorkers(dist)
      .then(() => bundlePages(dist))
      .then(
        () => process.exit(0),
        (error) => (console.error(error), process.exit(1)),
      );
  });
}
