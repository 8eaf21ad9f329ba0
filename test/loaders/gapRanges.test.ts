// Outages are gaps in time: a gap record's from/to times (the stored trades either side of the hole)
// flag every bucket in between, no close is carried across, and old records with unknown times get
// them from the stored trades by id.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {writeGap} from "../../lake/gaps.js";
import {gapRanges} from "../../loaders/gapRanges.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {alignBars} from "../../src/lib/align.js";
import {resample} from "../../src/lib/bars.js";
import {gapFlags} from "../../src/lib/gapFlags.js";
import {after, before, hole, legA, legB, t0, writeTicks} from "../lake/gapFixtures.js";

const lakes: string[] = [];
afterAll(async () => {
  for (const lake of lakes) await rm(lake, {recursive: true, force: true});
});

describe("gapRanges + gapFlags + alignBars", () => {
  it("a gap whose from/to times span 30 buckets flags all 30 and carries no close across", () => {
    expect(hole.fromTime).toBe(t0 + 10_400);
    const a = resample(legA, 1000, {from: t0, to: t0 + 60_000}),
      b = resample(legB, 1000, {from: t0, to: t0 + 60_000});
    const gapA = gapFlags(a.start, 1000, gapRanges([hole], "AUSDT"));
    const flagged = Array.from(gapA).flatMap((f, k) => (f ? [k] : []));
    expect(flagged).toEqual(Array.from({length: 30}, (_, k) => 10 + k)); // buckets 10 s … 39 s
    expect(gapRanges([hole], "BUSDT")).toEqual([]);
    expect(gapRanges([{...hole, filled: true}], "AUSDT")).toEqual([]);

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
    const open = gapFlags(a.start, 1000, gapRanges([{...hole, toTime: null}], "AUSDT"));
    expect(Array.from(open).indexOf(1)).toBe(10);
    expect(open.subarray(10).every((f) => f === 1)).toBe(true);
    const start = gapFlags(a.start, 1000, gapRanges([{...hole, fromTime: null}], "AUSDT"));
    expect(Array.from(start).lastIndexOf(1)).toBe(39);
    expect(start.subarray(0, 40).every((f) => f === 1)).toBe(true);
  });
});

describe("a lake whose gap records lack times (written by an older recorder)", () => {
  it("loadLakeBars flags every bucket of an old record with from_time null, as if it had its times", async () => {
    const lake = await mkdtemp(join(tmpdir(), "pairbook-oldgaps-"));
    lakes.push(lake);
    await writeTicks(lake, "AUSDT", before);
    await writeTicks(lake, "AUSDT", after);
    await writeTicks(lake, "BUSDT", legB);
    await withDuckDB((c) => writeGap(c, lake, {...hole, fromTime: null}));
    const loaded = await loadLakeBars(lake, ["AUSDT", "BUSDT"], {interval: 1000, lookbackMs: 3_600_000});
    const [a, b] = loaded.legs;
    expect(Array.from(a.gap).flatMap((f, k) => (f ? [a.bars.start[k] - t0] : []))).toEqual(
      Array.from({length: 30}, (_, k) => 10_000 + 1000 * k),
    );
    expect(b.gap.every((f) => f === 0)).toBe(true);
    expect(loaded.gaps.map((g) => g.fromTime)).toEqual([t0 + 10_400]);
    const x = alignBars(a.bars, b.bars, {gapA: a.gap, gapB: b.gap});
    expect(x.time.length).toBe(29);
    expect(x.excluded).toBe(31);
  });
});
