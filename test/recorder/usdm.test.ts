// USD-M perpetuals recorded beside spot, against the simulator's fapi and /market side: every fault
// kind on the futures streams and REST, and kill -9, end with every aggregate id exactly once in
// ticks/market=usdm (exchange-side holes excepted, recorded unfilled), spot untouched beside it.
import {type ChildProcess, spawn} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createInterface} from "node:readline";
import {afterEach, describe, expect, it, vi} from "vitest";
import {recordArgv} from "../../cli/recordArgv.js";
import {withDuckDB} from "../../lake/duckdb.js";
import {readFunding} from "../../lake/funding.js";
import {gapsGlob, ticksGlob} from "../../lake/layout.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import type {FaultKind, FaultOptions} from "../../simulator/index.js";

const symbols = ["BTCUSDT", "usdm:BTCUSDT", "usdm:ETHUSDT"];
const perps = ["BTCUSDT", "ETHUSDT"];
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined;
const logs: string[] = [];

afterEach(async () => {
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
  ((simulator = undefined), (recorder = undefined), (lake = undefined), (logs.length = 0));
});

async function startSim(seed: number): Promise<Simulator> {
  return startSimulator({port: 0, symbols: perps, rate: 100, seed, usdm: {symbols: perps, rate: 150}});
}

/** Waits until every symbol has stored `n` more trades than now and no hole is being backfilled. */
async function stored(n: number) {
  const target = Object.fromEntries(Object.entries(recorder!.health().symbols).map(([k, s]) => [k, s.trades + n]));
  await vi.waitFor(
    () => {
      for (const [k, s] of Object.entries(recorder!.health().symbols))
        if (s.trades < target[k] || s.openGap) throw new Error(`waiting for ${k}`);
    },
    {timeout: 30_000, interval: 50},
  );
}

/** Aggregate ids (or spot trade ids) stored for `symbol`, and the market's gap records. */
async function lakeContents(dir: string) {
  return withDuckDB(async (c) => {
    const ids = new Map<string, number[]>();
    for (const symbol of symbols) {
      const rows = (
        await c.runAndReadAll(`SELECT trade_id::DOUBLE FROM read_parquet($glob) ORDER BY trade_id`, {glob: ticksGlob(dir, symbol)})
      ).getRows();
      ids.set(
        symbol,
        rows.map((r) => r[0] as number),
      );
    }
    const ranges = (
      await c.runAndReadAll(
        `SELECT count(*)::DOUBLE, count(*) FILTER (WHERE first_trade_id IS NULL OR last_trade_id < first_trade_id)::DOUBLE FROM read_parquet($glob)`,
        {glob: ticksGlob(dir, "usdm:BTCUSDT")},
      )
    ).getRows()[0] as [number, number];
    const gaps = (
      await c
        .runAndReadAll(
          `SELECT symbol, from_id::DOUBLE AS from_id, to_id::DOUBLE AS to_id, cause, filled FROM read_parquet($glob) ORDER BY symbol, from_id`,
          {
            glob: gapsGlob(dir, "usdm"),
          },
        )
        .catch(() => null)
    )?.getRowObjectsJS();
    return {ids, ranges, gaps: gaps ?? []};
  });
}

/** Every aggregate id from the first to the last the simulator sent, minus `holes`, exactly once. */
function expectComplete(ids: Map<string, number[]>, sim: Simulator, holes: Record<string, number[]> = {}) {
  const sent = {...sim.sent(), ...Object.fromEntries(Object.entries(sim.usdm!.sent()).map(([k, v]) => [`usdm:${k}`, v]))};
  for (const symbol of symbols) {
    const {first, last} = sent[symbol];
    const skip = new Set(holes[symbol] ?? []),
      expected: number[] = [];
    for (let id = first; id <= last; ++id) if (!skip.has(id)) expected.push(id);
    expect({symbol, ids: ids.get(symbol)}).toEqual({symbol, ids: expected});
  }
}

const faults: [FaultKind, FaultOptions[FaultKind], (gaps: Record<string, unknown>[], fault: {ids?: number[]}) => void][] = [
  ["disconnect", {}, (gaps) => expect(gaps.every((g) => g.filled === true && g.cause === "reconnect")).toBe(true)],
  ["stall", {ms: 4000}, (gaps) => expect(gaps.every((g) => g.filled === true)).toBe(true)],
  [
    "gap",
    {symbol: "ETHUSDT", count: 7},
    (gaps, f) => expect(gaps).toEqual([{symbol: "ETHUSDT", from_id: f.ids![0], to_id: f.ids![6], cause: "stream", filled: true}]),
  ],
  [
    "hole",
    {symbol: "BTCUSDT", count: 4},
    (gaps, f) => expect(gaps).toEqual([{symbol: "BTCUSDT", from_id: f.ids![0], to_id: f.ids![3], cause: "stream", filled: false}]),
  ],
  ["duplicate", {symbol: "BTCUSDT", count: 9}, (gaps) => expect(gaps).toEqual([])],
  ["malformed", {symbol: "BTCUSDT"}, (gaps) => expect(gaps).toEqual([])],
  ["rotate", {}, (gaps) => expect(gaps.every((g) => g.filled === true)).toBe(true)],
  ["shutdown", {graceMs: 1500}, (gaps) => expect(gaps).toEqual([])],
  ["throttle", {count: 2, status: 429, retryAfterSeconds: 1}, (gaps) => expect(gaps).toEqual([])],
];

