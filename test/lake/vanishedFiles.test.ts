// Readers racing the recorder's compaction: a second process publishes small files and compacts
// them (deleting the merged ones) while this one reads the lake over and over. A read whose file
// listing went stale runs again from a fresh one (lake/vanishedFiles.ts): no read fails, and each
// sees every id from 1 to what was published exactly once.
import {spawn} from "node:child_process";
import {once} from "node:events";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterEach, beforeEach, describe, expect, it, onTestFinished} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readTrades} from "../../lake/reader.js";
import {isVanishedFile} from "../../lake/vanishedFiles.js";
import {aggregateBars} from "../../loaders/aggregateBars.js";

let lake: string;
beforeEach(async () => void (lake = await mkdtemp(join(tmpdir(), "pairbook-vanished-"))));
afterEach(async () => rm(lake, {recursive: true, force: true}));

const midnight = Date.UTC(2026, 10, 21);

describe("reading a lake while a recorder compacts it", () => {
  it("every read succeeds and holds each published id once, in order", async () => {
    const rounds = 120,
      batch = 25;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "publishingChild.ts"), lake, String(rounds), String(batch)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    onTestFinished(() => void child.kill()); // a failed read must not leave it writing into the removed lake
    const lines = createInterface({input: child.stdout});
    const exited = once(child, "exit");
    let done = false;
    lines.on("line", (line) => void (line.startsWith("done") && (done = true)));
    await once(lines, "line"); // ready: the first file is published
    let reads = 0,
      lastCount = 0;
    await withDuckDB(async (c) => {
      while (!done) {
        const {id} = await readTrades(c, lake, "BTCUSDT");
        expect(id).toEqual(Array.from({length: id.length}, (_, i) => i + 1));
        expect(id.length).toBeGreaterThanOrEqual(lastCount);
        lastCount = id.length;
        const {trades} = await aggregateBars(c, lake, "BTCUSDT", {interval: 1000, from: midnight, to: midnight + 86_400_000});
        expect(trades).toBeGreaterThanOrEqual(lastCount);
        reads++;
      }
    });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(reads).toBeGreaterThan(10);
    const all = await withDuckDB((c) => readTrades(c, lake, "BTCUSDT"));
    expect(all.id).toEqual(Array.from({length: rounds * batch}, (_, i) => i + 1));
  }, 120_000);
});

describe("isVanishedFile", () => {
  it("recognises DuckDB's missing-file errors and nothing else", async () => {
    const error = await withDuckDB((c) => c.run(`SELECT * FROM read_parquet(['${join(lake, "gone.parquet")}'])`)).catch((e: Error) => e);
    expect(isVanishedFile(error)).toBe(true);
    const other = await withDuckDB((c) => c.run(`SELECT * FROM no_such_table`)).catch((e: Error) => e);
    expect(isVanishedFile(other)).toBe(false);
  });
});
