// npm run bench:analytics [-- --no-python]
// Times the analytics library on seeded series and, when /usr/bin/python3 has statsmodels, the
// reference implementation on the very same numbers (passed as raw float64 files).
import {execFileSync, spawnSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {adf} from "../src/lib/adf.js";
import {backtest} from "../src/lib/backtest.js";
import {coint} from "../src/lib/coint.js";
import {rollingZScore} from "../src/lib/rolling.js";
import {spread} from "../src/lib/spread.js";
import {sweep} from "../src/lib/sweep.js";
import {theilSen} from "../src/lib/theilSen.js";
import {generatePair} from "../test/lib/series.js";

const python = "/usr/bin/python3";
const usePython = !process.argv.includes("--no-python") && spawnSync(python, ["-c", "import statsmodels, scipy"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "pairbook-bench-"));

/** Median wall time of `runs` calls, in seconds (the first call, with JIT warm-up, is reported too). */
function time(f: () => unknown, runs = 3): {first: number; median: number} {
  const times: number[] = [];
  for (let i = 0; i < runs; ++i) {
    const t = performance.now();
    f();
    times.push((performance.now() - t) / 1000);
  }
  return {first: times[0], median: [...times].sort((x, y) => x - y)[Math.floor(runs / 2)]};
}

/** Seconds statsmodels/scipy take for `code` on arrays a, b (float64 files), or a reason it was not run. */
function reference(a: Float64Array, b: Float64Array, code: string): string {
  if (!usePython) return "n/a (no statsmodels)";
  (writeFileSync(join(dir, "a.f64"), a), writeFileSync(join(dir, "b.f64"), b));
  const script = `import time, numpy as np
from statsmodels.tsa.stattools import adfuller, coint
a = np.fromfile(${JSON.stringify(join(dir, "a.f64"))}); b = np.fromfile(${JSON.stringify(join(dir, "b.f64"))})
t = time.perf_counter(); ${code}; print(time.perf_counter() - t)`;
  return `${Number(execFileSync(python, ["-c", script], {encoding: "utf8"})).toFixed(2)} s`;
}

const rows: [string, string, string, string, string][] = [];
const add = (what: string, t: {first: number; median: number}, target: number, ref: string) =>
  rows.push([
    what,
    `${(t.median * 1000).toFixed(0)} ms`,
    `${(t.first * 1000).toFixed(0)} ms`,
    `< ${target < 1 ? `${target * 1000} ms` : `${target} s`} ${t.median < target ? "ok" : "SLOW"}`,
    ref,
  ]);

const {a, b} = generatePair({kind: "prices", seed: 2024, n: 100_000});
const s = spread(a, b, {alpha: -30, beta: 0.045});
add(
  "adf(spread) autolag AIC, n = 100,000",
  time(() => adf(s)),
  0.3,
  reference(s, b, "adfuller(a, autolag='AIC')"),
);
add(
  "coint(a, b) Engle-Granger, n = 100,000",
  time(() => coint(a, b)),
  0.5,
  reference(a, b, "coint(a, b)"),
);
add(
  "theilSen(a, b) exact, n = 100,000",
  time(() => theilSen(a, b)),
  1,
  "not run (scipy builds two n×n float64 matrices: 160 GB)",
);

// The whole command, end to end in a fresh process, on a CSV of the same pair.
const csv = join(dir, "pair.csv");
writeFileSync(csv, `time,eth,btc\n${Array.from(a, (v, i) => `${1_700_000_000_000 + i * 1000},${v},${b[i]}`).join("\n")}\n`);
add(
  "pairbook analyze --csv (100,000 rows, process)",
  time(() => execFileSync("node", ["cli/pairbook.js", "analyze", "--csv", csv, "--json"]), 3),
  2,
  "n/a",
);

const big = generatePair({kind: "prices", seed: 7, n: 1_000_000});
const zBig = rollingZScore(spread(big.a, big.b, {alpha: -30, beta: 0.045}), 60);
add(
  "backtest, 1,000,000 bars",
  time(() => backtest(big.a, big.b, zBig, {beta: 0.045, entry: 2, exit: 0.5, feeBps: 1}), 5),
  0.1,
  "n/a",
);

const day = generatePair({kind: "prices", seed: 8, n: 86_400});
const entries = Array.from({length: 20}, (_, i) => 1 + 0.1 * i),
  exits = Array.from({length: 20}, (_, i) => -0.9 + 0.1 * i);
let cells = 0;
add(
  "sweep 20 × 20 (entry × exit), 86,400 bars",
  time(() => (cells = sweep(day.a, day.b, {alpha: -30, beta: 0.045, entries, exits, windows: [60]}).length)),
  1,
  "n/a",
);

rmSync(dir, {recursive: true, force: true});
const header: [string, string, string, string, string] = ["benchmark", "pairbook (median)", "first call", "target", "statsmodels / scipy"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log([line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));
console.log(`\nnode ${process.version}, ${process.arch}; sweep grid: ${cells} cells (entry 1.0…2.9, exit −0.9…1.0, window 60).`);