describe("USD-M recorded beside spot", () => {
  it.each(faults)(
    "%s on the futures side: every aggregate id exactly once, first/last trade ids kept",
    async (kind, options, checkGaps) => {
      lake = await mkdtemp(join(tmpdir(), "pairbook-usdm-"));
      simulator = await startSim(21);
      recorder = await startRecorder({
        symbols,
        lake,
        wsUrl: simulator.wsUrl,
        restUrl: simulator.restUrl,
        usdmWsUrl: simulator.wsUrl,
        usdmRestUrl: simulator.restUrl,
        liveHost: "127.0.0.1",
        livePort: 0,
        publishMs: 300,
        silenceMs: 1500,
        log: (line) => logs.push(line),
      });
      await stored(30);
      const fault = simulator.usdm!.inject(kind, options) as {ids?: number[]};
      // A throttle only bites a backfill: open a hole for it to delay.
      const gap = kind === "throttle" ? simulator.usdm!.inject("gap", {symbol: "BTCUSDT", count: 5}) : undefined;
      await stored(80);
      await simulator.close();
      await recorder.stop();
      recorder = undefined;
      const {ids, ranges, gaps} = await lakeContents(lake);
      expectComplete(ids, simulator, kind === "hole" ? {"usdm:BTCUSDT": fault.ids!} : {});
      expect(ranges[0]).toBeGreaterThan(50);
      expect(ranges[1]).toBe(0); // every aggregate stored with its trade-id range
      if (gap) expect(gaps).toEqual([{symbol: "BTCUSDT", from_id: gap.ids[0], to_id: gap.ids[4], cause: "stream", filled: true}]);
      else checkGaps(gaps, fault);
    },
  );

  it("funding: the settled history at start, then each funding time as it passes, as the fapi serves them", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-usdm-funding-"));
    simulator = await startSimulator({
      port: 0,
      symbols: perps,
      rate: 50,
      seed: 29,
      usdm: {symbols: perps, rate: 50, fundingIntervalMs: 1000},
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 2500)); // simulated funding before the recorder starts: its history
    recorder = await startRecorder({
      symbols: ["usdm:BTCUSDT"],
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      usdmWsUrl: simulator.wsUrl,
      usdmRestUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 300,
      log: (line) => logs.push(line),
    });
    const dir = lake;
    const stored = () => withDuckDB((c) => readFunding(c, dir, "usdm:BTCUSDT"));
    // Four funding times after the start, each settled from REST (the stream's estimate replaced).
    const started = Date.now();
    await vi.waitFor(
      async () => {
        const rows = await stored();
        if (rows.filter((r) => r.fundingTime > started && r.source === "rest").length < 4)
          throw new Error(`waiting for funding: ${JSON.stringify(rows.slice(-3))} ${logs.slice(-5).join(" / ")}`);
      },
      {timeout: 40_000, interval: 200},
    );
    await recorder.stop();
    recorder = undefined;
    const rows = await stored();
    const served = (await (await fetch(`${simulator.restUrl}/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1000`)).json()) as {
      fundingTime: number;
      fundingRate: string;
      markPrice: string;
    }[];
    const settled = rows.filter((r) => r.source === "rest");
    expect(settled.some((r) => r.fundingTime < started)).toBe(true); // the history before the recorder started
    expect(settled.map((r) => [r.fundingTime, r.rate, r.markPrice])).toEqual(
      served
        .filter((f) => f.fundingTime <= settled[settled.length - 1].fundingTime)
        .map((f) => [f.fundingTime, Number(f.fundingRate), Number(f.markPrice)]),
    );
    expect(new Set(rows.map((r) => r.fundingTime)).size).toBe(rows.length); // one row per funding time
  }, 60_000);

  it("kill -9 while recording spot and perpetuals: the restart resumes both, every id exactly once", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-usdm-crash-"));
    simulator = await startSim(23);
    const sim = simulator;
    const record = async (trades: number): Promise<ChildProcess> => {
      const args = recordArgv({
        symbols,
        lake: lake!,
        wsUrl: sim.wsUrl,
        restUrl: sim.restUrl,
        usdmWsUrl: sim.wsUrl,
        usdmRestUrl: sim.restUrl,
        publishInterval: 0.3,
        alerts: false,
      });
      const child = spawn(process.execPath, ["cli/pairbook.js", ...args], {stdio: ["ignore", "pipe", "inherit"]});
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({input: child.stdout}).on("line", (line) => {
          const match = /live feed ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
          if (match) resolve(Number(match[1]));
        });
        child.on("exit", (code) => reject(new Error(`record exited with ${code}`)));
      });
      await vi.waitFor(
        async () => {
          const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
            symbols: Record<string, {trades: number; openGap: unknown}>;
          };
          if (!symbols.every((s) => health.symbols[s]?.trades >= trades && health.symbols[s].openGap === null)) throw new Error("waiting");
        },
        {timeout: 30_000, interval: 50},
      );
      return child;
    };
    const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (const trades of [1, 60]) {
      const child = await record(trades);
      child.kill("SIGKILL");
      await exited(child);
    }
    const last = await record(80);
    await sim.close();
    last.kill("SIGTERM");
    expect(await exited(last)).toBe(0);
    const {ids} = await lakeContents(lake);
    expectComplete(ids, sim);
  });
});
