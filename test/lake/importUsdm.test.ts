// `pairbook import` of USD-M futures archives from a local server in the data.binance.vision layout:
// daily aggTrades into the perpetual's ticks (the recorder's columns, deduped against what it stored),
// monthly funding rates into the funding table (one row per funding time with the recorder's rows).
import {createHash} from "node:crypto";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, readdir, rm, writeFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {importCommand} from "../../cli/commands/import.js";
import {CliError, UsageError} from "../../cli/command.js";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {type FundingRecord, readFunding, writeFunding} from "../../lake/funding.js";
import {ArchiveFileError, archiveUrl, monthRange, parseFundingCsv, resolveJob} from "../../lake/import/index.js";
import {LakeWriter} from "../../lake/writer.js";
import {makeZip} from "./archiveZip.js";

// ---- fixtures, built by hand ----------------------------------------------------------------------

interface Agg {
  id: number;
  price: string;
  qty: string;
  first: number;
  last: number;
  ms: number;
  maker: boolean;
}

const midnight = Date.UTC(2024, 7, 9); // 2024-08-09T00:00:00Z

/** Aggregates `from..to`, one every 500 ms, id 1060 at midnight; every 17th invalidated (p=0, f=l=-1) as archives have them. */
function aggs(from: number, to: number): Agg[] {
  const out: Agg[] = [];
  for (let id = from; id <= to; ++id) {
    const invalid = id % 17 === 0;
    out.push({
      id,
      price: invalid ? "0" : (60_000 + ((id * 7919) % 1000) / 10).toFixed(1),
      qty: invalid ? "0" : (0.001 * (1 + (id % 11))).toFixed(3),
      first: invalid ? -1 : id * 4,
      last: invalid ? -1 : id * 4 + (id % 3),
      ms: midnight + (id - 1060) * 500,
      maker: id % 2 === 1,
    });
  }
  return out;
}
const valid = (rows: Agg[]) => rows.filter((r) => r.first >= 0);

/** A futures aggTrades CSV, with the header row archives have carried since ~2022 or without. */
function aggCsv(rows: Agg[], header: boolean): string {
  const head = header ? "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n" : "";
  return head + rows.map((r) => `${r.id},${r.price},${r.qty},${r.first},${r.last},${r.ms},${r.maker}\n`).join("");
}

/** August 2024's funding times (every 8 h from 08-01 00:00), rates of both signs, 8 decimals. */
const fundingRows = Array.from({length: 93}, (_, i) => ({
  time: Date.UTC(2024, 7, 1) + i * 8 * 3_600_000,
  rate: (((i * 37) % 23) - 5) / 100_000,
}));
const fundingCsv =
  "calc_time,funding_interval_hours,last_funding_rate\n" + fundingRows.map((r) => `${r.time},8,${r.rate.toFixed(8)}\n`).join("");

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let work: string, lake: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "pairbook-import-usdm-"));
  lake = join(work, "lake");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(work, {recursive: true, force: true});
});

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, {withFileTypes: true, recursive: true}))
    if (e.isFile() && e.name.endsWith(".parquet")) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

/** Runs `pairbook import ARGS` with stdout/stderr captured. */
async function cli(args: string[]): Promise<{code: number; out: string; err: string}> {
  let out = "",
    err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    return {code: await importCommand.run(args), out, err};
  } finally {
    vi.restoreAllMocks();
  }
}

interface StoredTick {
  id: number;
  ms: number;
  price: number;
  qty: number;
  first: number;
  last: number;
  maker: boolean;
  event: number | null;
  date: string;
}

async function usdmTicks(): Promise<StoredTick[]> {
  return withDuckDB(async (c) => {
    const reader = await c.runAndReadAll(
      `SELECT trade_id::DOUBLE AS id, epoch_ms(time)::DOUBLE AS ms, price, qty, first_trade_id::DOUBLE AS first,
              last_trade_id::DOUBLE AS last, is_buyer_maker AS maker, epoch_ms(event_time)::DOUBLE AS event, date::VARCHAR AS date
       FROM read_parquet(${quotedString(join(lake, "ticks", "market=usdm", "symbol=BTCUSDT", "*", "*.parquet"))}, hive_partitioning = true)
       ORDER BY trade_id`,
    );
    return reader.getRowObjectsJS() as unknown as StoredTick[];
  });
}

