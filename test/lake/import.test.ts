import {execFileSync} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, readFileSync} from "node:fs";
import {mkdir, mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {gunzipSync} from "node:zlib";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {importCommand} from "../../cli/commands/import.js";
import {makeZip} from "./archiveZip.js";
import {CliError, UsageError} from "../../cli/command.js";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {LakeWriter} from "../../lake/writer.js";
import {
  ArchiveFileError,
  csvShape,
  dateRange,
  type ImportSummary,
  importFiles,
  importRange,
  parseArchiveName,
  parseChecksum,
  resolveJob,
} from "../../lake/import/index.js";

// ---- fixtures built here, independently of the code under test ----------------------------------

interface Row {
  id: number;
  price: number;
  qty: number;
  /** Microseconds since the epoch (ms files use multiples of 1000). */
  us: number;
  maker: boolean;
}

const midnightUs = Date.UTC(2024, 7, 9) * 1000; // 2024-08-09T00:00:00Z

/** Trades `from..to`, one every 0.25 s, id `pivot` at `pivotUs` (default: id 1100 at UTC midnight), with µs parts. */
function rows(from: number, to: number, {pivot = 1100, pivotUs = midnightUs, subMs = true} = {}): Row[] {
  const out: Row[] = [];
  for (let id = from; id <= to; ++id) {
    const us = pivotUs + (id - pivot) * 250_000 + (subMs ? (id * 37) % 1000 : 0);
    out.push({id, price: 60000 + ((id * 7919) % 1000) / 100, qty: 0.001 * (1 + (id % 13)), us, maker: id % 3 === 0});
  }
  return out;
}

/** Spot trades CSV: `id,price,qty,quote_qty,time,is_buyer_maker,is_best_match`, no header, ms or µs times. */
function tradesCsv(data: Row[], unit: "ms" | "us"): string {
  return data
    .map(
      (r) =>
        `${r.id},${r.price.toFixed(8)},${r.qty.toFixed(8)},${(r.price * r.qty).toFixed(8)},${unit === "ms" ? Math.floor(r.us / 1000) : r.us},${r.maker ? "True" : "False"},True\n`,
    )
    .join("");
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Writes `<dir>/<name>.zip` holding `<name>.csv`, and its `.CHECKSUM`; returns the zip's path. */
async function writeArchive(
  dir: string,
  name: string,
  csv: string,
  {method = 8, checksum = true}: {method?: 0 | 8; checksum?: boolean} = {},
): Promise<string> {
  const zip = makeZip([{name: `${name}.csv`, data: Buffer.from(csv)}], method),
    path = join(dir, `${name}.zip`);
  await writeFile(path, zip);
  if (checksum) await writeFile(`${path}.CHECKSUM`, `${sha256(zip)}  ${name}.zip\n`);
  return path;
}

interface LakeRow {
  id: number;
  us: number;
  price: number;
  qty: number;
  maker: boolean;
  date: string;
  file: string;
}

/** Every row of a lake dataset, read back with DuckDB, ordered by id then file. */
async function readLake(lake: string, folder = "ticks", idColumn = "trade_id"): Promise<LakeRow[]> {
  if (!existsSync(join(lake, folder))) return [];
  return withDuckDB(async (c) => {
    const reader = await c.runAndReadAll(
      `SELECT ${idColumn}::DOUBLE AS id, epoch_us(time)::DOUBLE AS us, price, qty, is_buyer_maker AS maker, date::VARCHAR AS date, filename AS file
       FROM read_parquet(${quotedString(join(lake, folder, "market=spot", "symbol=*", "date=*", "*.parquet"))}, hive_partitioning = true, filename = true)
       ORDER BY ${idColumn}, filename`,
    );
    return reader.getRowObjectsJS() as unknown as LakeRow[];
  });
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, {withFileTypes: true, recursive: true}))
    if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

const hasZipTool = (() => {
  try {
    execFileSync("zip", ["-v"], {stdio: "ignore"});
    return true;
  } catch {
    return false;
  }
})();

const utcDay = (us: number) => new Date(us / 1000).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(15, "0");

let work: string, lake: string, temp: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "pairbook-import-test-"));
  lake = join(work, "lake");
  temp = join(work, "tmp");
  await mkdir(temp);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(work, {recursive: true, force: true});
});

