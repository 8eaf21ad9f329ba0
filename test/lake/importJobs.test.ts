// `pairbook import` of several files: --jobs N leaves the same lake as --jobs 1, kill -9 mid-import then a
// rerun stores every id exactly once, and peak memory does not grow with the file.
import {spawn} from "node:child_process";
import {createHash} from "node:crypto";
import {mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {importFiles, resolveJob} from "../../lake/import/index.js";
import {pairbook} from "../cli/pairbook.js";
import {makeZip} from "./archiveZip.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "import-jobs-"));
});
afterEach(async () => {
  await rm(dir, {recursive: true, force: true});
});

/** Spot trades CSV rows for ids `from..to`, one every 40 ms from 2024-08-09T00:00Z at id 0 (ms times). */
function tradesCsv(from: number, to: number): Buffer {
  const lines: string[] = [];
  for (let id = from; id <= to; ++id) {
    const price = 60_000 + (id % 997) / 100,
      qty = 0.001 * (1 + (id % 7));
    lines.push(
      `${id},${price.toFixed(2)},${qty.toFixed(8)},${(price * qty).toFixed(8)},${Date.UTC(2024, 7, 9) + id * 40},${id % 2 === 0 ? "True" : "False"},True`,
    );
  }
  return Buffer.from(lines.join("\n") + "\n");
}

/** Writes `<dir>/<name>.zip` (one deflated entry) and its `.CHECKSUM`; returns the zip's path. */
async function archive(name: string, csv: Buffer): Promise<string> {
  const zip = makeZip([{name: `${name}.csv`, data: csv}], 8, 1);
  const path = join(dir, `${name}.zip`);
  await writeFile(path, zip);
  await writeFile(`${path}.CHECKSUM`, `${createHash("sha256").update(zip).digest("hex")}  ${name}.zip\n`);
  return path;
}

async function lakeFiles(lake: string): Promise<string[]> {
  return (await readdir(lake, {recursive: true})).filter((f) => f.endsWith(".parquet")).sort();
}

