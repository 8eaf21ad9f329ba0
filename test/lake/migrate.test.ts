// Lake format 2's migration (lake/migrate.ts, run by lake/openLake.ts from resolveLeftovers): a
// format-1 lake (test/lake/formatOneLake.ts) ends with every id exactly once, zoned timestamps and
// lake.json, also when the migrating process is killed with SIGKILL at points of the migration.
import {type ChildProcess, spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdtemp, readFile, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {resolveLeftovers} from "../../lake/leftovers.js";
import {LakeFormatError} from "../../lake/openLake.js";
import {LakeWriter} from "../../lake/writer.js";
import {lakeIdCounts} from "../recorder/lakeIdCounts.js";
import {formatOneLake, timeOf} from "./formatOneLake.js";

let lake: string;
beforeEach(async () => {
  lake = join(await mkdtemp(join(tmpdir(), "pairbook-migrate-")), "lake");
  await formatOneLake(lake);
});
afterEach(async () => rm(join(lake, ".."), {recursive: true, force: true}));

/** Every ticks/, gaps/ and aggtrades/ file in the lake, relative to it. */
async function dataFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const top of ["ticks", "gaps", "aggtrades"]) {
    if (!existsSync(join(lake, top))) continue;
    for (const e of await readdir(join(lake, top), {withFileTypes: true, recursive: true}))
      if (e.isFile()) out.push(join(e.parentPath, e.name).slice(lake.length + 1));
  }
  return out.sort();
}

/** The checks a migrated lake passes: ids once each, the format-2 layout only, zoned timestamps with the same instants. */
async function expectMigrated(): Promise<void> {
  expect(await lakeIdCounts(lake)).toEqual([
    {symbol: "BTCUSDT", n: 600, ids: 600, lo: 1, hi: 600},
    {symbol: "ETHUSDT", n: 50, ids: 50, lo: 1, hi: 50},
  ]);
  const files = await dataFiles();
  expect(
    files.every((f) =>
      /^(ticks|aggtrades)\/market=spot\/symbol=[A-Z]+\/date=[-\d]+\/\d{15}-\d{15}\.parquet$|^gaps\/market=spot\/date=/.test(f),
    ),
    files.join("\n"),
  ).toBe(true);
  expect(files).toHaveLength(9); // 7 tick files, 1 gap record, 1 aggTrades file
  expect(JSON.parse(await readFile(join(lake, "lake.json"), "utf8"))).toMatchObject({format: 2, migratedFrom: 1});
  await withDuckDB(async (c) => {
    const types = (
      await c.runAndReadAll(
        `SELECT DISTINCT name, logical_type FROM parquet_schema(${quotedString(join(lake, "*", "market=spot", "**", "*.parquet"))})
         WHERE name IN ('time', 'event_time', 'receive_time', 'from_time', 'to_time', 'detected_at')`,
      )
    ).getRowObjectsJS();
    expect(types.length).toBe(6);
    for (const t of types)
      expect(String(t.logical_type), String(t.name)).toMatch(/^TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(.*MICROS=MicroSeconds/);
    const kv = (
      await c.runAndReadAll(
        `SELECT count(*)::INT AS n FROM parquet_kv_metadata(${quotedString(join(lake, "*", "market=spot", "**", "*.parquet"))})
         WHERE decode(key) = 'pairbook_lake_format' AND decode(value) = '2'`,
      )
    ).getRowObjectsJS();
    expect(kv[0].n).toBe(9);
    // Same instants as before: hand-computed times of a few ids, read as epoch ms of the zoned column.
    const rows = (
      await c.runAndReadAll(
        `SELECT trade_id::INT AS id, epoch_ms(time)::DOUBLE AS ms FROM read_parquet(${quotedString(join(lake, "ticks", "market=spot", "symbol=BTCUSDT", "*", "*.parquet"))})
         WHERE trade_id IN (1, 300, 301, 450, 600) ORDER BY trade_id`,
      )
    ).getRowObjectsJS();
    expect(rows).toEqual([1, 300, 301, 450, 600].map((id) => ({id, ms: timeOf(id)})));
    const gap = (
      await c.runAndReadAll(
        `SELECT epoch_ms(from_time)::DOUBLE AS f, to_time FROM read_parquet(${quotedString(join(lake, "gaps", "*", "*", "*.parquet"))})`,
      )
    ).getRowObjectsJS();
    expect(gap).toEqual([{f: timeOf(600), to_time: null}]);
  });
}

/**
 * Runs test/lake/migratingChild.ts and kills it with SIGKILL once it printed "stopped <stopAt>" (or
 * `killAfterMs` after it started migrating); resolves with its output and the signal that ended it.
 */
function migrate(stopAt: number, {killAfterMs}: {killAfterMs?: number} = {}): Promise<{out: string; signal: NodeJS.Signals | null}> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "test/lake/migratingChild.ts", lake, String(stopAt)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "",
    timer: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`stopped ${stopAt}\n`)) child.kill("SIGKILL");
      if (killAfterMs !== undefined && timer === undefined && out.startsWith("started\n"))
        timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => (clearTimeout(timer), resolve({out, signal})));
  });
}