const importPaths = (
  paths: string[],
  options: {symbol?: string; kind?: "trades" | "aggTrades"; checksum?: boolean} = {},
): Promise<ImportSummary> =>
  importFiles(
    paths.map((p) => resolveJob(p, options)),
    {lake, tempDir: temp, checksum: options.checksum},
  );

/** Runs `pairbook import ARGS` with stdout/stderr captured; resolves {code, out, err} or rejects as the CLI would. */
async function cli(args: string[]): Promise<{code: number; out: string; err: string}> {
  let out = "",
    err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await importCommand.run(args);
    return {code, out, err};
  } finally {
    vi.restoreAllMocks();
  }
}

function expectRows(actual: LakeRow[], expected: Row[], unit: "ms" | "us"): void {
  expect(actual.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  expect(actual.map((r) => r.us)).toEqual(expected.map((r) => (unit === "ms" ? Math.floor(r.us / 1000) * 1000 : r.us)));
  expect(actual.map((r) => r.price)).toEqual(expected.map((r) => Number(r.price.toFixed(8))));
  expect(actual.map((r) => r.qty)).toEqual(expected.map((r) => Number(r.qty.toFixed(8))));
  expect(actual.map((r) => r.maker)).toEqual(expected.map((r) => r.maker));
  expect(actual.map((r) => r.date)).toEqual(expected.map((r) => utcDay(r.us)));
}

// ---- pure parts -----------------------------------------------------------------------------------

describe("archive names, checksums and CSV shapes", () => {
  it("parseArchiveName reads symbol, kind and period from Binance file names", () => {
    expect(parseArchiveName("BTCUSDT-trades-2024-08-08.zip")).toEqual({
      symbol: "BTCUSDT",
      kind: "trades",
      period: "2024-08-08",
      extension: "zip",
    });
    expect(parseArchiveName("ETHUSDT-aggTrades-2025-01.csv")).toEqual({
      symbol: "ETHUSDT",
      kind: "aggTrades",
      period: "2025-01",
      extension: "csv",
    });
    expect(parseArchiveName("BTCUSDT-1m-2024-08-08.zip")).toBeUndefined();
    expect(parseArchiveName("trades.csv")).toBeUndefined();
  });

  it("parseChecksum accepts `<hex>  <name>` and rejects anything else", () => {
    const hex = "ab".repeat(32);
    expect(parseChecksum(`${hex}  BTCUSDT-trades-2024-08-08.zip\n`)).toEqual({sha256: hex, fileName: "BTCUSDT-trades-2024-08-08.zip"});
    expect(() => parseChecksum("deadbeef  x.zip")).toThrow(ArchiveFileError);
  });

  it("csvShape tells header from data, ms from µs, spot from futures layouts", () => {
    const ms = csvShape("3735683259,61837.63000000,0.02000000,1236.75,1723161255342,True,True\n", "trades");
    expect([ms.header, ms.timeUnit, ms.columns.length]).toEqual([false, "ms", 7]);
    const us = csvShape("3735683259,61837.63,0.02,1236.75,1735689600123456,False,True\n", "trades");
    expect(us.timeUnit).toBe("us");
    const futures = csvShape("id,price,qty,quote_qty,time,is_buyer_maker\r\n5,1.5,2,3,1723161255342,true\r\n", "trades");
    expect([futures.header, futures.timeUnit, futures.columns.map(([n]) => n)]).toEqual([
      true,
      "ms",
      ["id", "price", "qty", "quote_qty", "time", "is_buyer_maker"],
    ]);
    const agg = csvShape("1,0,0,-1,-1,1723161255342,true,true\n", "aggTrades");
    expect(agg.columns.map(([n]) => n)).toContain("first_trade_id");
  });

  it("csvShape rejects a file of the other kind, an odd time and an empty file", () => {
    // an aggTrades row read as trades: column 5 is last_trade_id, column 6 the time
    expect(() => csvShape("1,2.5,1,100,101,1723161255342,True,True\n", "trades")).toThrow(/8 columns/);
    expect(() => csvShape("1,2.5,1,2.5,17231612553,True,True\n", "trades")).toThrow(/neither milliseconds/);
    expect(() => csvShape("1,2.5,1,2.5,1723161255342,maybe,True\n", "trades")).toThrow(/is_buyer_maker/);
    expect(() => csvShape("", "trades")).toThrow(/empty/);
  });

  it("dateRange lists UTC days inclusively and refuses reversed or invalid ranges", () => {
    expect(dateRange("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(() => dateRange("2024-03-02", "2024-03-01")).toThrow(RangeError);
    expect(() => dateRange("2023-02-29", "2023-03-01")).toThrow(RangeError);
  });

  it("resolveJob infers symbol and kind from the archive name and refuses contradictions", () => {
    expect(resolveJob("/x/ETHUSDT-aggTrades-2024-08-08.zip", {})).toMatchObject({symbol: "ETHUSDT", kind: "aggTrades", zip: true});
    expect(() => resolveJob("/x/ETHUSDT-trades-2024-08-08.zip", {symbol: "BTCUSDT"})).toThrow(/ETHUSDT file/);
    expect(() => resolveJob("/x/dump.csv", {})).toThrow(/--symbol/);
    expect(resolveJob("/x/dump.csv", {symbol: "BTCUSDT"})).toMatchObject({symbol: "BTCUSDT", kind: "trades", zip: false});
  });
});

// ---- importing files ------------------------------------------------------------------------------

describe("importFiles (trades → ticks/)", () => {
  it("imports a checksummed daily zip with ms times, split at UTC midnight, sorted, named by id range", async () => {
    const data = rows(1000, 1199);
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(data, "ms"));
    const summary = await importPaths([zip]);
    expect(summary).toMatchObject({rows: 200, added: 200, duplicates: 0, invalid: 0, filesRead: 1});
    const stored = await readLake(lake);
    expectRows(stored, data, "ms");
    const byDay = groupBy(data, (r) => utcDay(r.us));
    expect(byDay.size).toBe(2);
    expect(await listFiles(lake)).toEqual(
      [...byDay]
        .map(([day, rs]) => `ticks/market=spot/symbol=BTCUSDT/date=${day}/${pad(rs[0].id)}-${pad(rs[rs.length - 1].id)}.parquet`)
        .concat("imported/market=spot/symbol=BTCUSDT/BTCUSDT-trades-2024-08-08.zip.json") // the zip's import marker
        .sort(),
    );
    const types = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet(${quotedString(join(lake, "ticks", "*", "*", "*", "*.parquet"))}, hive_partitioning = false)`,
        )
      ).getRowObjectsJS(),
    );
    expect(types.map((t) => `${t.column_name} ${t.column_type}`)).toEqual([
      "trade_id BIGINT",
      "time TIMESTAMP WITH TIME ZONE",
      "price DOUBLE",
      "qty DOUBLE",
      "is_buyer_maker BOOLEAN",
      "event_time TIMESTAMP WITH TIME ZONE",
      "receive_time TIMESTAMP WITH TIME ZONE",
    ]);
    expect((await listFiles(temp)).length).toBe(0); // the extracted CSV is gone
  });

  it("keeps µs times to the microsecond (spot files from 2025 on), from a stored (method 0) zip", async () => {
    const data = rows(5, 60, {pivot: 50, pivotUs: Date.UTC(2025, 0, 1) * 1000});
    const zip = await writeArchive(work, "ETHUSDT-trades-2025-01-01", tradesCsv(data, "us"), {method: 0});
    expect(await importPaths([zip])).toMatchObject({rows: 56, added: 56});
    const stored = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT count(*)::INT AS n FROM read_parquet(${quotedString(join(lake, "ticks", "market=spot", "symbol=ETHUSDT", "*", "*.parquet"))})`,
        )
      ).getRowObjectsJS(),
    );
    expect(stored[0].n).toBe(56);
    const read = await readLake(lake);
    expectRows(read, data, "us");
    expect(read.some((r) => r.us % 1000 !== 0)).toBe(true);
  });

  it("reads a plain CSV with a header row (futures layout, no is_best_match) given --symbol", async () => {
    const data = rows(1, 40);
    const csv =
      "id,price,qty,quote_qty,time,is_buyer_maker\n" +
      data.map((r) => `${r.id},${r.price.toFixed(8)},${r.qty.toFixed(8)},1,${Math.floor(r.us / 1000)},${r.maker}\n`).join("");
    await writeFile(join(work, "dump.csv"), csv);
    expect(await importPaths([join(work, "dump.csv")], {symbol: "SOLUSDT"})).toMatchObject({rows: 40, added: 40, invalid: 0});
    expectRows(await readLake(lake), data, "ms");
    expect((await listFiles(lake)).every((f) => f.startsWith("ticks/market=spot/symbol=SOLUSDT/"))).toBe(true);
  });

  it("re-importing the same file adds nothing and writes no file: skipped by its marker, or deduplicated without it", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1000, 1099), "ms"));
    await importPaths([zip]);
    const before = await listFiles(lake);
    const again = await importPaths([zip]);
    expect(again).toMatchObject({rows: 0, added: 0, filesRead: 0, filesWritten: 0, skipped: ["BTCUSDT-trades-2024-08-08.zip"]});
    expect(await listFiles(lake)).toEqual(before);
    await rm(join(lake, "imported"), {recursive: true});
    const unmarked = await importPaths([zip]);
    expect(unmarked).toMatchObject({rows: 100, added: 0, duplicates: 100, filesWritten: 0, skipped: []});
    expect(await listFiles(lake)).toEqual(before); // the marker is written again
    expect((await readLake(lake)).length).toBe(100);
  });

  it("adds only the ids missing around and inside recorded data (holes in a file's range included)", async () => {
    // Recorded by the live writer: 100..149 and 160..179 (ids 150..159 never delivered), one file.
    const recorded = [...rows(100, 149, {pivot: 150}), ...rows(160, 179, {pivot: 150})].map((r) => ({
      ...r,
      us: Math.floor(r.us / 1000) * 1000,
    }));
    const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0, compact: false});
    for (const r of recorded)
      writer.add("BTCUSDT", {
        id: r.id,
        time: r.us / 1000,
        price: Number(r.price.toFixed(8)),
        qty: Number(r.qty.toFixed(8)),
        isBuyerMaker: r.maker,
      });
    await writer.close();
    const archive = rows(90, 200, {pivot: 150, subMs: false});
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(archive, "ms"));
    const summary = await importPaths([zip]);
    expect(summary).toMatchObject({rows: 111, added: 111 - recorded.length, duplicates: recorded.length, conflicts: 0});
    const stored = await readLake(lake);
    expect(stored.map((r) => r.id)).toEqual(archive.map((r) => r.id)); // each id exactly once
    // nothing recorded was rewritten, and every new file holds only new ids
    const recordedIds = new Set(recorded.map((r) => r.id));
    const files = groupBy(stored, (r) => r.file);
    const fresh = [...files.values()].filter((rs) => !rs.some((r) => recordedIds.has(r.id)));
    expect(fresh.flat().length).toBe(111 - recorded.length);
    for (const rs of files.values()) expect(rs.map((r) => r.id)).toEqual([...rs.map((r) => r.id)].sort((a, b) => a - b));
    expect(await importPaths([zip])).toMatchObject({added: 0});
  });

  it("counts a stored id whose price differs as a conflict and keeps the stored row", async () => {
    await importPaths([await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 10), "ms"))]);
    const other = rows(1, 12).map((r) => (r.id === 4 ? {...r, price: r.price + 1} : r));
    await rm(join(work, "BTCUSDT-trades-2024-08-08.zip"));
    const summary = await importPaths([await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(other, "ms"))]);
    expect(summary).toMatchObject({added: 2, duplicates: 10, conflicts: 1});
    expect((await readLake(lake)).find((r) => r.id === 4)!.price).toBe(Number(rows(4, 4)[0].price.toFixed(8)));
  });

  it("skips and counts invalid rows: zero price or qty, unparseable cells, impossible times", async () => {
    const good = rows(1, 20);
    const csv =
      tradesCsv(good, "ms") +
      [
        "21,0.00000000,1.0,0,1723161600000,True,True",
        "22,60000.5,0,0,1723161600001,True,True",
        "23,abc,1.0,0,1723161600002,True,True",
        "24,60000.5,1.0,0,1723161600003000,True,True", // µs time in a ms file: year 56000
      ].join("\n") +
      "\n";
    await writeFile(join(work, "BTCUSDT-trades-2024-08-08.csv"), csv);
    const summary = await importPaths([join(work, "BTCUSDT-trades-2024-08-08.csv")]);
    expect(summary).toMatchObject({rows: 24, added: 20, invalid: 4, duplicates: 0});
    expectRows(await readLake(lake), good, "ms");
  });

  it.skipIf(!hasZipTool)("reads zips made by the zip tool (deflated, sizes in a data descriptor)", async () => {
    const data = rows(7, 300);
    await writeFile(join(work, "BTCUSDT-trades-2024-08-08.csv"), tradesCsv(data, "ms"));
    const zip = join(work, "BTCUSDT-trades-2024-08-08.zip");
    execFileSync("zip", ["-q", "-fd", "BTCUSDT-trades-2024-08-08.zip", "BTCUSDT-trades-2024-08-08.csv"], {cwd: work});
    expect(readFileSync(zip).readUInt16LE(6) & 8).toBe(8); // general purpose flag bit 3: data descriptor
    await writeFile(`${zip}.CHECKSUM`, `${sha256(readFileSync(zip))}  BTCUSDT-trades-2024-08-08.zip\n`);
    await rm(join(work, "BTCUSDT-trades-2024-08-08.csv"));
    expect(await importPaths([zip])).toMatchObject({added: data.length});
    expectRows(await readLake(lake), data, "ms");
  });
});

