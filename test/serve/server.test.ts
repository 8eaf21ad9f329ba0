// pairbook serve against a lake written by the lake's own writer (./serveLake.ts): every endpoint, the
// bars formats decoding to the same values, 400s naming the parameter, the report equal to
// `pairbook analyze --json` on the same bars, hostile Host/Origin refused, ETag 304, --site traversal.
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {request} from "node:http";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {analyze} from "../../cli/commands/analyze.js";
import {withDuckDB, quotedString} from "../../lake/duckdb.js";
import {AccessPolicy} from "../../recorder/access.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {ethHole, serveLake, t0, trades} from "./serveLake.js";

let lake: string, site: string, server: RunningServer, base: string;
const token = "0123456789abcdef0123";

beforeAll(async () => {
  lake = await serveLake();
  site = await mkdtemp(join(tmpdir(), "pairbook-site-"));
  await mkdir(join(site, "pairs"));
  await writeFile(join(site, "index.html"), "<h1>home</h1>");
  await writeFile(join(site, "pairs", "BTCUSDT-ETHUSDT.html"), "<h1>pair</h1>");
  await writeFile(join(site, "app.js"), "export {}");
  await writeFile(join(tmpdir(), "pairbook-secret.txt"), "secret");
  server = await startServer({lake, site, host: "127.0.0.1", port: 0, gate: new AccessPolicy({host: "127.0.0.1"}), fingerprintTtlMs: 0});
  base = server.url.replace(/\/$/, "");
}, 60_000);
afterAll(async () => {
  await server?.close();
  await rm(lake, {recursive: true, force: true});
  await rm(site, {recursive: true, force: true});
});

/** A raw GET (node:http, so Host and Origin can be anything), body as a Buffer. */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{status: number; headers: Record<string, unknown>; body: Buffer}> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {headers}, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks)}));
    });
    req.on("error", reject);
    req.end();
  });
}
const json = async (path: string) => {
  const r = await get(path);
  return {...r, doc: JSON.parse(r.body.toString()) as Record<string, unknown> & {error?: string; parameter?: string}};
};

describe("GET /api/v1/symbols", () => {
  it("lists spot symbols plainly and perpetuals as usdm:X, with first and last trade and the gap", async () => {
    const {status, doc} = await json("/api/v1/symbols");
    expect(status).toBe(200);
    const list = doc.symbols as {symbol: string; market: string; first: number; last: number; days: string[]; unfilledGaps: number}[];
    expect(list.map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "usdm:SOLUSDT"]);
    expect(list[0]).toMatchObject({
      market: "spot",
      first: trades.BTCUSDT[0].time,
      last: trades.BTCUSDT.at(-1)!.time,
      days: ["2026-01-01", "2026-01-02"],
    });
    expect(list[1].unfilledGaps).toBe(1);
    expect(list[2]).toMatchObject({market: "usdm", first: trades["usdm:SOLUSDT"][0].time});
  });
});

