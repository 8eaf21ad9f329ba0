// Gap records in the lake: written by the recorder (writeGap), read back (readGaps), and the unknown
// times of old records looked up by id in the stored trades (withGapTimes, storedNeighbours).
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readGaps, unfilledGaps, withGapTimes, writeGap} from "../../lake/gaps.js";
import {lastStoredTrades, storedNeighbours} from "../../lake/storedNeighbours.js";
import {after, before, concat, hole, legB, run, t0, writeTicks} from "./gapFixtures.js";

const lakes: string[] = [];
afterAll(async () => {
  for (const lake of lakes) await rm(lake, {recursive: true, force: true});
});

describe("a lake whose gap records lack times (written by an older recorder)", () => {
  it("storedNeighbours finds the trades either side by id, also across a file whose name spans the hole", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-neighbours-"));
    lakes.push(lake);
    // One file holding ids 1..53 and 1000..1010 (a compaction merged the files either side of the hole), then 1011..1063.
    await writeTicks(
      lake,
      "AUSDT",
      concat(
        before,
        run(1000, 39_600, 41_800, 200, () => 90),
      ),
    );
    await writeTicks(
      lake,
      "AUSDT",
      run(1011, 41_800, 52_000, 200, () => 91),
    );
    await withDuckDB(async (c) => {
      expect(await storedNeighbours(c, lake, "AUSDT", 54, 999)).toEqual({
        before: {id: 53, time: t0 + 10_400},
        after: {id: 1000, time: t0 + 39_600},
      });
      expect(await storedNeighbours(c, lake, "AUSDT", 1011, 1011)).toEqual({
        before: {id: 1010, time: t0 + 41_600},
        after: {id: 1012, time: t0 + 42_000},
      });
      expect(await storedNeighbours(c, lake, "AUSDT", 2000, 2100)).toEqual({before: {id: 1061, time: t0 + 51_800}, after: null});
      expect(await storedNeighbours(c, lake, "AUSDT", -5, 0)).toEqual({before: null, after: {id: 1, time: t0}});
      expect(await storedNeighbours(c, lake, "BUSDT", 1, 2)).toEqual({before: null, after: null});
    });
    expect(await lastStoredTrades(lake, ["AUSDT", "BUSDT"])).toEqual(
      new Map([
        ["AUSDT", {id: 1061, time: t0 + 51_800}],
        ["BUSDT", null],
      ]),
    );
  });

  it("readGaps returns an old record with from_time null as written; withGapTimes fills it from the stored trades", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-oldgaps-"));
    lakes.push(lake);
    await writeTicks(lake, "AUSDT", before);
    await writeTicks(lake, "AUSDT", after);
    await writeTicks(lake, "BUSDT", legB);
    // As the recorder wrote it before it knew its last stored trade at restart.
    await withDuckDB((c) => writeGap(c, lake, {...hole, fromTime: null}));
    const stored = await withDuckDB((c) => readGaps(c, lake));
    expect(stored.map((g) => [g.fromTime, g.toTime])).toEqual([[null, t0 + 39_600]]);
    expect((await withDuckDB((c) => withGapTimes(c, lake, stored))).map((g) => [g.fromTime, g.toTime])).toEqual([
      [t0 + 10_400, t0 + 39_600],
    ]);
    expect(await withDuckDB((c) => withGapTimes(c, lake, [{...hole, filled: true, fromTime: null}]))).toEqual([
      {...hole, filled: true, fromTime: null},
    ]);
  });

  it("unfilledGaps lists a symbol's unfilled records by first id; readGaps and unfilledGaps find none in a lake without gaps", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-unfilled-"));
    lakes.push(lake);
    await withDuckDB(async (c) => {
      expect(await readGaps(c, lake)).toEqual([]);
      expect(await unfilledGaps(c, lake, "AUSDT")).toEqual([]);
      await writeGap(c, lake, {...hole, fromId: 500, toId: 600, cause: "exchange"});
      await writeGap(c, lake, {...hole, fromId: 100, toId: 200, cause: "restart"});
      await writeGap(c, lake, {...hole, fromId: 300, toId: 400, filled: true});
      await writeGap(c, lake, {...hole, symbol: "BUSDT"});
      expect(await unfilledGaps(c, lake, "AUSDT")).toEqual([
        {fromId: 100, toId: 200, cause: "restart"},
        {fromId: 500, toId: 600, cause: "exchange"},
      ]);
      expect((await readGaps(c, lake)).length).toBe(4);
    });
  });
});