describe("importFiles refuses bad archives and writes nothing", () => {
  it("a checksum mismatch is an ArchiveFileError naming the file", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 50), "ms"));
    await writeFile(`${zip}.CHECKSUM`, `${"0".repeat(64)}  BTCUSDT-trades-2024-08-08.zip\n`);
    await expect(importPaths([zip])).rejects.toThrow(/SHA-256 mismatch/);
    expect(await listFiles(lake)).toEqual([]);
  });

  it("a corrupted zip (one byte flipped after the CHECKSUM was made) fails the checksum; without the check, the CRC", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 500), "ms"), {method: 0});
    const bytes = readFileSync(zip);
    bytes[200] ^= 0x01;
    await writeFile(zip, bytes);
    await expect(importPaths([zip])).rejects.toBeInstanceOf(ArchiveFileError);
    await expect(importPaths([zip], {checksum: false})).rejects.toThrow(/CRC-32/);
    expect(await listFiles(lake)).toEqual([]);
  });

  it("a zip without its .CHECKSUM is refused unless --no-checksum", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 5), "ms"), {checksum: false});
    await expect(importPaths([zip])).rejects.toThrow(/no checksum file/);
    expect(await importPaths([zip], {checksum: false})).toMatchObject({added: 5});
  });
});

describe("aggTrades → aggtrades/ (never into ticks/)", () => {
  it("stores aggregate trades under their agg id, skipping invalidated rows (p=0, f=-1)", async () => {
    const lines: string[] = [],
      expected: {id: number; us: number; first: number; last: number}[] = [];
    for (let a = 500; a < 540; ++a) {
      const ms = Date.UTC(2024, 7, 8, 23, 59, 50) + (a - 500) * 500;
      if (a % 10 === 7) lines.push(`${a},0.00000000,0.00000000,-1,-1,${ms},true,true`);
      else {
        lines.push(`${a},${(60000 + a).toFixed(8)},0.50000000,${a * 3},${a * 3 + 2},${ms},${a % 2 === 0 ? "True" : "False"},True`);
        expected.push({id: a, us: ms * 1000, first: a * 3, last: a * 3 + 2});
      }
    }
    const zip = await writeArchive(work, "BTCUSDT-aggTrades-2024-08-08", lines.join("\n") + "\n");
    const {code, out, err} = await cli(["--lake", lake, zip]);
    expect(code).toBe(0);
    expect(err).toMatch(/skipped 4 invalid row/);
    expect(out).toMatch(/40 rows read, 36 added, 0 skipped as duplicates, 4 invalid/);
    expect(existsSync(join(lake, "ticks"))).toBe(false);
    const stored = await withDuckDB(async (c) =>
      (
        await c.runAndReadAll(`SELECT agg_id::DOUBLE AS id, epoch_us(time)::DOUBLE AS us, first_trade_id::DOUBLE AS first, last_trade_id::DOUBLE AS last
                              FROM read_parquet(${quotedString(join(lake, "aggtrades", "*", "*", "*", "*.parquet"))}) ORDER BY agg_id`)
      ).getRowObjectsJS(),
    );
    expect(stored).toEqual(expected);
    expect((await listFiles(join(lake, "aggtrades"))).map((f) => f.split("/")[2])).toEqual(["date=2024-08-08", "date=2024-08-09"]);
  });
});