describe("GET /api/v1/bars", () => {
  const range = `from=${new Date(t0).toISOString()}&to=${t0 + 10 * 60_000}`;

  it("gives the same bars as JSON, CSV, Arrow and Parquet, matching the trades by hand", async () => {
    const {doc} = await json(`/api/v1/bars?symbol=btcusdt&interval=1m&${range}`);
    const rows = doc.bars as {
      time: number;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
      count: number;
      gap: number;
    }[];
    expect(rows).toHaveLength(10);
    // By hand from the trades: minute k holds the trades of seconds 60k … 60k + 59.
    for (let k = 0; k < 10; ++k) {
      const inMinute = trades.BTCUSDT.slice(60 * k, 60 * k + 60);
      expect(rows[k]).toMatchObject({time: t0 + k * 60_000, open: inMinute[0].price, close: inMinute[59].price, count: 60, gap: 0});
      expect(rows[k].high).toBe(Math.max(...inMinute.map((t) => t.price)));
      expect(rows[k].volume).toBeCloseTo(
        inMinute.reduce((s, t) => s + t.qty, 0),
        9,
      );
    }
    const csv = (await get(`/api/v1/bars?symbol=BTCUSDT&interval=1m&${range}&format=csv`)).body.toString().trim().split("\n");
    const header = csv[0].split(",");
    expect(header).toEqual(["time", "open", "high", "low", "close", "volume", "quoteVolume", "takerBuyVolume", "count", "gap"]);
    const fromCsv = csv.slice(1).map((line) => Object.fromEntries(line.split(",").map((v, i) => [header[i], Number(v)])));
    expect(fromCsv).toEqual(rows);

    const arrow = tableFromIPC((await get(`/api/v1/bars?symbol=BTCUSDT&interval=1m&${range}&format=arrow`)).body);
    expect(Array.from(arrow.getChild("time")!.toArray() as Float64Array)).toEqual(rows.map((r) => r.time));
    expect(Array.from(arrow.getChild("BTCUSDT.close")!.toArray() as Float64Array)).toEqual(rows.map((r) => r.close));
    expect(Array.from(arrow.getChild("BTCUSDT.count")!.toArray() as Int32Array)).toEqual(rows.map((r) => r.count));

    const parquet = (await get(`/api/v1/bars?symbol=BTCUSDT&interval=1m&${range}&format=parquet`)).body;
    const file = join(lake, "..", `bars-${process.pid}.parquet`);
    await writeFile(file, parquet);
    const fromParquet = await withDuckDB(async (c) =>
      (await c.runAndReadAll(`SELECT * FROM read_parquet(${quotedString(file)}) ORDER BY time`)).getRowObjectsJS(),
    );
    await rm(file);
    expect(fromParquet.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])))).toEqual(rows);
  });

  it("flags the buckets of ETHUSDT's unfilled gap and gives null prices for empty buckets", async () => {
    const {doc} = await json(`/api/v1/bars?symbol=ETHUSDT&interval=1m&from=${t0}&to=${t0 + minutesMs(40)}`);
    const rows = doc.bars as {time: number; close: number | null; gap: number}[];
    expect(rows[0].close).toBeNull(); // ETHUSDT starts 3 minutes in
    // By hand: every minute from the one holding the last trade before the hole to the one holding the first after it.
    const before = trades.ETHUSDT.filter((t) => t.time <= ethHole.fromTime).at(-1)!.time,
      after = trades.ETHUSDT.find((t) => t.time >= ethHole.toTime)!.time;
    const minute = (t: number) => Math.floor((t - t0) / 60_000);
    const flagged = rows.filter((r) => r.gap === 1).map((r) => minute(r.time));
    expect(flagged).toEqual(Array.from({length: minute(after) - minute(before) + 1}, (_, k) => minute(before) + k));
    expect(flagged.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["symbol=BTC-USD", "symbol"],
    ["", "symbol"],
    ["symbol=BTCUSDT&interval=2m", "interval"],
    ["symbol=BTCUSDT&from=yesterday", "from"],
    ["symbol=BTCUSDT&from=2026-01-01T23:40:00", "from"], // a local time: not UTC
    ["symbol=BTCUSDT&format=xlsx", "format"],
    ["symbol=BTCUSDT&colour=red", "colour"],
    ["symbol=DOGEUSDT", "symbol"],
    ["symbol=BTCUSDT&interval=1s&lookback=2d", "lookback"],
    [`symbol=BTCUSDT&from=${t0}&to=${t0 - 1}`, "to"],
  ])("GET /api/v1/bars?%s is a 400 naming %s", async (query, parameter) => {
    const {status, doc} = await json(`/api/v1/bars?${query}`);
    expect(status).toBe(400);
    expect(doc.parameter).toBe(parameter);
    expect(doc.error).toContain(parameter === "symbol" && query.includes("DOGE") ? "DOGEUSDT" : parameter);
  });

  it("holds a day of 1-minute bars and an hour of 1-second bars in one response", async () => {
    expect((await json(`/api/v1/bars?symbol=BTCUSDT&interval=1m&lookback=1d`)).status).toBe(200);
    const {status, doc} = await json(`/api/v1/bars?symbol=BTCUSDT&interval=1s&from=${t0}&to=${t0 + 3_600_000}`);
    expect(status).toBe(200);
    expect((doc.bars as unknown[]).length).toBe(3600);
  });
});

const minutesMs = (m: number) => m * 60_000;

