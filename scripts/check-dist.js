#!/usr/bin/env node
// Fails (exit 1) when the built site could not work offline or shipped a broken cell:
//  - any URL to another host (XML namespace identifiers excepted: they are names, never fetched);
//  - any /_npm/ import in a page or a page's modules, or a dist/_npm folder (a CDN-backed npm: specifier
//    or implicit import slipped in). Framework's own client (dist/_observablehq/) names /_npm/ modules
//    in lazy imports of its standard library (FileAttachment.csv, DuckDBClient…); those load only when a
//    page uses them, and then the page itself references them, which this check catches;
//  - any bare import specifier Framework left unresolved (it would fail in the browser);
//  - any error cell Framework rendered at build time (class observablehq--error);
//  - a page without its data files;
//  - the building machine's absolute paths (the project's folder, the user's home) in any file: a
//    published report leaks nothing local;
//  - with --with-perpetual (the test lake has one): no USD-M perpetual's symbol page (symbols/usdm_X.html)
//    or no basis pair report (pairs/X-usdm_X.html, spot against its own perpetual).
// Usage: node scripts/check-dist.js [dist] [--with-perpetual]
import {readdirSync, readFileSync, statSync} from "node:fs";
import {homedir} from "node:os";
import {join, relative} from "node:path";
import {fileURLToPath} from "node:url";
import {researchPages} from "./researchPages.js";

const args = process.argv.slice(2);
const withPerpetual = args.includes("--with-perpetual");
const dist = args.find((a) => !a.startsWith("--")) ?? "dist";
const namespaces = new Set([
  "http://www.w3.org/2000/svg",
  "http://www.w3.org/1999/xhtml",
  "http://www.w3.org/1999/xlink",
  "http://www.w3.org/XML/1998/namespace",
  "http://www.w3.org/2000/xmlns/",
]);
const local = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])([:/]|$)/;

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

