import {mkdtemp, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readGaps, unfilledGaps} from "../../lake/gaps.js";
import {lakeSymbols, readTrades} from "../../lake/reader.js";
import {lastStoredId} from "../../lake/files.js";
import {LakeWriter} from "../../lake/writer.js";

let lake: string;
beforeEach(async () => void (lake = await mkdtemp(join(tmpdir(), "pairbook-lake-"))));
afterEach(async () => rm(lake, {recursive: true, force: true}));

const midnight = Date.UTC(2026, 10, 20, 24, 0, 0); // 2026-11-21T00:00:00Z
const trade = (id: number, time: number, price = 100 + id / 10) => ({id, time, price, qty: 0.5 + (id % 3), isBuyerMaker: id % 2 === 0});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, {withFileTypes: true, recursive: true}))
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  return out.sort();
}

describe("LakeWriter", () => {
  it("publishes one file per symbol-day, split at UTC midnight, and reads back every trade", async () => {
    const writer = await LakeWriter.open(lake, ["BTCUSDT"]);
    const trades = [trade(10, midnight - 1500), trade(11, midnight - 1), trade(12, midnight), trade(13, midnight + 700)];
    for (const t of trades) expect(writer.add("BTCUSDT", t)).toBe("accepted");
    const {files, trades: n} = await writer.close();
    expect(n).toBe(4);
    expect(files).toHaveLength(2);
    expect(await listFiles(lake)).toEqual([
      "lake.json",
      "ticks/market=spot/symbol=BTCUSDT/date=2026-11-20/000000000000010-000000000000011.parquet",
      "ticks/market=spot/symbol=BTCUSDT/date=2026-11-21/000000000000012-000000000000013.parquet",
    ]);
    const read = await withDuckDB((c) => readTrades(c, lake, "BTCUSDT"));
    expect(read.id).toEqual([10, 11, 12, 13]);
    expect(read.time).toEqual(trades.map((t) => t.time));
    expect(read.price).toEqual(trades.map((t) => t.price));
    expect(read.qty).toEqual(trades.map((t) => t.qty));
    expect(read.isBuyerMaker).toEqual(trades.map((t) => t.isBuyerMaker));
  });

  it("stores the exchange's event time and the local receive time as UTC timestamps, null where unknown", async () => {
    const writer = await LakeWriter.open(lake, ["BTCUSDT"]);
    writer.add("BTCUSDT", {...trade(1, midnight + 5), eventTime: midnight + 6, receiveTime: midnight + 41});
    writer.add("BTCUSDT", trade(2, midnight + 7)); // a REST backfill: neither is known
    writer.add("BTCUSDT", {...trade(3, midnight + 9), eventTime: midnight + 9, receiveTime: midnight + 8}); // a clock behind the exchange's
    await writer.close();
    const rows = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT epoch_ms(event_time)::DOUBLE, epoch_ms(receive_time)::DOUBLE, typeof(event_time)
           FROM read_parquet('${lake}/ticks/market=spot/symbol=BTCUSDT/*/*.parquet') ORDER BY trade_id`,
        )
      ).getRows(),
    );
    const zoned = "TIMESTAMP WITH TIME ZONE";
    expect(rows).toEqual([
      [midnight + 6, midnight + 41, zoned],
      [null, null, zoned],
      [midnight + 9, midnight + 8, zoned],
    ]);
  });

  it("keeps a USD-M perpetual (usdm:SYMBOL) apart: market=usdm, its aggregates' trade-id ranges, its gaps and log", async () => {
    const writer = await LakeWriter.open(lake, ["BTCUSDT", "usdm:BTCUSDT"]);
    writer.add("BTCUSDT", trade(7, midnight + 1));
    writer.add("usdm:BTCUSDT", {...trade(7, midnight + 2, 60_010), firstId: 100, lastId: 103}); // the same id: another market
    writer.add("usdm:BTCUSDT", {...trade(8, midnight + 3, 60_011), firstId: 104, lastId: 104});
    expect(await readdir(join(lake, "wal"))).toEqual(["BTCUSDT", "usdm_BTCUSDT"]);
    await writer.recordGap({
      symbol: "usdm:BTCUSDT",
      fromId: 9,
      toId: 11,
      fromTime: null,
      toTime: null,
      cause: "stream",
      filled: false,
      detectedAt: midnight + 5,
    });
    await writer.close();
    const files = await listFiles(lake);
    expect(files.filter((f) => f.endsWith(".parquet"))).toEqual([
      `gaps/market=usdm/date=2026-11-21/BTCUSDT-9-11-${midnight + 5}.parquet`,
      "ticks/market=spot/symbol=BTCUSDT/date=2026-11-21/000000000000007-000000000000007.parquet",
      "ticks/market=usdm/symbol=BTCUSDT/date=2026-11-21/000000000000007-000000000000008.parquet",
    ]);
    expect(await lakeSymbols(lake)).toEqual(["BTCUSDT", "usdm:BTCUSDT"]);
    const {perp, spot, gaps, unfilled} = await withDuckDB(async (c) => ({
      perp: (
        await c.runAndReadAll(
          `SELECT trade_id::DOUBLE, price, first_trade_id::DOUBLE, last_trade_id::DOUBLE FROM read_parquet('${lake}/ticks/market=usdm/*/*/*.parquet') ORDER BY trade_id`,
        )
      ).getRows(),
      spot: (await readTrades(c, lake, "BTCUSDT")).price,
      gaps: await readGaps(c, lake),
      unfilled: await unfilledGaps(c, lake, "usdm:BTCUSDT"),
    }));
    expect(perp).toEqual([
      [7, 60_010, 100, 103],
      [8, 60_011, 104, 104],
    ]);
    expect(spot).toEqual([100.7]);
    expect(gaps.map((g) => [g.symbol, g.fromId, g.toId])).toEqual([["usdm:BTCUSDT", 9, 11]]);
    expect(unfilled).toEqual([{fromId: 9, toId: 11, cause: "stream"}]);
  });

  it("drops duplicates by id, also across a restart", async () => {
    const first = await LakeWriter.open(lake, ["ETHUSDT"]);
    for (const id of [1, 2, 3, 2, 3]) first.add("ETHUSDT", trade(id, midnight + id));
    await first.close();
    expect(await lastStoredId(lake, "ETHUSDT")).toBe(3);
    const second = await LakeWriter.open(lake, ["ETHUSDT"]);
    expect(second.lastId("ETHUSDT")).toBe(3);
    expect(second.add("ETHUSDT", trade(3, midnight + 3))).toBe("duplicate");
    expect(second.add("ETHUSDT", trade(4, midnight + 4))).toBe("accepted");
    await second.close();
    const read = await withDuckDB((c) => readTrades(c, lake, "ETHUSDT"));
    expect(read.id).toEqual([1, 2, 3, 4]);
  });

  it("reads a time range with the lower bound inclusive and the upper exclusive", async () => {
    const writer = await LakeWriter.open(lake, ["SOLUSDT"]);
    for (let id = 0; id < 10; ++id) writer.add("SOLUSDT", trade(id, midnight + id * 1000));
    await writer.close();
    const read = await withDuckDB((c) => readTrades(c, lake, "SOLUSDT", {from: midnight + 2000, to: midnight + 5000}));
    expect(read.id).toEqual([2, 3, 4]);
  });

  it("writes each file's rows in trade-id order (the lake contract; published without a sort)", async () => {
    const writer = await LakeWriter.open(lake, ["BNBUSDT"]);
    for (let id = 1; id <= 5000; ++id) writer.add("BNBUSDT", trade(id, midnight + id * 7));
    const {files} = await writer.close();
    for (const file of files) {
      const ids = await withDuckDB(async (c) =>
        (await c.runAndReadAll(`SELECT trade_id::DOUBLE FROM read_parquet($f)`, {f: file})).getRows().map((r) => r[0] as number),
      );
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    }
  });

  it("reads nothing, without error, for a symbol that has no files", async () => {
    const read = await withDuckDB((c) => readTrades(c, lake, "NOPEUSDT"));
    expect(read.length).toBe(0);
  });
});