describe("GET /api/v1/pairs/{a}/{b}/report", () => {
  it.each([
    ["the OLS hedge", "", []],
    ["method=rolling-ols", "&method=rolling-ols&hedge-window=8", ["--method", "rolling-ols", "--hedge-window", "8"]],
    ["method=kalman", "&method=kalman&delta=0.001&ve=0.01", ["--method", "kalman", "--delta", "0.001", "--ve", "0.01"]],
  ])("equals pairbook analyze --json on the same bars, aligned by hand, under %s", async (_, method, flags) => {
    const query = `interval=1m&lookback=1d&window=10&entry=1.5&exit=0.2&fees=2${method}`;
    const {status, doc} = await json(`/api/v1/pairs/BTCUSDT/ETHUSDT/report?${query}`);
    expect(status).toBe(200);
    // The report's window covers every trade (lookback 1d > 40 min): ask for all of it, for both legs alike.
    const bars = async (s: string) =>
      (await json(`/api/v1/bars?symbol=${s}&interval=1m&from=${t0}&to=${t0 + minutesMs(41)}`)).doc.bars as {
        time: number;
        close: number | null;
        count: number;
        gap: number;
      }[];
    const [a, b] = [await bars("BTCUSDT"), await bars("ETHUSDT")];
    // By hand: from the first minute both have traded to the last minute both have, gap minutes left out.
    const traded = (x: typeof a) => [x.find((r) => r.count > 0)!.time, x.findLast((r) => r.count > 0)!.time];
    const lo = Math.max(traded(a)[0], traded(b)[0]),
      hi = Math.min(traded(a)[1], traded(b)[1]);
    const rows = a
      .filter((r, i) => r.time >= lo && r.time <= hi && !r.gap && !b[i].gap)
      .map((r) => [r.time, r.close, b[a.indexOf(r)].close]);
    expect(rows.every(([, x, y]) => x !== null && y !== null)).toBe(true); // every minute has trades of both
    const csv = join(lake, "..", `pair-${process.pid}.csv`);
    await writeFile(csv, `time,BTCUSDT,ETHUSDT\n${rows.map((r) => r.join(",")).join("\n")}\n`);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(
        await analyze.run(["--csv", csv, "--json", "--window", "10", "--entry", "1.5", "--exit", "0.2", "--fee-bps", "2", ...flags]),
      ).toBe(0);
    } finally {
      spy.mockRestore();
      await rm(csv);
    }
    const expected = JSON.parse(out.join(""));
    expect(expected.n).toBe(rows.length);
    expect(expected.hedge.method).toBe(method === "" ? "ols" : method.split("&")[1].slice("method=".length));
    expect(doc).toEqual(expected);
  });

  it("names the parameter of a bad request", async () => {
    for (const [query, parameter] of [
      ["window=1", "window"],
      ["method=magic", "method"],
      ["method=ols&hedge-window=20", "hedge-window"],
      ["method=rolling-ols&delta=0.1", "delta"],
      ["method=kalman&delta=1", "delta"],
      ["method=kalman&ve=0", "ve"],
      ["method=rolling-ols&hedge-window=2", "hedge-window"],
      ["entry=-1", "entry"],
      ["lookback=5m", "lookback"], // too few bars where both traded
    ]) {
      const {status, doc} = await json(`/api/v1/pairs/BTCUSDT/ETHUSDT/report?${query}`);
      expect([status, doc.parameter]).toEqual([400, parameter]);
    }
    expect((await json("/api/v1/pairs/BTCUSDT/XRPUSDT/report")).doc.parameter).toBe("b");
  });
});