let all;
try {
  all = files(dist);
} catch {
  console.error(`check-dist: no ${dist}/ folder; run npm run build first`);
  process.exit(1);
}
/** @type {string[]} */
const problems = [];
for (const file of all) {
  if (!/\.(html|js|css|json|svg)$/.test(file)) continue;
  const text = readFileSync(file, "utf8");
  const where = relative(process.cwd(), file);
  for (const [url] of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`()<>\\]+/g)) {
    if (!namespaces.has(url) && !local.test(url)) problems.push(`${where}: external URL ${url}`);
  }
  if (!relative(dist, file).startsWith("_observablehq")) {
    for (const [spec] of text.matchAll(/["'`][^"'`\s]*\/_npm\/[^"'`\s]*["'`]/g)) problems.push(`${where}: CDN-backed npm import ${spec}`);
  }
  // A bare specifier left in a page (import("htl")) cannot load in a browser: Framework could not resolve it.
  for (const [, spec] of text.matchAll(/\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g))
    problems.push(`${where}: unresolved import ${JSON.stringify(spec)}`);
  for (const [cell] of text.matchAll(/observablehq--error">([^<]*)/g)) problems.push(`${where}: error cell ${cell}`);
}
// Local paths, searched in every file (data files too, read as latin1 so bytes compare as text). A
// path counts only when no name character follows it: /home/ann/x and "/home/ann" leak, /home/anna does not.
const project = fileURLToPath(new URL("..", import.meta.url)).replace(/[/\\]+$/, "");
const home = homedir().replace(/[/\\]+$/, "");
const leaks = [project, home]
  .filter((path) => path.length > 1)
  .map((path) => ({
    path,
    re: new RegExp(
      `${Buffer.from(path, "utf8")
        .toString("latin1")
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w.-])`,
    ),
  }));
for (const file of all) {
  const text = readFileSync(file, "latin1");
  for (const {path, re} of leaks)
    if (re.test(text)) problems.push(`${relative(process.cwd(), file)}: absolute path of the building machine (${path})`);
}
for (const file of all)
  if (relative(dist, file).startsWith("_npm"))
    problems.push(`${relative(process.cwd(), file)}: CDN-backed npm module copied into the site`);
const pages = all.filter((f) => f.endsWith(".html"));
if (pages.length === 0) problems.push(`${dist}: no pages`);
/** @param {RegExp} re */
const has = (re) => all.some((f) => re.test(relative(dist, f)));
for (const page of ["index", "coint", "lab", "data", "system", "alerts"])
  if (!has(new RegExp(`^${page}\\.html$`))) problems.push(`${dist}: page ${page}.html is missing`);
// Every research page (src/research/*.md, found as the config finds them) is built.
for (const {path} of researchPages())
  if (!has(new RegExp(`^${path.slice(1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.html$`)))
    problems.push(`${dist}: research page ${path}.html is missing`);
if (!has(/^_file\/data\/overview\.[0-9a-f]+\.json$/)) problems.push(`${dist}: the overview data (data/overview.json) is missing`);
if (!has(/^_file\/data\/bars\.[0-9a-f]+\.arrow$/)) problems.push(`${dist}: the bars of all symbols (data/bars.arrow) are missing`);
// Every pair report needs its bars file next to it (src/pairs/[pair].arrow.ts).
const reports = all.map((f) => relative(dist, f)).filter((f) => /^pairs\/(usdm_)?[A-Z0-9]+-(usdm_)?[A-Z0-9]+\.html$/.test(f));
if (reports.length === 0) problems.push(`${dist}: no pair report (pairs/*.html)`);
for (const report of reports) {
  const slug = report.slice("pairs/".length, -".html".length);
  if (!has(new RegExp(`^_file\\/pairs\\/${slug}\\.[0-9a-f]+\\.arrow$`)))
    problems.push(`${dist}: ${report} has no bars file (pairs/${slug}.arrow)`);
  // Its cells load one bundle of their modules (scripts/bundlePages.js), not ~150 modules one by one.
  const imports = [...readFileSync(join(dist, report), "utf8").matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]);
  if (imports.length === 0 || imports.some((i) => !/\/page\.[0-9a-f]+\.js$/.test(i)))
    problems.push(`${dist}: ${report} imports modules outside its bundle: ${imports.filter((i) => !/\/page\./.test(i)).join(", ")}`);
}
// Every symbol page needs its bars file next to it (src/symbols/[symbol].arrow.ts).
const symbolPages = all.map((f) => relative(dist, f)).filter((f) => /^symbols\/(usdm_)?[A-Z0-9]+\.html$/.test(f));
if (symbolPages.length === 0) problems.push(`${dist}: no symbol page (symbols/*.html)`);
for (const page of symbolPages) {
  const slug = page.slice("symbols/".length, -".html".length);
  if (!has(new RegExp(`^_file\\/symbols\\/${slug}\\.[0-9a-f]+\\.arrow$`)))
    problems.push(`${dist}: ${page} has no bars file (symbols/${slug}.arrow)`);
}
if (withPerpetual && !symbolPages.some((f) => f.startsWith("symbols/usdm_")))
  problems.push(`${dist}: no perpetual's symbol page (symbols/usdm_*.html)`);
if (withPerpetual && !reports.some((f) => /^pairs\/(?:([A-Z0-9]+)-usdm_\1|usdm_([A-Z0-9]+)-\2)\.html$/.test(f)))
  problems.push(`${dist}: no basis pair report (pairs/X-usdm_X.html)`);
if (problems.length) {
  console.error(`check-dist: ${problems.length} problem(s) in ${dist}/:\n  ${problems.slice(0, 50).join("\n  ")}`);
  process.exit(1);
}
console.log(
  `check-dist: ${pages.length} page(s), ${all.length} files in ${dist}/: no external URL, no /_npm/ import, no error cell, no local path`,
);
