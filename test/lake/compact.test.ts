import {mkdir, mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {compactPartition, disjoint, fanIn} from "../../lake/compact.js";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {batchFileName, compactIntentName, partitionDir} from "../../lake/layout.js";
import {readTrades} from "../../lake/reader.js";
import {LakeWriter} from "../../lake/writer.js";

let lake: string;
beforeEach(async () => void (lake = await mkdtemp(join(tmpdir(), "pairbook-compact-"))));
afterEach(async () => rm(lake, {recursive: true, force: true}));

const day = "2026-11-21",
  midnight = Date.UTC(2026, 10, 21);
const dir = () => partitionDir(lake, "BTCUSDT", day);

/** Writes a tick file holding `ids` (in the given order), as the writer or an import would. */
async function tickFile(ids: number[]): Promise<void> {
  await mkdir(dir(), {recursive: true});
  const values = ids.map((id) => `(${id}, ${midnight + id}, ${100 + id / 8}, 0.5, ${id % 2 === 0})`).join(", ");
  const name = batchFileName(Math.min(...ids), Math.max(...ids));
  await withDuckDB((c) =>
    c.run(`COPY (SELECT col0::BIGINT AS trade_id, timezone('UTC', epoch_ms(col1::BIGINT)) AS "time", col2::DOUBLE AS price, col3::DOUBLE AS qty, col4 AS is_buyer_maker,
    NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time FROM (VALUES ${values}))
    TO ${quotedString(join(dir(), name))} (FORMAT parquet)`),
  );
}

const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => from + i);

/** Trade ids of one file in the order its rows are stored. */
const storedOrder = (path: string) =>
  withDuckDB(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT trade_id::DOUBLE FROM read_parquet(${quotedString(path)}, file_row_number = true) ORDER BY file_row_number`,
      )
    )
      .getRows()
      .map((r) => r[0] as number),
  );

describe("compactPartition", () => {
  it("leaves fewer than fanIn small files alone", async () => {
    for (let k = 0; k < fanIn - 1; ++k) await tickFile(range(k * 100 + 1, k * 100 + 100));
    const merges = await withDuckDB(async (c) => compactPartition(c, await tickFiles(lake, "BTCUSDT", {date: day})));
    expect(merges).toBe(0);
    expect(await tickFiles(lake, "BTCUSDT")).toHaveLength(fanIn - 1);
  });

  it("merges the newest fanIn files of one tier into one file sorted by id, every row once", async () => {
    for (let k = 0; k < fanIn + 1; ++k) await tickFile(range(k * 100 + 1, k * 100 + 100));
    const merges = await withDuckDB(async (c) => compactPartition(c, await tickFiles(lake, "BTCUSDT", {date: day})));
    expect(merges).toBe(1);
    const files = await tickFiles(lake, "BTCUSDT");
    expect(files.map((f) => [f.first, f.last])).toEqual([
      [1, 100],
      [101, 900],
    ]);
    expect(await storedOrder(files[1].path)).toEqual(range(101, 900));
    expect((await withDuckDB((c) => readTrades(c, lake, "BTCUSDT"))).id).toEqual(range(1, 900));
    expect((await readdir(dir())).filter((n) => n.startsWith("."))).toEqual([]); // no intent or temp file left
  });

  it("sorts when a hole-filling file sits inside another's id range", async () => {
    // An import filled ids 450..460 of a hole that an earlier file spans by first/last id.
    const outer = [...range(401, 449), ...range(461, 500)];
    const files = [
      range(1, 100),
      range(101, 200),
      range(201, 300),
      range(301, 400),
      outer,
      range(450, 460),
      range(501, 600),
      range(601, 700),
    ];
    for (const ids of files) await tickFile(ids);
    const listed = await tickFiles(lake, "BTCUSDT", {date: day});
    expect(disjoint(listed)).toBe(false);
    expect(await withDuckDB((c) => compactPartition(c, listed))).toBe(1);
    const [merged] = await tickFiles(lake, "BTCUSDT");
    expect(await storedOrder(merged.path)).toEqual(range(1, 700));
  });

  it("after a crash between publishing the output and deleting the inputs, readers and a restart see every id once", async () => {
    for (let k = 0; k < fanIn; ++k) await tickFile(range(k * 10 + 1, k * 10 + 10));
    const inputs = await readdir(dir());
    // The crashed compaction's state: intent written, output published, inputs still there.
    const output = batchFileName(1, 80);
    await writeFile(join(dir(), compactIntentName(output)), JSON.stringify({output, inputs}));
    await tickFile(range(1, 80));
    expect((await tickFiles(lake, "BTCUSDT")).map((f) => [f.first, f.last])).toEqual([[1, 80]]);
    expect((await withDuckDB((c) => readTrades(c, lake, "BTCUSDT"))).id).toEqual(range(1, 80));
    const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
    expect(writer.lastId("BTCUSDT")).toBe(80);
    await writer.close();
    expect(await readdir(dir())).toEqual([output]);
  });
});

describe("disjoint", () => {
  const f = (first: number, last: number) => ({path: "", date: day, first, last});
  it("is true for increasing, non-overlapping ranges and false otherwise", () => {
    expect(disjoint([f(1, 5), f(6, 9), f(20, 30)])).toBe(true);
    expect(disjoint([f(1, 5), f(5, 9)])).toBe(false);
    expect(disjoint([f(1, 50), f(10, 20)])).toBe(false);
    expect(disjoint([])).toBe(true);
  });
});
