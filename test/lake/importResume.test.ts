// A resumed month import reads only what it has not imported: importRange after an interruption
// downloads only the missing zips (requests counted by the server), a zip republished upstream (new
// CHECKSUM) or whose partition was deleted is imported again, and every id ends up stored exactly once.
import {createHash} from "node:crypto";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {DownloadError, importFiles, importRange, resolveJob} from "../../lake/import/index.js";
import {makeZip} from "./archiveZip.js";

const dates = ["2024-08-05", "2024-08-06", "2024-08-07", "2024-08-08", "2024-08-09"];
const zipPath = (date: string) => `/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-${date}.zip`;

/** Trades of day `k` of `dates`: ids k·1000 + 1 … k·1000 + n, one a minute from its midnight (UTC, ms). */
function dayCsv(k: number, n = 1000): Buffer {
  const midnight = Date.parse(`${dates[k]}T00:00:00Z`),
    lines: string[] = [];
  for (let j = 1; j <= n; ++j) {
    const id = k * 1000 + j,
      price = 60_000 + (id % 113);
    lines.push(`${id},${price}.5,0.0${j % 9}1,${price * 0.01},${midnight + j * 60_000},${j % 2 === 0 ? "True" : "False"},True`);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

let dir: string, lake: string, temp: string, server: Server, base: string;
const served = new Map<string, Buffer>(),
  failing = new Set<string>(),
  requests: string[] = [];

function serve(k: number, csv = dayCsv(k)): void {
  const name = `BTCUSDT-trades-${dates[k]}`,
    zip = makeZip([{name: `${name}.csv`, data: csv}]);
  served.set(zipPath(dates[k]), zip);
  served.set(`${zipPath(dates[k])}.CHECKSUM`, Buffer.from(`${createHash("sha256").update(zip).digest("hex")}  ${name}.zip\n`));
}

const range = () => ({baseUrl: base, symbol: "BTCUSDT", kind: "trades" as const, from: dates[0], to: dates[4]});
const zipRequests = () => requests.filter((p) => p.endsWith(".zip")).sort();

/** Rows, distinct ids and id bounds of the lake's spot ticks. */
async function stored(): Promise<{rows: number; distinct: number; first: number; last: number}> {
  return withDuckDB(async (connection) => {
    const glob = quotedString(join(lake, "ticks", "**", "*.parquet"));
    const [r] = (
      await connection.runAndReadAll(
        `SELECT count(*)::DOUBLE AS rows, count(DISTINCT trade_id)::DOUBLE AS distinct, min(trade_id)::DOUBLE AS first,
                max(trade_id)::DOUBLE AS last FROM read_parquet(${glob})`,
      )
    ).getRowObjectsJson();
    return {rows: Number(r.rows), distinct: Number(r.distinct), first: Number(r.first), last: Number(r.last)};
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "import-resume-"));
  [lake, temp] = [join(dir, "lake"), join(dir, "tmp")];
  served.clear();
  failing.clear();
  requests.length = 0;
  server = createServer((req, res) => {
    const path = req.url ?? "";
    requests.push(path);
    if (failing.has(path)) return void res.writeHead(503).end("busy");
    const body = served.get(path);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, {"content-length": body.length}).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (let k = 0; k < dates.length; ++k) serve(k);
});
afterEach(async () => {
  await new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  await rm(dir, {recursive: true, force: true});
});

describe("importRange resumed after an interrupted 5-file import", () => {
  async function interrupted(rows = 3000): Promise<void> {
    failing.add(zipPath(dates[3])); // the 4th day fails for good: the import stops after publishing days 1–3
    await expect(importRange(range(), {lake, tempDir: temp, jobs: 2, download: {attempts: 1}})).rejects.toThrow(DownloadError);
    failing.clear();
    expect(await stored()).toEqual({rows, distinct: rows, first: 1, last: 3000});
    requests.length = 0;
  }

  it("downloads only the 2 zips not yet imported and ends with every id once", async () => {
    await interrupted();
    const summary = await importRange(range(), {lake, tempDir: temp, jobs: 2});
    expect(zipRequests()).toEqual([zipPath(dates[3]), zipPath(dates[4])]);
    expect(requests.filter((p) => p.endsWith(".CHECKSUM"))).toHaveLength(5);
    expect(summary).toMatchObject({filesRead: 2, rows: 2000, added: 2000, duplicates: 0, missing: []});
    expect(summary.skipped).toEqual(dates.slice(0, 3).map((d) => `BTCUSDT-trades-${d}.zip`));
    expect(await stored()).toEqual({rows: 5000, distinct: 5000, first: 1, last: 5000});
    // A third run reads nothing.
    requests.length = 0;
    expect(await importRange(range(), {lake, tempDir: temp, jobs: 2})).toMatchObject({filesRead: 0, added: 0});
    expect(zipRequests()).toEqual([]);
  });

  it("imports again a zip republished upstream (new CHECKSUM) and one whose ids left the lake", async () => {
    serve(1, dayCsv(1, 900)); // day 2 first published short: ids 1001–1900
    await interrupted(2900);
    serve(1); // republished whole: ids 1001–2000
    await rm(join(lake, "ticks", "market=spot", "symbol=BTCUSDT", "date=2024-08-07"), {recursive: true}); // day 3 deleted
    const summary = await importRange(range(), {lake, tempDir: temp, jobs: 1});
    expect(zipRequests()).toEqual([1, 2, 3, 4].map((k) => zipPath(dates[k])));
    expect(summary).toMatchObject({filesRead: 4, rows: 4000, added: 3100, duplicates: 900});
    expect(summary.skipped).toEqual(["BTCUSDT-trades-2024-08-05.zip"]);
    expect(await stored()).toEqual({rows: 5000, distinct: 5000, first: 1, last: 5000});
  });

  it("does not skip when imported without checksums (no digest to compare), and dedupes instead", async () => {
    await importRange(range(), {lake, tempDir: temp, jobs: 2});
    requests.length = 0;
    const summary = await importRange(range(), {lake, tempDir: temp, jobs: 2, checksum: false});
    expect(zipRequests()).toHaveLength(5);
    expect(summary).toMatchObject({filesRead: 5, added: 0, duplicates: 5000});
    expect(await stored()).toEqual({rows: 5000, distinct: 5000, first: 1, last: 5000});
  });
});

describe("importFiles", () => {
  it("skips a local zip a range import already brought in whole (same digest)", async () => {
    await importRange(range(), {lake, tempDir: temp, jobs: 2});
    const path = join(dir, "BTCUSDT-trades-2024-08-06.zip");
    await writeFile(path, served.get(zipPath(dates[1]))!);
    await writeFile(`${path}.CHECKSUM`, served.get(`${zipPath(dates[1])}.CHECKSUM`)!);
    const summary = await importFiles([resolveJob(path, {})], {lake, tempDir: temp});
    expect(summary).toMatchObject({filesRead: 0, rows: 0, skipped: ["BTCUSDT-trades-2024-08-06.zip"]});
  });
});
