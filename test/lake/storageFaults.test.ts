// LakeWriter under storage faults injected for real: a small tmpfs filled with a ballast file
// (ENOSPC), the lake folder deleted (rm -rf) or replaced by a file. Each case ends with every id
// accepted exactly once in the lake and `lakeError` cleared only once the failing stage works again.
import {mkdir, readdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterAll, afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {mountTmpfs} from "../../bench/faults/tmpfs.js";
import {withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob, walDir} from "../../lake/layout.js";
import {LakeWriter, type LakeWriterOptions} from "../../lake/writer.js";

const tmpfs = await mountTmpfs(8 << 20);
const unavailable = typeof tmpfs === "string" ? tmpfs : null;
if (unavailable) console.warn(`test/lake/storageFaults.test.ts skipped: ${unavailable}`);
afterAll(async () => typeof tmpfs !== "string" && tmpfs.unmount());

const symbol = "BTCUSDT";
const start = Date.UTC(2026, 10, 20, 12);
const trade = (id: number) => ({id, time: start + id * 10, price: 100 + id / 100, qty: 0.5 + (id % 3), isBuyerMaker: id % 2 === 0});
const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => from + i);

let lake: string,
  logs: string[],
  writer: LakeWriter | undefined,
  n = 0;
beforeEach(async () => {
  if (typeof tmpfs === "string") return;
  lake = join(tmpfs.dir, `lake-${++n}`);
  logs = [];
  await mkdir(lake);
});
afterEach(async () => {
  if (typeof tmpfs === "string") return;
  await tmpfs.unfill();
  await writer?.close().catch(() => {});
  writer = undefined;
  await rm(lake, {recursive: true, force: true});
});

/** A writer with fast retries and no publish timer; its log lines go to `logs`. */
const open = async (options: LakeWriterOptions = {}) =>
  (writer = await LakeWriter.open(lake, [symbol], {
    publishMs: 0,
    syncMs: 50,
    retry: {initialMs: 50, maxMs: 200},
    log: (line) => logs.push(line),
    ...options,
  }));

const add = (w: LakeWriter, ids: number[]) => ids.forEach((id) => expect(w.add(symbol, trade(id))).toBe("accepted"));

/** Every trade id in every Parquet file of the symbol (compaction leftovers included), sorted. */
async function storedIds(): Promise<number[]> {
  return withDuckDB(async (c) =>
    (
      await c.runAndReadAll(`SELECT trade_id::DOUBLE FROM read_parquet($glob) ORDER BY trade_id`, {
        glob: join(lake, "ticks", "market=spot", `symbol=${symbol}`, "*", "*.parquet"),
      })
    )
      .getRows()
      .map((r) => r[0] as number),
  ).catch((error: Error) => {
    if (/No files found/.test(error.message)) return [];
    throw error;
  });
}

const recovered = () => vi.waitFor(() => expect(writer!.lakeError).toBeNull(), {timeout: 15_000, interval: 20});

