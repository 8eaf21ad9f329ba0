// A lake format-2 file, as the writer publishes it, read by three independent Parquet readers —
// DuckDB, hyparquet (JavaScript) and parquet-wasm (the Rust arrow-rs reader) — each seeing `time`,
// `event_time` and `receive_time` as UTC-adjusted (zoned) microsecond timestamps with the same instants.
import {readFile, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC, Timestamp, TimeUnit} from "apache-arrow";
import {asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects} from "hyparquet";
import {compressors} from "hyparquet-compressors";
import {readParquet} from "parquet-wasm/node";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {LakeWriter} from "../../lake/writer.js";

const t0 = Date.UTC(2026, 10, 21, 9, 30, 0, 123);
// Trade 1 from the stream (event and receive times known), trade 2 from a REST backfill (unknown).
const trades = [
  {id: 1, time: t0, price: 100.5, qty: 0.25, isBuyerMaker: true, eventTime: t0 + 3, receiveTime: t0 + 41},
  {id: 2, time: t0 + 1000, price: 101, qty: 1, isBuyerMaker: false},
];

let lake: string, file: string;
beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-readers-"));
  const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
  for (const t of trades) writer.add("BTCUSDT", t);
  await writer.close();
  [{path: file}] = await tickFiles(lake, "BTCUSDT");
});
afterAll(() => rm(lake, {recursive: true, force: true}));

const zoned = ["time", "event_time", "receive_time"];

describe("a lake format-2 tick file", () => {
  it("DuckDB reads TIMESTAMP WITH TIME ZONE columns, isAdjustedToUTC=1 in microseconds, and the format in the key/value metadata", async () => {
    await withDuckDB(async (c) => {
      const types = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quotedString(file)})`)).getRowObjectsJS();
      expect(types.filter((t) => zoned.includes(String(t.column_name))).map((t) => t.column_type)).toEqual(
        Array(3).fill("TIMESTAMP WITH TIME ZONE"),
      );
      const schema = (
        await c.runAndReadAll(
          `SELECT name, logical_type FROM parquet_schema(${quotedString(file)}) WHERE name IN ('time', 'event_time', 'receive_time')`,
        )
      ).getRowObjectsJS();
      for (const s of schema)
        expect(String(s.logical_type)).toMatch(/isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds\(\)/);
      const kv = (
        await c.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${quotedString(file)}) ORDER BY k`)
      ).getRowObjectsJS();
      expect(kv).toEqual([
        {k: "market", v: "spot"},
        {k: "not_null", v: "trade_id,time,price,qty,is_buyer_maker"},
        {k: "pairbook_lake_format", v: "2"},
        {k: "sorted_by", v: "trade_id"},
        {k: "symbol", v: "BTCUSDT"},
      ]);
      const rows = (
        await c.runAndReadAll(
          `SELECT epoch_ms(time)::DOUBLE AS t, epoch_ms(event_time)::DOUBLE AS e, epoch_ms(receive_time)::DOUBLE AS r FROM read_parquet(${quotedString(file)}) ORDER BY trade_id`,
        )
      ).getRowObjectsJS();
      expect(rows).toEqual([
        {t: t0, e: t0 + 3, r: t0 + 41},
        {t: t0 + 1000, e: null, r: null},
      ]);
    });
  });

  it("hyparquet reads the zoned timestamps as instants (Dates), nulls as null", async () => {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    for (const name of zoned) {
      const element = metadata.schema.find((s) => s.name === name);
      expect(element?.logical_type, name).toEqual({type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS"});
    }
    expect(metadata.key_value_metadata).toContainEqual({key: "pairbook_lake_format", value: "2"});
    const rows = await parquetReadObjects({file: buffer, columns: ["trade_id", ...zoned], compressors});
    expect(rows.map((r) => zoned.map((c) => (r[c] instanceof Date ? r[c].getTime() : r[c])))).toEqual([
      [t0, t0 + 3, t0 + 41],
      [t0 + 1000, null, null],
    ]);
  });

  it('parquet-wasm (arrow-rs) reads Timestamp(MICROSECOND, "UTC") columns with the same instants', async () => {
    const table = tableFromIPC(readParquet(new Uint8Array(await readFile(file))).intoIPCStream());
    for (const name of zoned) {
      const type = table.schema.fields.find((f) => f.name === name)?.type;
      expect(type, name).toBeInstanceOf(Timestamp);
      expect((type as Timestamp).unit, name).toBe(TimeUnit.MICROSECOND);
      expect((type as Timestamp).timezone, name).toMatch(/^(UTC|\+00:00)$/);
    }
    // Arrow JS gives a microsecond timestamp as ms (a number) from toArray/get on Timestamp vectors.
    const ms = (name: string) => Array.from({length: table.numRows}, (_, i) => table.getChild(name)!.get(i) as number | bigint | null);
    const asMs = (v: number | bigint | null) => (v === null ? null : typeof v === "bigint" ? Number(v / 1000n) : v);
    expect(zoned.map((name) => ms(name).map(asMs))).toEqual([
      [t0, t0 + 1000],
      [t0 + 3, null],
      [t0 + 41, null],
    ]);
  });
});
