// Outages are gaps in time: a gap record's from/to times (the stored trades either side of the hole)
// flag every bucket in between, no close is carried across, and old records with unknown times get
// them from the stored trades by id.
import {mkdir, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {writeGap} from "../../lake/gaps.js";
import {batchFileName, partitionDir, utcDate} from "../../lake/layout.js";
import {lastStoredTrades, storedNeighbours} from "../../lake/storedNeighbours.js";
import {gapRanges, readGaps, withGapTimes} from "../../loaders/gapRecords.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {alignBars} from "../../src/lib/align.js";
import {gapFlags, resample} from "../../src/lib/bars.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

const t0 = 1_700_000_000_000; // a whole second
const lakes: string[] = [];
afterAll(async () => {
  for (const lake of lakes) await rm(lake, {recursive: true, force: true});
});

/** Trades every `step` ms in [from, to) of t0, ids counting from `firstId`, prices from `price(i)`. */
function run(firstId: number, from: number, to: number, step: number, price: (i: number) => number) {
  const id: number[] = [], time: number[] = [], p: number[] = [], qty: number[] = [], isBuyerMaker: boolean[] = [];
  for (let t = from, i = 0; t < to; t += step, ++i) id.push(firstId + i), time.push(t0 + t), p.push(price(i)), qty.push(1), isBuyerMaker.push(i % 2 === 0);
  return {id, time, price: p, qty, isBuyerMaker};
}

function concat(...parts: ReturnType<typeof run>[]) {
  return {id: parts.flatMap((x) => x.id), time: parts.flatMap((x) => x.time), price: parts.flatMap((x) => x.price), qty: parts.flatMap((x) => x.qty), isBuyerMaker: parts.flatMap((x) => x.isBuyerMaker)};
}

// Leg A: trades up to 10.4 s, an outage, then a trade at 39.6 s and none again until 41.1 s. Leg B trades throughout.
const before = run(1, 0, 10_500, 200, (i) => 100 + i / 100);
const after = concat(run(1000, 39_600, 39_601, 1, () => 90), run(1001, 41_100, 60_000, 300, (i) => 91 + i / 100));
const legA = concat(before, after);
const legB = run(1, 0, 60_000, 150, (i) => 50 + Math.sin(i / 7));
const hole: GapRecord = {symbol: "A", fromId: before.id.at(-1)! + 1, toId: 999, fromTime: before.time.at(-1)!, toTime: t0 + 39_600, cause: "restart", filled: false, detectedAt: t0 + 60_000};

describe("gapRanges + gapFlags + alignBars", () => {
  it("a gap whose from/to times span 30 buckets flags all 30 and carries no close across", () => {
    expect(hole.fromTime).toBe(t0 + 10_400);
    const a = resample(legA, 1000, {from: t0, to: t0 + 60_000}), b = resample(legB, 1000, {from: t0, to: t0 + 60_000});
    const gapA = gapFlags(a.start, 1000, gapRanges([hole], "A"));
    const flagged = Array.from(gapA).flatMap((f, k) => (f ? [k] : []));
    expect(flagged).toEqual(Array.from({length: 30}, (_, k) => 10 + k)); // buckets 10 s … 39 s
    expect(gapRanges([hole], "B")).toEqual([]);
    expect(gapRanges([{...hole, filled: true}], "A")).toEqual([]);

    const x = alignBars(a, b, {gapA});
    expect(x.gaps).toEqual([{from: t0 + 10_000, to: t0 + 40_000}]);
    // 60 buckets: 30 flagged, and 40 s (A has no trade since its flagged bucket 39 s) left out too.
    expect(x.excluded).toBe(31);
    expect(x.time.length).toBe(29);
    expect(Array.from(x.time).filter((t) => t >= t0 + 10_000 && t < t0 + 41_000)).toEqual([]);
    // After the hole, A's closes are its own trades': nothing from before the hole (≥ 100) and not the
    // lone trade at 39.6 s (90) in the flagged bucket.
    const k = x.time.indexOf(t0 + 41_000);
    expect(Array.from(x.a.subarray(k))).toEqual(Array.from(x.a.subarray(k)).map((v) => (v >= 91 && v < 100 ? v : NaN)));
    // Without the flags the same bars carry 10.4 s's close over the 29 empty buckets.
    const carried = alignBars(a, b);
    expect(carried.time.length).toBe(60);
    expect(carried.a[20]).toBe(before.price.at(-1));
  });

  it("a time still unknown leaves that side open: everything from the known end on (or up to it) is flagged", () => {
    const a = resample(legA, 1000, {from: t0, to: t0 + 60_000});
    const open = gapFlags(a.start, 1000, gapRanges([{...hole, toTime: null}], "A"));
    expect(Array.from(open).indexOf(1)).toBe(10);
    expect(open.subarray(10).every((f) => f === 1)).toBe(true);
    const start = gapFlags(a.start, 1000, gapRanges([{...hole, fromTime: null}], "A"));
    expect(Array.from(start).lastIndexOf(1)).toBe(39);
    expect(start.subarray(0, 40).every((f) => f === 1)).toBe(true);
  });
});

/** Writes trades as one tick file of the lake (its name: first and last id). */
async function writeTicks(lake: string, symbol: string, trades: ReturnType<typeof run>) {
  const dir = partitionDir(lake, symbol, utcDate(trades.time[0]));
  await mkdir(dir, {recursive: true});
  const path = join(dir, batchFileName(trades.id[0], trades.id.at(-1)!));
  const rows = trades.id.map((id, i) => `(${id}, ${trades.time[i]}, ${trades.price[i]}, ${trades.qty[i]}, ${trades.isBuyerMaker[i]})`).join(", ");
  await withDuckDB((c) => c.run(`COPY (SELECT v.id::BIGINT AS trade_id, epoch_ms(v.t::BIGINT) AS "time", v.p::DOUBLE AS price, v.q::DOUBLE AS qty, v.m AS is_buyer_maker
    FROM (VALUES ${rows}) v(id, t, p, q, m) ORDER BY v.id) TO ${quotedString(path)} (FORMAT parquet)`));
}

describe("a lake whose gap records lack times (written by an older recorder)", () => {
  it("storedNeighbours finds the trades either side by id, also across a file whose name spans the hole", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-neighbours-"));
    lakes.push(lake);
    // One file holding ids 1..53 and 1000..1010 (a compaction merged the files either side of the hole), then 1011..1063.
    await writeTicks(lake, "A", concat(before, run(1000, 39_600, 41_800, 200, () => 90)));
    await writeTicks(lake, "A", run(1011, 41_800, 52_000, 200, () => 91));
    await withDuckDB(async (c) => {
      expect(await storedNeighbours(c, lake, "A", 54, 999)).toEqual({before: {id: 53, time: t0 + 10_400}, after: {id: 1000, time: t0 + 39_600}});
      expect(await storedNeighbours(c, lake, "A", 1011, 1011)).toEqual({before: {id: 1010, time: t0 + 41_600}, after: {id: 1012, time: t0 + 42_000}});
      expect(await storedNeighbours(c, lake, "A", 2000, 2100)).toEqual({before: {id: 1061, time: t0 + 51_800}, after: null});
      expect(await storedNeighbours(c, lake, "A", -5, 0)).toEqual({before: null, after: {id: 1, time: t0}});
      expect(await storedNeighbours(c, lake, "B", 1, 2)).toEqual({before: null, after: null});
    });
    expect(await lastStoredTrades(lake, ["A", "B"])).toEqual(new Map([["A", {id: 1061, time: t0 + 51_800}], ["B", null]]));
  });

  it("loadLakeBars flags every bucket of an old record with from_time null, as if it had its times", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-oldgaps-"));
    lakes.push(lake);
    await writeTicks(lake, "A", before);
    await writeTicks(lake, "A", after);
    await writeTicks(lake, "B", legB);
    // As the recorder wrote it before it knew its last stored trade at restart.
    await withDuckDB((c) => writeGap(c, lake, {...hole, fromTime: null}));
    const stored = await withDuckDB((c) => readGaps(c, lake));
    expect(stored.map((g) => [g.fromTime, g.toTime])).toEqual([[null, t0 + 39_600]]);
    expect((await withDuckDB((c) => withGapTimes(c, lake, stored))).map((g) => [g.fromTime, g.toTime])).toEqual([[t0 + 10_400, t0 + 39_600]]);

    const loaded = await loadLakeBars(lake, ["A", "B"], {interval: 1000, lookbackMs: 3_600_000});
    const [a, b] = loaded.legs;
    expect(Array.from(a.gap).flatMap((f, k) => (f ? [a.bars.start[k] - t0] : []))).toEqual(Array.from({length: 30}, (_, k) => 10_000 + 1000 * k));
    expect(b.gap.every((f) => f === 0)).toBe(true);
    expect(loaded.gaps.map((g) => g.fromTime)).toEqual([t0 + 10_400]);
    const x = alignBars(a.bars, b.bars, {gapA: a.gap, gapB: b.gap});
    expect(x.time.length).toBe(29);
    expect(x.excluded).toBe(31);
  });
});