describe.skipIf(unavailable !== null)("LakeWriter under storage faults", () => {
  const disk = tmpfs as Exclude<typeof tmpfs, string>;

  it("ENOSPC while flush() swaps segments keeps the old segment and its unsynced lines (the 878-id loss)", async () => {
    const w = await open({syncMs: 60_000}); // no background sync: the swap is the first to meet the full disk
    add(w, range(1, 500));
    await w.sync();
    await disk.fill();
    add(w, range(501, 1378)); // 878 lines in memory only
    await w.flush(); // swaps segments; the old one cannot be written: it stays, unpublished
    expect(w.lakeError).toMatch(/^log: ENOSPC/);
    expect(w.unsynced).toBe(878);
    expect(w.pending).toBe(1378);
    await disk.unfill();
    await w.sync();
    expect(w.lakeError).toBeNull();
    await w.close();
    writer = undefined;
    await (await open()).close(); // a restart finds nothing left in the log
    expect(await storedIds()).toEqual(range(1, 1378));
    expect(logs.filter((l) => /^lake: writing the write-ahead log failed: ENOSPC/.test(l))).toHaveLength(1);
    expect(logs.some((l) => /^lake: storage recovered after \d+\.\d s \(writing the write-ahead log works again\)$/.test(l))).toBe(true);
    expect(logs.join("\n")).not.toMatch(/nothing is dropped/);
  });

  it("ENOSPC while publishing: the trades stay in the log, lakeError stays set until a retry publishes them", async () => {
    const w = await open();
    add(w, range(1, 300));
    await w.sync();
    await disk.fill();
    await expect(w.flush()).rejects.toThrow(/No space left on device|ENOSPC/);
    expect(w.lakeError).toMatch(/^publish: /);
    await new Promise((resolve) => setTimeout(resolve, 500)); // several retries with backoff, all failing
    expect(w.lakeError).toMatch(/^publish: /);
    expect(w.pending).toBe(300);
    expect(await storedIds()).toEqual([]);
    await disk.unfill();
    await recovered(); // the retry timer publishes without a flush() call
    expect(w.pending).toBe(0);
    expect(await storedIds()).toEqual(range(1, 300));
    expect(logs.filter((l) => l.startsWith("lake: publishing the log as Parquet failed"))).toHaveLength(1); // once, not per retry
  });

  it("a compaction that runs out of space leaves every file readable and is retried", async () => {
    const w = await open();
    for (let k = 0; k < 7; ++k) (add(w, range(k * 100 + 1, k * 100 + 100)), await w.flush());
    add(w, range(701, 800));
    await w.sync();
    await disk.fill(8192); // room for the eighth small file, not for merging eight
    await w.flush();
    expect(w.lakeError).toMatch(/^compaction: /);
    expect(w.compactions).toBe(0);
    expect(await storedIds()).toEqual(range(1, 800));
    await disk.unfill();
    await recovered();
    expect(w.compactions).toBe(1);
    expect(await storedIds()).toEqual(range(1, 800));
    const [date] = await readdir(join(lake, "ticks", "market=spot", `symbol=${symbol}`));
    expect(await readdir(join(lake, "ticks", "market=spot", `symbol=${symbol}`, date))).toHaveLength(1);
  });

  it("rm -rf of the lake: the log is rewritten from its open file, and a path that cannot be recreated stays an error until it can", async () => {
    const w = await open();
    add(w, range(1, 100));
    await w.flush(); // 1..100 published (and deleted with the lake below: not the writer's to keep)
    add(w, range(101, 200));
    await w.sync();
    await rm(lake, {recursive: true, force: true});
    add(w, range(201, 300)); // written to a file that no longer exists
    await vi.waitFor(
      () => expect(logs.some((l) => /^lake: writing the write-ahead log failed: .*the file was deleted or moved/.test(l))).toBe(true),
      {timeout: 10_000},
    );
    await recovered();
    // Again, with a file in the lake's place for a while.
    await rm(lake, {recursive: true, force: true});
    await writeFile(lake, "not a folder\n");
    add(w, range(301, 400));
    await vi.waitFor(() => expect(w.lakeError).toMatch(/^log: (ENOTDIR|EEXIST)/), {timeout: 10_000});
    await new Promise((resolve) => setTimeout(resolve, 500)); // retries fail meanwhile
    expect(w.lakeError).toMatch(/^log: (ENOTDIR|EEXIST)/);
    expect(w.unsynced).toBeGreaterThanOrEqual(100);
    await rm(lake);
    await recovered();
    await w.close();
    writer = undefined;
    expect(await storedIds()).toEqual(range(101, 400));
  });

  it("a closed segment deleted before it was published, on a full disk, is rewritten once there is room", async () => {
    const w = await open();
    add(w, range(1, 200));
    await w.sync();
    await disk.fill();
    add(w, range(201, 300));
    await w.flush(); // the closed segment holds 201..300 in memory only: not published
    expect(w.lakeError).toMatch(/^log: ENOSPC/);
    await rm(lake, {recursive: true, force: true}); // frees nothing: the writer still holds the files open
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.lakeError).not.toBeNull();
    await disk.unfill();
    await recovered();
    await w.close();
    writer = undefined;
    expect(await storedIds()).toEqual(range(1, 300));
  });

  it("a gap record that cannot be written is kept and retried until stored", async () => {
    const w = await open();
    add(w, range(1, 10));
    await w.sync();
    await disk.fill();
    const stored = w.recordGap({
      symbol,
      fromId: 11,
      toId: 20,
      fromTime: start + 100,
      toTime: start + 210,
      cause: "stream",
      filled: false,
      detectedAt: start + 300,
    });
    await vi.waitFor(() => expect(w.lakeError).toMatch(/^gaps: /), {timeout: 10_000});
    expect(w.gapsPending).toBe(1);
    await disk.unfill();
    expect(await stored).toBe(true);
    await recovered();
    expect(w.gapsRecorded).toBe(1);
    const rows = await withDuckDB(async (c) =>
      (await c.runAndReadAll(`SELECT from_id::DOUBLE, to_id::DOUBLE FROM read_parquet($glob)`, {glob: gapsGlob(lake)})).getRows(),
    );
    expect(rows).toEqual([[11, 20]]);
  });

  it("full turns true at maxBufferedBytes of lines the log cannot take, and whenRoom resolves once it has taken them", async () => {
    const w = await open({maxBufferedBytes: 16_384});
    add(w, range(1, 10));
    await w.sync();
    await disk.fill();
    let id = 10;
    while (!w.full && id < 5000) {
      add(w, [++id]);
      if (id % 50 === 0) await w.sync().catch(() => {});
    }
    expect(w.full).toBe(true);
    expect(w.bufferedBytes).toBeGreaterThanOrEqual(16_384);
    let room = false;
    const waiting = w.whenRoom(new AbortController().signal).then(() => (room = true));
    await w.sync().catch(() => {});
    expect(room).toBe(false);
    await disk.unfill();
    await waiting;
    expect(w.full).toBe(false);
    await w.close();
    writer = undefined;
    expect(await storedIds()).toEqual(range(1, id));
  });

  it("a restart publishes leftover segments by first id, not by number (a relocated segment has a higher one)", async () => {
    await mkdir(walDir(lake, symbol), {recursive: true});
    const lines = (ids: number[]) =>
      ids.map((i) => `${i},${trade(i).time},${trade(i).price},${trade(i).qty},${trade(i).isBuyerMaker ? 1 : 0}\n`).join("");
    await writeFile(join(walDir(lake, symbol), "000000000002.csv"), lines(range(11, 20)));
    await writeFile(join(walDir(lake, symbol), "000000000005.csv"), lines(range(1, 10))); // relocated after a fault
    const w = await open();
    expect(w.lastId(symbol)).toBe(20);
    await w.close();
    writer = undefined;
    expect(await storedIds()).toEqual(range(1, 20));
  });
});
