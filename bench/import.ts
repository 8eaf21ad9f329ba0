// npm run bench:import [-- --rows 2000000 --runs 1]
// `pairbook import` of one seeded daily trades zip (with its CHECKSUM) against DuckDB's own CSV → sorted
// Parquet on the same file, decompression included (`unzip -p` to a temp CSV, then one COPY), in the
// same run. Each side runs in its own process under /usr/bin/time: wall time and the kernel's peak RSS.
// The machine may be shared: the load average is printed with the figures.
import {spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {oneEntryZip} from "../simulator/oneEntryZip.js";

const {values} = parseArgs({options: {rows: {type: "string", default: "2000000"}, runs: {type: "string", default: "1"}}});
const rowCount = Number(values.rows),
  runs = Number(values.runs);

/** Seeded spot trades for 2024-08-09: ids from 3e9, times spread over the day, µs-free ms times. */
function tradesCsv(n: number): Buffer {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
  const start = Date.UTC(2024, 7, 9),
    step = 86_400_000 / n,
    lines: string[] = [];
  let price = 60_000;
  for (let i = 0; i < n; ++i) {
    price = Math.max(1, price * (1 + (random() - 0.5) * 1e-4));
    const qty = 0.00001 + random() * 0.5;
    const time = Math.floor(start + i * step);
    lines.push(
      `${3_000_000_000 + i},${price.toFixed(2)},${qty.toFixed(8)},${(price * qty).toFixed(8)},${time},${random() < 0.5 ? "True" : "False"},True`,
    );
  }
  return Buffer.from(lines.join("\n") + "\n");
}

/** Runs `command` under /usr/bin/time; wall seconds and peak RSS in MB. */
function timed(command: string[], env: Record<string, string> = {}): {seconds: number; rssMb: number; stdout: string} {
  const result = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", ...command], {encoding: "utf8", env: {...process.env, ...env}});
  const match = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match) throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return {seconds: Number(match[1]), rssMb: Number(match[2]) / 1024, stdout: result.stdout};
}

const dir = mkdtempSync(join(tmpdir(), "bench-import-"));
try {
  const name = "BTCUSDT-trades-2024-08-09.zip",
    zipPath = join(dir, name);
  const csv = tradesCsv(rowCount);
  const zip = oneEntryZip(name.replace(/\.zip$/, ".csv"), csv);
  writeFileSync(zipPath, zip);
  writeFileSync(`${zipPath}.CHECKSUM`, `${createHash("sha256").update(zip).digest("hex")}  ${name}\n`);
  console.log(
    `${rowCount.toLocaleString("en")} rows: CSV ${(csv.length / 1e6).toFixed(0)} MB, zip ${(zip.length / 1e6).toFixed(0)} MB; ` +
      `${runs} run(s) each; load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  const duckdbScript = join(import.meta.dirname, "importFloor.ts");
  for (let run = 1; run <= runs; ++run) {
    const lake = join(dir, `lake-${run}`);
    const ours = timed(["node", "cli/pairbook.js", "import", "--lake", lake, zipPath]);
    const floor = timed(["node", "--import", "tsx", duckdbScript, zipPath, join(dir, `floor-${run}`)]);
    rmSync(lake, {recursive: true, force: true});
    const line = (label: string, r: {seconds: number; rssMb: number}) =>
      `  ${label.padEnd(34)} ${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(rowCount / r.seconds)
        .toLocaleString("en")
        .padStart(10)} rows/s  peak RSS ${r.rssMb.toFixed(0).padStart(4)} MB`;
    console.log(`run ${run} (load average ${loadavg()[0].toFixed(2)}):`);
    console.log(line("pairbook import", ours));
    console.log(line("DuckDB unzip + CSV → Parquet", floor));
    console.log(`  ratio (import / DuckDB): ${(ours.seconds / floor.seconds).toFixed(2)}×`);
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