/** Every stored row of the lake's ticks, by id, and the count of distinct ids. */
async function lakeRows(lake: string): Promise<{rows: string[]; ids: number; distinct: number}> {
  return withDuckDB(async (connection) => {
    const glob = quotedString(join(lake, "ticks", "**", "*.parquet"));
    const reader = await connection.runAndReadAll(
      `SELECT trade_id::VARCHAR || ' ' || epoch_ms(time) || ' ' || price || ' ' || qty || ' ' || is_buyer_maker || ' ' || filename AS r
       FROM read_parquet(${glob}, filename = true) ORDER BY trade_id`,
    );
    const rows = reader.getRowObjectsJson().map((r) => String(r.r).replace(lake, ""));
    const [counts] = (
      await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n, count(DISTINCT trade_id)::DOUBLE AS d FROM read_parquet(${glob})`)
    ).getRowObjectsJson();
    return {rows, ids: Number(counts.n), distinct: Number(counts.d)};
  });
}

describe("importFiles with several jobs", () => {
  it("--jobs 2 leaves the same lake as --jobs 1 (overlapping files, a repeated id, a day boundary)", async () => {
    // Day files that overlap (ids 4000..4999 are in the 2nd and 3rd) and cross midnight, so the publishing
    // order decides which file writes which ids: it must be the file order in both runs.
    const csv = Buffer.concat([tradesCsv(5000, 5000), tradesCsv(0, 2999)]);
    const files = [
      await archive("BTCUSDT-trades-2024-08-09", csv),
      await archive("BTCUSDT-trades-2024-08-10", tradesCsv(3000, 4999)),
      await archive("BTCUSDT-trades-2024-08-11", tradesCsv(4000, 7999)),
      await archive("BTCUSDT-trades-2024-08-12", tradesCsv(2_160_000 - 500, 2_160_000 + 499)),
    ];
    const run = async (jobs: number) => {
      const lake = join(dir, `lake-${jobs}`);
      const summary = await importFiles(
        files.map((f) => resolveJob(f, {})),
        {lake, tempDir: dir, jobs},
      );
      return {summary, files: await lakeFiles(lake), rows: await lakeRows(lake)};
    };
    const one = await run(1),
      two = await run(2);
    expect(one.rows.ids).toBe(9000);
    expect(one.rows.distinct).toBe(9000);
    expect(one.summary).toMatchObject({rows: 10_001, added: 9000, duplicates: 1001});
    // Ids around 2,160,000 cross into 2024-08-10 (2,160,000 × 40 ms = 24 h): two days, two files.
    expect(one.files.filter((f) => /0000000021[56]\d{4}\.parquet$/.test(f)).length).toBe(2);
    expect(two.files).toEqual(one.files);
    expect(two.rows.rows).toEqual(one.rows.rows);
    expect(two.summary).toEqual(one.summary);
  });

  it("a bad file stops the import at that file with --jobs 3: earlier files published, later ones not", async () => {
    const good = await archive("BTCUSDT-trades-2024-08-09", tradesCsv(0, 999));
    const bad = await archive("BTCUSDT-trades-2024-08-10", tradesCsv(1000, 1999));
    await writeFile(`${bad}.CHECKSUM`, `${"0".repeat(64)}  BTCUSDT-trades-2024-08-10.zip\n`);
    const after = await archive("BTCUSDT-trades-2024-08-11", tradesCsv(2000, 2999));
    const lake = join(dir, "lake");
    await expect(
      importFiles(
        [good, bad, after].map((f) => resolveJob(f, {})),
        {lake, tempDir: dir, jobs: 3},
      ),
    ).rejects.toThrow(/SHA-256 mismatch/);
    const {ids} = await lakeRows(lake);
    expect(ids).toBe(1000);
  });
});

describe("pairbook import of several files (CLI)", () => {
  it("kill -9 mid-import, then the same command again: every id stored exactly once", {timeout: 300_000}, async () => {
    const perFile = 60_000,
      files: string[] = [];
    for (let i = 0; i < 5; ++i)
      files.push(await archive(`BTCUSDT-trades-2024-08-${String(9 + i).padStart(2, "0")}`, tradesCsv(i * perFile, (i + 1) * perFile - 1)));
    const lake = join(dir, "lake");
    const args = ["import", "--lake", lake, "--jobs", "2", ...files];
    // Killed as soon as the first file is published (non-TTY progress prints one line per file).
    const child = spawn(process.execPath, ["cli/pairbook.js", ...args], {stdio: ["ignore", "ignore", "pipe"]});
    await new Promise<void>((resolve, reject) => {
      child.stderr.setEncoding("utf8").on("data", (text: string) => {
        if (text.includes("[1/5 files]")) (child.kill("SIGKILL"), resolve());
      });
      child.on("exit", () => reject(new Error("the import ended before it could be killed")));
    });
    await new Promise((resolve) => child.on("close", resolve));
    const partial = await lakeRows(lake);
    expect(partial.ids).toBeGreaterThanOrEqual(perFile);
    expect(partial.ids).toBeLessThan(5 * perFile);
    const rerun = await pairbook(args, {timeoutMs: 200_000});
    expect(rerun.stderr).not.toMatch(/error/i);
    expect(rerun.code).toBe(0);
    const {ids, distinct} = await lakeRows(lake);
    expect(ids).toBe(5 * perFile);
    expect(distinct).toBe(5 * perFile);
  });

  it("peak RSS stays under 400 MB and does not grow with the file (200,000 vs 800,000 rows)", {timeout: 300_000}, async () => {
    const peak = async (rows: number) => {
      const zip = await archive(`BTCUSDT-trades-2024-08-${rows > 500_000 ? "10" : "09"}`, tradesCsv(0, rows - 1));
      const lake = join(dir, `lake-${rows}`);
      // The CLI as installed (its shebang's V8 flag), its peak RSS read from inside at exit.
      const hook = `process.on("exit", () => process.stderr.write("maxrss " + process.resourceUsage().maxRSS + "\\n"));
        process.argv.splice(1, 0, "cli/pairbook.js"); await import("./cli/pairbook.js");`;
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--max-semi-space-size=4", "--input-type=module", "-e", hook, "import", "--lake", lake, zip],
          {
            stdio: ["ignore", "ignore", "pipe"],
          },
        );
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(stderr) : reject(new Error(`exit ${code}: ${stderr}`))));
      });
      expect((await lakeRows(lake)).ids).toBe(rows);
      return Number(/maxrss (\d+)/.exec(out)![1]) / 1024;
    };
    const small = await peak(200_000),
      big = await peak(800_000);
    // Loading everything (the old import) grew by ~350 bytes a row, ~210 MB more for the big file; now DuckDB
    // grows to its fixed memory limit and no further (2,000,000 rows peak near 370 MB: npm run bench:import).
    expect(big, `peak RSS ${small.toFixed(0)} MB → ${big.toFixed(0)} MB`).toBeLessThan(400);
    expect(big - small, `peak RSS ${small.toFixed(0)} MB → ${big.toFixed(0)} MB`).toBeLessThan(150);
  });
});