// ---- the command ----------------------------------------------------------------------------------

describe("pairbook import (CLI)", () => {
  it("prints a summary line with rows read, added, duplicates and invalid; exit 0", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 30), "ms"));
    const first = await cli(["--lake", lake, zip]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/30 rows read, 30 added, 0 skipped as duplicates, 0 invalid/);
    expect(first.err).toMatch(/\[1\/1 files\] BTCUSDT-trades-2024-08-08.zip: 30 rows .* rows\/s/);
    const second = await cli(["--lake", lake, "--symbol", "btcusdt", zip]);
    expect(second.out).toMatch(/imported 0 file\(s\) .* 0 rows read, .*; 1 file\(s\) already imported, not read again/);
    expect(second.err).toMatch(/\[1\/1 files\] BTCUSDT-trades-2024-08-08.zip: already imported/);
  });

  it("bad usage and bad files exit 2 (UsageError / CliError 2)", async () => {
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", tradesCsv(rows(1, 3), "ms"));
    await expect(cli(["--lake", lake])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(["--lake", lake, "--symbol", "ETHUSDT", zip])).rejects.toBeInstanceOf(UsageError);
    await expect(cli(["--lake", lake, "--kind", "klines", zip])).rejects.toBeInstanceOf(UsageError);
    await expect(
      cli(["--base-url", "http://127.0.0.1:1", "--symbol", "BTCUSDT", "--from", "2024-08-09", "--to", "2024-08-08"]),
    ).rejects.toBeInstanceOf(UsageError);
    await writeFile(`${zip}.CHECKSUM`, `${"f".repeat(64)}  BTCUSDT-trades-2024-08-08.zip\n`);
    const error = await cli(["--lake", lake, zip]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    await expect(cli(["--lake", lake, join(work, "BTCUSDT-trades-2024-01-01.zip")])).rejects.toMatchObject({exitCode: 2});
    expect(importCommand.usage).toMatch(/Exit codes/);
  });
});

