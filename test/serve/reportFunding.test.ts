// The report route on a basis pair (BTCUSDT and usdm:BTCUSDT, ./serveLake.ts basisLake) with the
// perpetual's funding events in the lake (lake/funding.ts writeFunding): its backtest charges them as
// `pairbook analyze --json --funding-a/--funding-b` charges the same rates on the same rows, shows the
// funding paid as its own line, marks an event at the lake's mark price when it has one, and a
// changed funding table is a new answer (not the cached one).
import {rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {analyze} from "../../cli/commands/analyze.js";
import {withDuckDB} from "../../lake/duckdb.js";
import {type FundingRecord, writeFunding} from "../../lake/funding.js";
import {AccessPolicy} from "../../recorder/access.js";
import {startServer, type RunningServer} from "../../serve/server.js";
import {openChannel} from "./liveChannelClient.js";
import {basisLake, t0} from "./serveLake.js";

let lake: string, server: RunningServer;
const minute = 60_000;
/** Ten funding times inside the lake's 40 minutes, each charged on the 1-minute bar opening 30 s after it. */
const events = Array.from({length: 10}, (_, k) => ({time: t0 + (4 * k + 2.5) * minute, rate: (k % 3 === 2 ? -1 : 1) * (1 + k) * 1e-4}));
const perp = "usdm:BTCUSDT";

beforeAll(async () => {
  lake = await basisLake();
  const archive: FundingRecord[] = events.map((e) => ({fundingTime: e.time, rate: e.rate, markPrice: null, source: "archive"}));
  await withDuckDB((c) => writeFunding(c, lake, perp, archive));
  server = await startServer({
    lake,
    host: "127.0.0.1",
    port: 0,
    gate: new AccessPolicy({host: "127.0.0.1"}),
    fingerprintTtlMs: 0,
    liveUrl: "ws://127.0.0.1:1", // no recorder: the channel's rows are the seed's
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await rm(lake, {recursive: true, force: true});
});

const getJson = async (path: string) => {
  const res = await fetch(`${server.url}${path.slice(1)}`);
  return {status: res.status, doc: (await res.json()) as Record<string, unknown>};
};

/** The pair's rows by hand: every minute from the first both legs traded to the last, as [time, closeA, closeB]. */
async function rowsOf(a: string, b: string): Promise<[number, number, number][]> {
  const bars = async (s: string) =>
    (await getJson(`/api/v1/bars?symbol=${s}&interval=1m&from=${t0}&to=${t0 + 41 * minute}`)).doc.bars as {
      time: number;
      close: number | null;
      count: number;
    }[];
  const [x, y] = [await bars(a), await bars(b)];
  const lo = Math.max(...[x, y].map((l) => l.find((r) => r.count > 0)!.time)),
    hi = Math.min(...[x, y].map((l) => l.findLast((r) => r.count > 0)!.time));
  return x.filter((r) => r.time >= lo && r.time <= hi).map((r) => [r.time, r.close!, y.find((q) => q.time === r.time)!.close!]);
}

/** The row each event is charged on by hand: the first bar opening at or after its time. */
const chargedRow = (rows: readonly [number, number, number][], time: number) => rows.findIndex(([t]) => t >= time);

/** `pairbook analyze --json` on a CSV of `rows` with the events' rates in a funding column on their rows. */
async function analyzeJson(rows: readonly [number, number, number][], [a, b]: [string, string], flags: string[]) {
  const rates = new Map(events.map((e) => [chargedRow(rows, e.time), e.rate]));
  expect(rates.size).toBe(events.length); // one event a row, none before the first row
  expect(Math.min(...rates.keys())).toBeGreaterThan(0);
  const csv = join(lake, "..", `basis-${process.pid}.csv`);
  await writeFile(csv, `time,${a},${b},funding\n${rows.map((r, i) => [...r, rates.get(i) ?? ""].join(",")).join("\n")}\n`);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    const fundingFlag = a === perp ? "--funding-a" : "--funding-b";
    expect(await analyze.run(["--csv", csv, "--json", fundingFlag, "funding", ...flags])).toBe(0);
  } finally {
    spy.mockRestore();
    await rm(csv);
  }
  return JSON.parse(out.join("")) as Record<string, unknown>;
}

type Funded = {backtestStats: {funding?: {paid: number; pnlBeforeFunding: number; netPnl: number}}};
const rule = "window=5&entry=1&exit=0&fees=2";
const ruleFlags = ["--window", "5", "--entry", "1", "--exit", "0", "--fee-bps", "2"];

describe("GET /api/v1/pairs/{a}/{b}/report on a perpetual leg with funding", () => {
  it.each([
    ["usdm:BTCUSDT on BTCUSDT", [perp, "BTCUSDT"], "", []],
    ["BTCUSDT on usdm:BTCUSDT", ["BTCUSDT", perp], "", []],
    [
      "usdm:BTCUSDT on BTCUSDT, method=kalman",
      [perp, "BTCUSDT"],
      "&method=kalman&delta=0.001&ve=0.01",
      ["--method", "kalman", "--delta", "0.001", "--ve", "0.01"],
    ],
  ] as [string, [string, string], string, string[]][])(
    "%s equals pairbook analyze --json with the same funding rates, funding paid its own line",
    async (_, [a, b], method, flags) => {
      const {status, doc} = await getJson(`/api/v1/pairs/${a}/${b}/report?interval=1m&lookback=1d&${rule}${method}`);
      expect(status).toBe(200);
      const rows = await rowsOf(a, b);
      const expected = await analyzeJson(rows, [a, b], [...ruleFlags, ...flags]);
      expect(expected.n).toBe(rows.length);
      expect(doc).toEqual(expected);
      const funding = (doc as Funded).backtestStats.funding!;
      expect(funding.paid).not.toBe(0); // positions were held at some funding times
      expect(funding.netPnl).toBeCloseTo(funding.pnlBeforeFunding - funding.paid, 9);
    },
  );

  it("marks an event at the lake's mark price: marks twice the previous close double the funding paid, and the answer is not the cached one", async () => {
    const path = `/api/v1/pairs/${perp}/BTCUSDT/report?interval=1m&lookback=1d&${rule}`;
    const before = ((await getJson(path)).doc as Funded).backtestStats.funding!;
    const rows = await rowsOf(perp, "BTCUSDT");
    // REST records of the same funding times replace the archive ones (lake/funding.ts mergeFunding), with a mark.
    const rest: FundingRecord[] = events.map((e) => ({
      fundingTime: e.time,
      rate: e.rate,
      markPrice: 2 * rows[chargedRow(rows, e.time) - 1][1],
      source: "rest",
    }));
    await withDuckDB((c) => writeFunding(c, lake, perp, rest));
    const after = ((await getJson(path)).doc as Funded).backtestStats.funding!;
    // Funding paid is Σ position × mark × rate: linear in the marks; the PnL before funding does not move.
    expect(after.paid).toBeCloseTo(2 * before.paid, 9);
    expect(after.pnlBeforeFunding).toBeCloseTo(before.pnlBeforeFunding, 9);
  });

  it("seeds a live channel subscription of the basis pair with the report's rows (funding moves no pushed column)", async () => {
    const c = await openChannel(`${server.url.replace(/^http/, "ws")}api/v1/live`);
    try {
      c.send({
        type: "subscribe",
        id: "basis",
        a: perp,
        b: "BTCUSDT",
        interval: "1m",
        lookback: "1d",
        window: 5,
        entry: 1,
        exit: 0,
        fees: 2,
      });
      const snapshot = await c.next((m) => m.type === "snapshot" && m.id === "basis");
      const {doc} = await getJson(`/api/v1/pairs/${perp}/BTCUSDT/report?interval=1m&lookback=1d&${rule}`);
      const report = doc as {n: number; zscore: {last: number}; backtest: {trades: number}};
      const rows = snapshot.rows!;
      expect([rows.length, rows.at(-1)!.z]).toEqual([report.n, report.zscore.last]);
      // Entries by hand from the pushed positions: a flat row followed by a held one, or a flip of side.
      const entries = rows.filter(
        (r, i) => r.position !== 0 && (i === 0 || Math.sign(r.position) !== Math.sign(rows[i - 1].position)),
      ).length;
      expect(entries).toBe(report.backtest.trades);
    } finally {
      c.socket.terminate();
    }
  });
});