describe("GET /api/v1/tests and /correlation", () => {
  it("answers ADF of a symbol and of a spread, Engle-Granger of a pair, Johansen of three legs", async () => {
    const symbol = await json("/api/v1/tests/adf?symbol=BTCUSDT&interval=1m");
    expect(symbol.status).toBe(200);
    expect(symbol.doc).toMatchObject({series: {symbol: "BTCUSDT"}, n: 40});
    const spread = await json("/api/v1/tests/adf?a=BTCUSDT&b=ETHUSDT&interval=1m");
    expect((spread.doc.adf as {pValue: number}).pValue).toBeLessThan((symbol.doc.adf as {pValue: number}).pValue);
    const coint = await json("/api/v1/tests/coint?a=BTCUSDT&b=ETHUSDT&interval=1m");
    expect((coint.doc.coint as {beta: number}).beta).toBeGreaterThan(10); // BTC ≈ 20 × ETH by construction
    const jo = await json("/api/v1/tests/johansen?symbols=BTCUSDT,ETHUSDT,usdm:SOLUSDT&interval=1m");
    expect((jo.doc.johansen as {traceStat: number[]}).traceStat).toHaveLength(3);
    expect((await json("/api/v1/tests/adf?interval=1m")).doc.parameter).toBe("symbol");
    expect((await json("/api/v1/tests/johansen?symbols=BTCUSDT")).doc.parameter).toBe("symbols");
  });

  it("gives the correlation matrix of returns, symmetric with a unit diagonal", async () => {
    const {status, doc} = await json("/api/v1/correlation?symbols=BTCUSDT,ETHUSDT,usdm:SOLUSDT&interval=1m");
    expect(status).toBe(200);
    const m = doc.matrix as number[][];
    for (let i = 0; i < 3; ++i) for (let j = 0; j < 3; ++j) expect(m[i][j]).toBeCloseTo(i === j ? 1 : m[j][i], 12);
    expect(m[0][1]).toBeGreaterThan(0.5);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("documents every route of the table, and each documented parameter is validated as documented", async () => {
    const {routes} = await import("../../serve/routes.js");
    const {doc} = await json("/api/v1/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    const paths = doc.paths as Record<
      string,
      {get: {parameters: {name: string; in: string; required: boolean; schema: {enum?: string[]; minimum?: number}}[]}}
    >;
    expect(Object.keys(paths).sort()).toEqual(routes.map((r) => r.path).sort());
    for (const [path, {get: op}] of Object.entries(paths)) {
      for (const p of op.parameters.filter((p) => p.in === "query")) {
        const url = path.replace("{a}", "BTCUSDT").replace("{b}", "ETHUSDT");
        const bad = p.schema.enum ? "not-a-value" : p.schema.minimum !== undefined ? String(p.schema.minimum - 1) : "%%";
        const r = await json(`${url}?${p.name}=${encodeURIComponent(bad)}`);
        expect([path, p.name, r.status, r.doc.parameter]).toEqual([path, p.name, 400, p.name]);
      }
      const undocumented = await json(`${path.replace("{a}", "BTCUSDT").replace("{b}", "ETHUSDT")}?undocumented=1`);
      expect(undocumented.doc.parameter).toBe("undocumented");
    }
  });

  it("answers an unknown route with 404", async () => {
    expect((await get("/api/v1/nothing")).status).toBe(404);
  });
});

describe("access and caching", () => {
  it("refuses a foreign Host (DNS rebinding) and a foreign Origin, never echoing it", async () => {
    const rebinding = await get("/api/v1/symbols", {host: "evil.example:8788"});
    expect(rebinding.status).toBe(403);
    const foreign = await get("/api/v1/symbols", {origin: "https://evil.example"});
    expect(foreign.status).toBe(403);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    const local = await get("/api/v1/symbols", {origin: "http://localhost:3000"});
    expect(local.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
  });

  it("requires the token when one is set", async () => {
    const guarded = await startServer({lake, host: "127.0.0.1", port: 0, gate: new AccessPolicy({host: "127.0.0.1", token})});
    try {
      expect((await fetch(`${guarded.url}api/v1/symbols`)).status).toBe(401);
      expect((await fetch(`${guarded.url}api/v1/symbols`, {headers: {authorization: `Bearer ${token}`}})).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it("answers a repeated request with If-None-Match 304, and a changed lake with a new ETag", async () => {
    const path = "/api/v1/pairs/BTCUSDT/ETHUSDT/report?interval=1m";
    const first = await get(path);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const again = await get(path, {"if-none-match": etag});
    expect([again.status, again.body.length]).toEqual([304, 0]);
    expect(String((await get(`${path}&window=30`)).headers.etag)).not.toBe(etag);
    await withDuckDB((c) =>
      import("../../lake/gaps.js").then(({writeGap}) =>
        writeGap(c, lake, {
          symbol: "BTCUSDT",
          fromId: 9998,
          toId: 9999,
          fromTime: null,
          toTime: null,
          cause: "test",
          filled: true,
          detectedAt: t0,
        }),
      ),
    );
    expect((await get(path, {"if-none-match": etag})).status).toBe(200);
  });

  it("serves the site with clean URLs and content types, and refuses paths out of it", async () => {
    expect((await get("/")).body.toString()).toBe("<h1>home</h1>");
    const pair = await get("/pairs/BTCUSDT-ETHUSDT");
    expect([pair.status, pair.headers["content-type"], pair.body.toString()]).toEqual([200, "text/html; charset=utf-8", "<h1>pair</h1>"]);
    expect((await get("/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    for (const path of [
      "/../pairbook-secret.txt",
      "/%2e%2e/pairbook-secret.txt",
      "/pairs/..%2f..%2fpairbook-secret.txt",
      "/%2e%2e%5cpairbook-secret.txt",
    ])
      expect((await get(path)).status, path).toBe(404);
  });
});
