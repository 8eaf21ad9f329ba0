#!/usr/bin/env node
// Completes package-lock.json with the platform-specific optional packages (other OS/CPU builds of
// DuckDB's bindings, Rollup's native parser, …) that the npm registry mirror on our build machines
// does not serve. Without their entries `npm ci` refuses the lock file ("Missing: … from lock file")
// although it would skip those packages anyway; with them it installs the current platform's build
// only, as usual. os/cpu/libc are derived from the package name (darwin-arm64, linux-x64-musl, …).
// Run after `npm install` changes the lock file: node scripts/lockfile-platforms.js
import {readFileSync, writeFileSync} from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
/** @typedef {{version?: string, optional?: boolean, os?: string[], cpu?: string[], libc?: string[], optionalDependencies?: Record<string, string>}} LockEntry */
/** @type {unknown} */
const parsed = JSON.parse(readFileSync(file, "utf8"));
const lock = /** @type {{packages: Record<string, LockEntry>}} */ (parsed);
const packages = lock.packages;
const oses = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "openharmony", "sunos", "aix", "netbsd"];
/** @type {Record<string, string>} */
const cpus = {
  "arm-eabi": "arm",
  arm: "arm",
  arm64: "arm64",
  x64: "x64",
  ia32: "ia32",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
  gnueabihf: "arm",
  musleabihf: "arm",
};

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `${path.slice(0, path.lastIndexOf("node_modules/") + 13)}${name}`;
    if (packages[target] || packages[`node_modules/${name}`]) continue;
    const parts = (name.split("/").pop() ?? "").split("-");
    const os = parts.find((p) => oses.includes(p));
    if (!os) continue; // not a platform build: leave it to npm
    const rest = parts.slice(parts.indexOf(os) + 1);
    const cpu = rest.map((p) => cpus[p]).find(Boolean);
    const libc = os === "linux" ? (rest.some((p) => p.startsWith("musl")) ? "musl" : "glibc") : undefined;
    packages[target] = {version, optional: true, os: [os], ...(cpu && {cpu: [cpu]}), ...(libc && {libc: [libc]})};
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile-platforms: added ${added} platform package entr${added === 1 ? "y" : "ies"}`);