describe("migration of a format-1 lake to format 2", () => {
  it("the first opener that may write migrates it: every id once, zoned timestamps, lake.json", async () => {
    expect(await lakeIdCounts(lake)).toContainEqual({symbol: "BTCUSDT", n: 700, ids: 600, lo: 1, hi: 600}); // the leftovers count twice
    await resolveLeftovers(lake); // what `pairbook lake` and `replay --lake` call
    await expectMigrated();
    await resolveLeftovers(lake); // a second open has nothing to do
    await expectMigrated();
  });

  it("a read-only opener (the notebook's loaders) refuses a format-1 lake and writes nothing", async () => {
    const before = await dataFiles();
    await expect(resolveLeftovers(lake, {readOnly: true})).rejects.toThrow(LakeFormatError);
    await expect(resolveLeftovers(lake, {readOnly: true})).rejects.toThrow(
      /format 1; run `npx pairbook lake --lake .*` once to migrate it/,
    );
    expect(await dataFiles()).toEqual(before);
    expect(existsSync(join(lake, "lake.json"))).toBe(false);
    expect(existsSync(join(lake, ".lock"))).toBe(false);
  });

  it("the writer migrates it, then publishes the log's five-field lines with null event and receive times", async () => {
    const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
    writer.add("BTCUSDT", {
      id: 611,
      time: timeOf(611),
      price: 1,
      qty: 1,
      isBuyerMaker: false,
      eventTime: timeOf(611) + 2,
      receiveTime: timeOf(611) + 9,
    });
    await writer.close();
    const rows = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT trade_id::INT AS id, epoch_ms(time)::DOUBLE AS t, epoch_ms(event_time)::DOUBLE AS e, epoch_ms(receive_time)::DOUBLE AS r
           FROM read_parquet(${quotedString(join(lake, "ticks", "market=spot", "symbol=BTCUSDT", "*", "*.parquet"))}) WHERE trade_id > 600 ORDER BY trade_id`,
        )
      ).getRowObjectsJS(),
    );
    expect(rows).toHaveLength(11);
    expect(rows.slice(0, 10).every((r, i) => r.id === 601 + i && r.t === timeOf(601 + i) && r.e === null && r.r === null)).toBe(true);
    expect(rows[10]).toEqual({id: 611, t: timeOf(611), e: timeOf(611) + 2, r: timeOf(611) + 9});
  });

  // 9 files: steps 2k-1 (file k copied, its original still there) and 2k (original removed), 19: the manifest.
  for (const stopAt of [1, 2, 12, 18, 19])
    it(`kill -9 at step ${stopAt} of the migration: the next opener finishes it, every id once`, async () => {
      const {out, signal} = await migrate(stopAt);
      expect(out).toContain(`stopped ${stopAt}`);
      expect(signal).toBe("SIGKILL");
      expect(JSON.parse(await readFile(join(lake, "lake.json"), "utf8"))).toEqual({format: 1, migratingTo: 2});
      await resolveLeftovers(lake);
      await expectMigrated();
    }, 120_000);

  it("kill -9 three times in a row at different points (and once at a random instant), then the next opener finishes", async () => {
    for (const stopAt of [3, 6, 11]) expect((await migrate(stopAt)).out).toContain(`stopped ${stopAt}`);
    const {out, signal} = await migrate(0, {killAfterMs: 15}); // wherever it is: opening DuckDB, inside a COPY…
    expect(signal, out).toBe("SIGKILL");
    await resolveLeftovers(lake);
    await expectMigrated();
  }, 240_000);
});