// ---- downloads ------------------------------------------------------------------------------------

describe("--base-url downloads from a data.binance.vision-style server", () => {
  let server: Server;
  let base: string;
  const served = new Map<string, Buffer>();
  const requests: string[] = [];
  let failFirst = new Set<string>();
  const hang = new Set<string>();
  beforeEach(async () => {
    served.clear();
    hang.clear();
    requests.length = 0;
    failFirst = new Set();
    server = createServer((req, res) => {
      const path = req.url ?? "";
      requests.push(path);
      if (failFirst.delete(path)) return void res.writeHead(503).end("busy");
      if (hang.has(path)) return void res.writeHead(200, {"content-length": 1000}).write("PK"); // then silence
      const body = served.get(path);
      if (!body) return void res.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
      res.writeHead(200, {"content-type": "application/zip", "content-length": body.length}).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(
    async () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );

  function serve(symbol: string, kind: string, date: string, csv: string, {checksum}: {checksum?: string} = {}): void {
    const name = `${symbol}-${kind}-${date}`,
      zip = makeZip([{name: `${name}.csv`, data: Buffer.from(csv)}]);
    const path = `/data/spot/daily/${kind}/${symbol}/${name}.zip`;
    served.set(path, zip);
    served.set(`${path}.CHECKSUM`, Buffer.from(`${checksum ?? sha256(zip)}  ${name}.zip\n`));
  }

  it("downloads each day with its CHECKSUM, retries a 503, reports a missing day, imports the rest", async () => {
    const day1 = rows(1, 100, {pivotUs: Date.UTC(2024, 7, 7, 12) * 1000 + 1100 * 250_000}),
      day3 = rows(300, 350, {pivotUs: Date.UTC(2024, 7, 9, 12) * 1000 + 1100 * 250_000});
    serve("BTCUSDT", "trades", "2024-08-07", tradesCsv(day1, "ms"));
    serve("BTCUSDT", "trades", "2024-08-09", tradesCsv(day3, "us"));
    failFirst.add("/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-08-09.zip");
    const summary = await importRange(
      {baseUrl: `${base}/`, symbol: "BTCUSDT", kind: "trades", from: "2024-08-07", to: "2024-08-09"},
      {lake, tempDir: temp, download: {backoffMs: 1}},
    );
    expect(summary).toMatchObject({filesRead: 2, rows: 151, added: 151, missing: ["BTCUSDT-trades-2024-08-08.zip"]});
    const stored = await readLake(lake);
    expectRows(stored.slice(0, day1.length), day1, "ms");
    expectRows(stored.slice(day1.length), day3, "us");
    expect(requests.filter((p) => p.endsWith("2024-08-09.zip"))).toHaveLength(2);
    expect(requests).toContain("/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-08-07.zip.CHECKSUM");
    expect(await listFiles(temp)).toEqual([]); // downloads removed
  });

  it("gives up on a server that stalls mid-body after the last attempt, with a DownloadError naming the URL", async () => {
    hang.add("/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-08-08.zip");
    const attempt = importRange(
      {baseUrl: base, symbol: "BTCUSDT", kind: "trades", from: "2024-08-08", to: "2024-08-08"},
      {lake, tempDir: temp, download: {backoffMs: 1, attempts: 2, silenceMs: 200}},
    );
    await expect(attempt).rejects.toThrow(
      /could not download http:\/\/127\.0\.0\.1:\d+\/data\/spot\/daily\/trades\/BTCUSDT\/BTCUSDT-trades-2024-08-08\.zip after 2 attempts \(no data for 0.2 s\)/,
    );
    expect(requests.filter((p) => p.endsWith("2024-08-08.zip"))).toHaveLength(2);
    expect(await listFiles(temp)).toEqual([]);
    expect(await listFiles(lake)).toEqual([]);
  });

  it("through the CLI: missing days listed, bad CHECKSUM exits 2 with nothing written", async () => {
    serve("ETHUSDT", "trades", "2024-08-08", tradesCsv(rows(1, 10), "ms"));
    const ok = await cli(["--base-url", base, "--symbol", "ETHUSDT", "--from", "2024-08-08", "--to", "2024-08-09", "--lake", lake]);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/missing on the server \(skipped\): ETHUSDT-trades-2024-08-09.zip/);
    expect(ok.out).toMatch(/10 rows read, 10 added/);
    serve("ETHUSDT", "aggTrades", "2024-08-10", "1,100.5,1,1,1,1723161255342,true,true\n", {checksum: "1".repeat(64)});
    await expect(
      cli(["--base-url", base, "--symbol", "ETHUSDT", "--kind", "aggTrades", "--from", "2024-08-10", "--lake", lake]),
    ).rejects.toMatchObject({exitCode: 2});
    expect(existsSync(join(lake, "aggtrades"))).toBe(false);
  });
});

// ---- real data --------------------------------------------------------------------------------------

const realCsv = join(
  import.meta.dirname,
  "../../../shared/data/real/hftbacktest-binance-ws/derived/spot_BTCUSDT_trades_20240808T2354_20240809T0005.csv.gz",
);

describe("real Binance trades (hftbacktest capture, BTCUSDT 2024-08-08 23:54 → 08-09 00:05)", () => {
  it.skipIf(!existsSync(realCsv))("round-trip through an archive-format zip: every trade once, identical, split at midnight", async () => {
    // The capture's columns (trade_id,price,qty,trade_time_ms,…) rewritten in the spot archive layout.
    const [header, ...lines] = gunzipSync(readFileSync(realCsv)).toString("utf8").trim().split("\n");
    const col = Object.fromEntries(header.split(",").map((name, i) => [name, i]));
    const cells = lines.map((l) => l.split(","));
    const csv = cells
      .map(
        (c) =>
          `${c[col.trade_id]},${c[col.price]},${c[col.qty]},0,${c[col.trade_time_ms]},${c[col.is_buyer_maker] === "true" ? "True" : "False"},True\n`,
      )
      .join("");
    const zip = await writeArchive(work, "BTCUSDT-trades-2024-08-08", csv);
    const summary = await importPaths([zip]);
    const ids = [...new Set(cells.map((c) => Number(c[col.trade_id])))].sort((a, b) => a - b);
    expect(summary).toMatchObject({rows: cells.length, added: ids.length, invalid: 0});
    const stored = await readLake(lake);
    expect(stored.map((r) => r.id)).toEqual(ids);
    const byId = new Map(cells.map((c) => [Number(c[col.trade_id]), c]));
    for (const r of stored) {
      const c = byId.get(r.id)!;
      expect([r.price, r.qty, r.us / 1000, r.maker]).toEqual([
        Number(c[col.price]),
        Number(c[col.qty]),
        Number(c[col.trade_time_ms]),
        c[col.is_buyer_maker] === "true",
      ]);
    }
    expect(new Set(stored.map((r) => r.date))).toEqual(new Set(["2024-08-08", "2024-08-09"]));
    expect(await importPaths([zip])).toMatchObject({added: 0});
  });
});
