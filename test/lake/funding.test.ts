// The funding table: writeFunding (one file per symbol-day, merged and deduplicated by funding time,
// published atomically) and readFunding (a symbol's events in a time range).
import {copyFile, mkdtemp, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {type FundingRecord, mergeFunding, readFunding, writeFunding} from "../../lake/funding.js";

const lakes: string[] = [];
afterAll(async () => {
  for (const lake of lakes) await rm(lake, {recursive: true, force: true});
});
async function newLake(): Promise<string> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-funding-"));
  lakes.push(lake);
  return lake;
}

const H = 3_600_000,
  day1 = Date.UTC(2024, 2, 1),
  day2 = Date.UTC(2024, 2, 2);
const ev = (fundingTime: number, rate: number, markPrice: number | null, source: FundingRecord["source"]): FundingRecord => ({
  fundingTime,
  rate,
  markPrice,
  source,
});
const dayDir = (lake: string, date: string) => join(lake, "funding", "market=usdm", "symbol=BTCUSDT", `date=${date}`);

describe("writeFunding(connection, lake, 'usdm:BTCUSDT', records) and readFunding", () => {
  it("writes one file per UTC day under funding/market=usdm/symbol=…/date=…, zoned times, null marks, metadata", async () => {
    const lake = await newLake();
    await withDuckDB(async (c) => {
      const written = await writeFunding(c, lake, "usdm:BTCUSDT", [
        ev(day1 + 16 * H, -0.000_123_456_789, 61_000.5, "rest"),
        ev(day1, 0.0001, null, "archive"),
        ev(day1 + 8 * H, 1e-7, 60_500.25, "stream"),
        ev(day2, 0.0003, 62_000, "rest"),
      ]);
      expect(written).toHaveLength(2);
      expect(await readdir(dayDir(lake, "2024-03-01"))).toEqual([`${day1}-${day1 + 16 * H}-3-1r1a.parquet`]);
      expect(await readdir(dayDir(lake, "2024-03-02"))).toEqual([`${day2}-${day2}-1-1r0a.parquet`]);
      const file = join(dayDir(lake, "2024-03-01"), `${day1}-${day1 + 16 * H}-3-1r1a.parquet`);
      const types = (
        await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quotedString(file)}, hive_partitioning = false)`)
      ).getRows();
      expect(types.map((r) => [r[0], r[1]])).toEqual([
        ["funding_time", "TIMESTAMP WITH TIME ZONE"],
        ["rate", "DOUBLE"],
        ["mark_price", "DOUBLE"],
        ["source", "VARCHAR"],
      ]);
      const kv = (
        await c.runAndReadAll(`SELECT decode(key), decode(value) FROM parquet_kv_metadata(${quotedString(file)}) ORDER BY 1`)
      ).getRows();
      expect(Object.fromEntries(kv.map((r) => [String(r[0]), String(r[1])]))).toMatchObject({
        market: "usdm",
        symbol: "BTCUSDT",
        sorted_by: "funding_time",
      });
      // Exactly the doubles written, and the null mark of the archive row.
      expect(await readFunding(c, lake, "usdm:BTCUSDT")).toEqual([
        ev(day1, 0.0001, null, "archive"),
        ev(day1 + 8 * H, 1e-7, 60_500.25, "stream"),
        ev(day1 + 16 * H, -0.000_123_456_789, 61_000.5, "rest"),
        ev(day2, 0.0003, 62_000, "rest"),
      ]);
    });
  });

  it("a second write of a day merges into one new file, deduplicated by funding time (rest over archive over stream)", async () => {
    const lake = await newLake();
    await withDuckDB(async (c) => {
      await writeFunding(c, lake, "usdm:BTCUSDT", [ev(day1, 0.0001, 60_000, "stream"), ev(day1 + 8 * H, 0.0002, null, "archive")]);
      const again = await writeFunding(c, lake, "usdm:BTCUSDT", [
        ev(day1, 0.00011, null, "archive"), // settled rate wins over the stream's estimate, the stream's mark kept
        ev(day1 + 8 * H, 0.0002, 60_100, "rest"),
        ev(day1 + 16 * H, -0.0001, 60_200, "stream"),
      ]);
      expect(again).toHaveLength(1);
      expect(await readdir(dayDir(lake, "2024-03-01"))).toEqual([`${day1}-${day1 + 16 * H}-3-1r1a.parquet`]);
      expect(await readFunding(c, lake, "usdm:BTCUSDT")).toEqual([
        ev(day1, 0.00011, 60_000, "archive"),
        ev(day1 + 8 * H, 0.0002, 60_100, "rest"),
        ev(day1 + 16 * H, -0.0001, 60_200, "stream"),
      ]);
      // The stream's estimate of one time, then REST's settled record of it: same times, same count, a new file.
      await writeFunding(c, lake, "usdm:ETHUSDT", [ev(day2, 0.0001, 3000, "stream")]);
      await writeFunding(c, lake, "usdm:ETHUSDT", [ev(day2, 0.00012, 3001, "rest")]);
      expect(await readFunding(c, lake, "usdm:ETHUSDT")).toEqual([ev(day2, 0.00012, 3001, "rest")]);
      // Nothing new: the day is not rewritten.
      expect(await writeFunding(c, lake, "usdm:BTCUSDT", [ev(day1 + 8 * H, 0.0002, 60_100, "stream")])).toEqual([]);
    });
  });

  it("readFunding takes from ≤ time < to; a crash leftover (two files of a day) reads deduplicated and the next write replaces both", async () => {
    const lake = await newLake();
    await withDuckDB(async (c) => {
      await writeFunding(c, lake, "usdm:BTCUSDT", [
        ev(day1, 0.0001, 1, "rest"),
        ev(day1 + 8 * H, 0.0002, 2, "rest"),
        ev(day2, 0.0003, 3, "rest"),
      ]);
      expect((await readFunding(c, lake, "usdm:BTCUSDT", {from: day1 + 1, to: day2})).map((r) => r.rate)).toEqual([0.0002]);
      expect((await readFunding(c, lake, "usdm:BTCUSDT", {from: day1 + 8 * H})).map((r) => r.rate)).toEqual([0.0002, 0.0003]);
      // As if a write published a second file and died before removing the first.
      const dir = dayDir(lake, "2024-03-01"),
        [only] = await readdir(dir);
      await copyFile(join(dir, only), join(dir, `${day1}-${day1}-1.parquet`));
      expect((await readFunding(c, lake, "usdm:BTCUSDT")).map((r) => r.rate)).toEqual([0.0001, 0.0002, 0.0003]);
      await writeFunding(c, lake, "usdm:BTCUSDT", [ev(day1 + 16 * H, 0.0004, 4, "rest")]);
      expect(await readdir(dir)).toEqual([`${day1}-${day1 + 16 * H}-3-3r0a.parquet`]);
      expect(await readFunding(c, lake, "usdm:ETHUSDT")).toEqual([]);
    });
  });

  it("rejects a spot symbol and an invalid record", async () => {
    const lake = await newLake();
    await withDuckDB(async (c) => {
      await expect(writeFunding(c, lake, "BTCUSDT", [ev(day1, 0.0001, null, "rest")])).rejects.toThrow(RangeError);
      await expect(writeFunding(c, lake, "usdm:BTCUSDT", [ev(day1, NaN, null, "rest")])).rejects.toThrow(RangeError);
      await expect(readFunding(c, lake, "BTCUSDT")).rejects.toThrow(/usdm:SYMBOL/);
    });
  });
});

describe("mergeFunding(records)", () => {
  it("keeps one record per time, ascending, the best source with any known mark", () => {
    expect(
      mergeFunding([ev(2, 0.2, null, "stream"), ev(1, 0.1, null, "stream"), ev(2, 0.25, null, "rest"), ev(2, 0.3, 9, "archive")]),
    ).toEqual([ev(1, 0.1, null, "stream"), ev(2, 0.25, 9, "rest")]);
  });
});