const expectedTick = (r: Agg): Omit<StoredTick, "event"> => ({
  id: r.id,
  ms: r.ms,
  price: Number(r.price),
  qty: Number(r.qty),
  first: r.first,
  last: r.last,
  maker: r.maker,
  date: new Date(r.ms).toISOString().slice(0, 10),
});

// ---- the archive server ---------------------------------------------------------------------------

describe("pairbook import --symbols usdm:… from a data.binance.vision-style server", () => {
  let server: Server, base: string;
  const served = new Map<string, Buffer>();
  const requests: string[] = [];
  beforeEach(async () => {
    served.clear();
    requests.length = 0;
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      const body = served.get(req.url ?? "");
      if (!body) return void res.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
      res.writeHead(200, {"content-type": "application/zip", "content-length": body.length}).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );

  /** Serves `<path>/<name>.zip` holding `<name>.csv`, and its CHECKSUM (a wrong one when given). */
  function serve(path: string, name: string, csv: string, {checksum, flip}: {checksum?: string; flip?: number} = {}): void {
    const zip = makeZip([{name: `${name}.csv`, data: Buffer.from(csv)}], 0);
    const hash = checksum ?? sha256(zip);
    if (flip !== undefined) zip[flip] ^= 0x01;
    served.set(`${path}/${name}.zip`, zip);
    served.set(`${path}/${name}.zip.CHECKSUM`, Buffer.from(`${hash}  ${name}.zip\n`));
  }
  const dailyAgg = "/data/futures/um/daily/aggTrades/BTCUSDT",
    monthlyFunding = "/data/futures/um/monthly/fundingRate/BTCUSDT";

  it("stores aggTrades in the recorder's USD-M ticks and funding in its table, each id and funding time once; a rerun adds nothing", async () => {
    const day1 = aggs(1000, 1059),
      day2 = aggs(1060, 1099);
    serve(dailyAgg, "BTCUSDT-aggTrades-2024-08-08", aggCsv(day1, true));
    serve(dailyAgg, "BTCUSDT-aggTrades-2024-08-09", aggCsv(day2, false));
    serve(monthlyFunding, "BTCUSDT-fundingRate-2024-08", fundingCsv);
    // What a recorder stored before: aggregates 1050..1069 from the stream (event times known), two
    // settled funding events from REST and a stream estimate.
    const recorded = valid(aggs(1050, 1069));
    const writer = await LakeWriter.open(lake, ["usdm:BTCUSDT"], {publishMs: 0, compact: false});
    for (const r of recorded)
      writer.add("usdm:BTCUSDT", {
        id: r.id,
        time: r.ms,
        price: Number(r.price),
        qty: Number(r.qty),
        isBuyerMaker: r.maker,
        firstId: r.first,
        lastId: r.last,
        eventTime: r.ms + 3,
        receiveTime: r.ms + 40,
      });
    await writer.close();
    const [f0, f1, f2] = [fundingRows[24], fundingRows[25], fundingRows[30]];
    const rest: FundingRecord[] = [
      {fundingTime: f0.time, rate: f0.rate, markPrice: 61_000.5, source: "rest"},
      {fundingTime: f1.time, rate: f1.rate, markPrice: 61_100.25, source: "rest"},
    ];
    const estimate: FundingRecord = {fundingTime: f2.time, rate: 0.0003, markPrice: 60_900, source: "stream"};
    await withDuckDB((c) => writeFunding(c, lake, "usdm:BTCUSDT", [...rest, estimate]));

    const first = await cli([
      "--base-url",
      base,
      "--symbols",
      "usdm:btcusdt",
      "--from",
      "2024-08-08",
      "--to",
      "2024-08-09",
      "--lake",
      lake,
    ]);
    expect(first.code).toBe(0);
    const all = valid([...day1, ...day2]);
    const addedTicks = all.length - recorded.length,
      addedFunding = fundingRows.length - 3;
    expect(first.out).toMatch(
      new RegExp(
        `${100 + 93} rows read, ${addedTicks + addedFunding} added, ${recorded.length + 3} skipped as duplicates, ${100 - all.length} invalid`,
      ),
    );
    expect([...requests].sort()).toEqual(
      [
        `${dailyAgg}/BTCUSDT-aggTrades-2024-08-08.zip`,
        `${dailyAgg}/BTCUSDT-aggTrades-2024-08-09.zip`,
        `${monthlyFunding}/BTCUSDT-fundingRate-2024-08.zip`,
      ]
        .flatMap((path) => [path, `${path}.CHECKSUM`])
        .sort(),
    );

    // Ticks: every valid aggregate exactly once, the recorder's rows kept (their event time), the rest with none.
    const stored = await usdmTicks();
    expect(stored.map((r) => r.id)).toEqual(all.map((r) => r.id));
    const recordedIds = new Set(recorded.map((r) => r.id));
    expect(stored).toEqual(all.map((r) => ({...expectedTick(r), event: recordedIds.has(r.id) ? r.ms + 3 : null})));
    expect(existsSync(join(lake, "aggtrades"))).toBe(false); // a perpetual's aggregates are its ticks

    // The same columns, types and metadata as the recorder's file.
    const files = await listFiles(join(lake, "ticks"));
    const described = await withDuckDB(async (c) => {
      const shapes = new Set<string>();
      for (const f of files) {
        const reader = await c.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet(${quotedString(join(lake, "ticks", f))}, hive_partitioning = false)`,
        );
        shapes.add(
          reader
            .getRowObjectsJS()
            .map((t) => `${String(t.column_name)} ${String(t.column_type)}`)
            .join(", "),
        );
      }
      return [...shapes];
    });
    expect(described).toEqual([
      "trade_id BIGINT, time TIMESTAMP WITH TIME ZONE, price DOUBLE, qty DOUBLE, is_buyer_maker BOOLEAN, event_time TIMESTAMP WITH TIME ZONE, " +
        "receive_time TIMESTAMP WITH TIME ZONE, first_trade_id BIGINT, last_trade_id BIGINT",
    ]);
    const imported = files.find(
      (f) => f.includes("date=2024-08-08") && f.startsWith("market=usdm/symbol=BTCUSDT/date=2024-08-08/000000000001000-"),
    );
    expect(imported).toBeDefined();
    const kv = await withDuckDB(async (c) =>
      Object.fromEntries(
        (
          await c.runAndReadAll(
            `SELECT decode(key), decode(value) FROM parquet_kv_metadata(${quotedString(join(lake, "ticks", imported!))})`,
          )
        ).getRows(),
      ),
    );
    expect(kv).toMatchObject({market: "usdm", symbol: "BTCUSDT", sorted_by: "trade_id"});
    expect(String(kv.not_null).split(",").sort()).toEqual(
      ["trade_id", "time", "price", "qty", "is_buyer_maker", "first_trade_id", "last_trade_id"].sort(),
    );

    // Funding: the CSV's rows, REST's settled rows (with mark) kept, the stream's estimate settled by the archive.
    const funding = await withDuckDB((c) => readFunding(c, lake, "usdm:BTCUSDT"));
    expect(funding).toEqual(
      fundingRows.map((r): FundingRecord => {
        if (r.time === f0.time) return rest[0];
        if (r.time === f1.time) return rest[1];
        return {fundingTime: r.time, rate: Number(r.rate.toFixed(8)), markPrice: r.time === f2.time ? 60_900 : null, source: "archive"};
      }),
    );

    const before = await listFiles(lake);
    const again = await cli([
      "--base-url",
      base,
      "--symbols",
      "usdm:BTCUSDT",
      "--from",
      "2024-08-08",
      "--to",
      "2024-08-09",
      "--lake",
      lake,
    ]);
    // The two aggTrades days are marked imported and not read again; the funding month is read and deduplicated.
    expect(again.out).toMatch(/imported 1 file\(s\) .*: 93 rows read, 0 added, 93 skipped as duplicates/);
    expect(again.out).toMatch(/0 Parquet file\(s\) written; 2 file\(s\) already imported, not read again/);
    expect(await listFiles(lake)).toEqual(before);
  });

  it("--kind fundingRate fetches every month the range touches; a month the server lacks is reported and skipped", async () => {
    serve(monthlyFunding, "BTCUSDT-fundingRate-2024-08", fundingCsv);
    const {code, out, err} = await cli([
      ...[
        "--base-url",
        base,
        "--symbols",
        "usdm:BTCUSDT",
        "--kind",
        "fundingRate",
        "--from",
        "2024-07-31",
        "--to",
        "2024-08-01",
        "--lake",
        lake,
      ],
    ]);
    expect(code).toBe(0);
    expect(err).toMatch(/missing on the server \(skipped\): BTCUSDT-fundingRate-2024-07.zip/);
    expect(out).toMatch(/93 rows read, 93 added/);
    expect(requests.filter((p) => p.endsWith(".zip")).sort()).toEqual([
      `${monthlyFunding}/BTCUSDT-fundingRate-2024-07.zip`,
      `${monthlyFunding}/BTCUSDT-fundingRate-2024-08.zip`,
    ]);
    expect(existsSync(join(lake, "ticks"))).toBe(false);
  });

  it("a bad CHECKSUM, a corrupted zip or a missing CHECKSUM is a one-line error naming the file (exit 2), nothing stored", async () => {
    serve(dailyAgg, "BTCUSDT-aggTrades-2024-08-08", aggCsv(aggs(1000, 1059), true), {checksum: "1".repeat(64)});
    const run = (kind: string) =>
      cli(["--base-url", base, "--symbols", "usdm:BTCUSDT", "--kind", kind, "--from", "2024-08-08", "--lake", lake]).catch(
        (e: unknown) => e,
      );
    const bad = await run("aggTrades");
    expect(bad).toBeInstanceOf(CliError);
    expect((bad as CliError).exitCode).toBe(2);
    expect((bad as CliError).message).toMatch(/BTCUSDT-aggTrades-2024-08-08\.zip: SHA-256 mismatch/);
    expect((bad as CliError).message).not.toMatch(/\n/);
    expect(await listFiles(join(lake, "ticks"))).toEqual([]);

    serve(monthlyFunding, "BTCUSDT-fundingRate-2024-08", fundingCsv, {flip: 70});
    const corrupt = await run("fundingRate");
    expect(corrupt).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/BTCUSDT-fundingRate-2024-08\.zip: SHA-256 mismatch/) as unknown,
    });
    expect(existsSync(join(lake, "funding"))).toBe(false);

    served.delete(`${monthlyFunding}/BTCUSDT-fundingRate-2024-08.zip.CHECKSUM`);
    serve(monthlyFunding, "BTCUSDT-fundingRate-2024-08", fundingCsv);
    served.delete(`${monthlyFunding}/BTCUSDT-fundingRate-2024-08.zip.CHECKSUM`);
    const missing = await run("fundingRate");
    expect(missing).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/BTCUSDT-fundingRate-2024-08\.zip has no \.CHECKSUM/) as unknown,
    });
    expect(existsSync(join(lake, "funding"))).toBe(false);
  });
});

// ---- local files and the pure parts ---------------------------------------------------------------

describe("USD-M archive files", () => {
  it("resolveJob takes a fundingRate file or one under futures/um/ as USD-M, and refuses the spot symbol or USD-M trades", () => {
    expect(resolveJob("/m/data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-08-08.zip", {})).toMatchObject({
      symbol: "usdm:BTCUSDT",
      kind: "aggTrades",
    });
    expect(resolveJob("/x/ETHUSDT-fundingRate-2024-08.zip", {})).toMatchObject({symbol: "usdm:ETHUSDT", kind: "fundingRate"});
    expect(resolveJob("/x/BTCUSDT-aggTrades-2024-08-08.zip", {symbol: "usdm:BTCUSDT"})).toMatchObject({symbol: "usdm:BTCUSDT"});
    expect(resolveJob("/x/BTCUSDT-aggTrades-2024-08-08.zip", {})).toMatchObject({symbol: "BTCUSDT"}); // spot
    expect(resolveJob("/x/dump.csv", {symbol: "usdm:BTCUSDT"})).toMatchObject({kind: "aggTrades"});
    expect(() => resolveJob("/m/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-08-08.zip", {symbol: "BTCUSDT"})).toThrow(
      /USD-M futures archive: give --symbol usdm:BTCUSDT/,
    );
    expect(() => resolveJob("/x/BTCUSDT-trades-2024-08-08.zip", {symbol: "usdm:BTCUSDT"})).toThrow(
      /USD-M trades archives are not imported/,
    );
    expect(() => resolveJob("/x/BTCUSDT-fundingRate-2024-08.zip", {symbol: "BTCUSDT"})).toThrow(RangeError);
  });

  it("archiveUrl and monthRange follow the data.binance.vision layout", () => {
    expect(archiveUrl("https://h/", "usdm", "BTCUSDT", "aggTrades", "2024-08-08")).toBe(
      "https://h/data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-08-08.zip",
    );
    expect(archiveUrl("https://h", "usdm", "BTCUSDT", "fundingRate", "2024-08")).toBe(
      "https://h/data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2024-08.zip",
    );
    expect(archiveUrl("https://h", "spot", "BTCUSDT", "trades", "2024-08-08")).toBe(
      "https://h/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-08-08.zip",
    );
    expect(monthRange("2023-12-31", "2024-02-01")).toEqual(["2023-12", "2024-01", "2024-02"]);
  });

  it("parseFundingCsv reads rows with or without a header and refuses a file with a bad row", () => {
    const rows = "1722470400000,8,0.00010000\n1722499200000,8,-0.00002315\n";
    const expected = [
      {fundingTime: 1722470400000, rate: 0.0001, markPrice: null, source: "archive"},
      {fundingTime: 1722499200000, rate: -0.00002315, markPrice: null, source: "archive"},
    ];
    expect(parseFundingCsv(rows)).toEqual(expected);
    expect(parseFundingCsv(`calc_time,funding_interval_hours,last_funding_rate\r\n${rows.replace(/\n/g, "\r\n")}`)).toEqual(expected);
    expect(() => parseFundingCsv(`${rows}1722528000000,8,abc\n`, "X.csv")).toThrow(/X\.csv line 3/);
    expect(() => parseFundingCsv("1722470400,8,0.0001\n")).toThrow(ArchiveFileError); // seconds, not ms
    expect(() => parseFundingCsv("calc_time,funding_interval_hours,last_funding_rate\n")).toThrow(/no rows/);
  });

  it("a local USD-M aggTrades zip imports into ticks/market=usdm with --symbol usdm:…; import --help no longer warns about futures", async () => {
    const dir = join(work, "data", "futures", "um", "daily", "aggTrades", "ETHUSDT");
    await mkdir(dir, {recursive: true});
    const name = "ETHUSDT-aggTrades-2024-08-08",
      zip = makeZip([{name: `${name}.csv`, data: Buffer.from(aggCsv(aggs(1000, 1030), false))}]);
    await writeFile(join(dir, `${name}.zip`), zip);
    await writeFile(join(dir, `${name}.zip.CHECKSUM`), `${sha256(zip)}  ${name}.zip\n`);
    const {code} = await cli(["--lake", lake, join(dir, `${name}.zip`)]);
    expect(code).toBe(0);
    expect((await listFiles(join(lake, "ticks"))).every((f) => f.startsWith("market=usdm/symbol=ETHUSDT/date=2024-08-08/"))).toBe(true);
    await expect(cli(["--lake", lake, "--symbols", "BTCUSDT,usdm:BTCUSDT", join(dir, `${name}.zip`)])).rejects.toBeInstanceOf(UsageError);
    expect(importCommand.usage).not.toMatch(/no spot\/futures dimension/);
    expect(importCommand.usage).toMatch(/data\/futures\/um\/monthly\/fundingRate/);
  });
});
