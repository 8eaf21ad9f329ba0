// The recorder against the fault-injecting simulator over loopback: each fault ends with every id
// exactly once in the lake (exchange-side holes excepted) and the gaps table saying what happened.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it, vi} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readGaps} from "../../lake/gaps.js";
import {gapsGlob} from "../../lake/layout.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, type SimulatorOptions, startSimulator} from "../../simulator/index.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined;
const logs: string[] = [];

afterEach(async () => {
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
  ((simulator = undefined), (recorder = undefined), (lake = undefined), (logs.length = 0));
});

async function start(
  options: Partial<SimulatorOptions> = {},
  recorderOptions: {silenceMs?: number; maxConnectionAgeMs?: number; maxQueued?: number} = {},
) {
  lake = await mkdtemp(join(tmpdir(), "pairbook-faults-"));
  simulator = await startSimulator({port: 0, symbols, rate: 150, seed: 5, ...options});
  recorder = await startRecorder({
    symbols,
    lake,
    wsUrl: simulator.wsUrl,
    restUrl: simulator.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 300,
    silenceMs: 1500,
    ...recorderOptions,
    log: (line) => logs.push(line),
  });
  await stored(30);
  return {simulator, recorder};
}

/** Waits until every symbol has stored `n` more trades than now and no hole is being backfilled. */
async function stored(n: number) {
  const target = Object.fromEntries(Object.entries(recorder!.health().symbols).map(([k, s]) => [k, s.trades + n]));
  await vi.waitFor(
    () => {
      const h = recorder!.health();
      for (const [k, s] of Object.entries(h.symbols)) {
        if (s.trades < target[k] || s.openGap) throw new Error(`waiting for ${k}`);
      }
    },
    {timeout: 20_000, interval: 50},
  );
}

/** Stops the source, then the recorder, and reads back what the lake holds. */
async function finish() {
  await simulator!.close();
  const sent = simulator!.sent();
  await recorder!.stop();
  recorder = undefined;
  return withDuckDB(async (c) => {
    const ids = new Map<string, number[]>();
    for (const symbol of symbols) {
      const rows = (
        await c.runAndReadAll(`SELECT trade_id::DOUBLE FROM read_parquet($glob) ORDER BY trade_id`, {
          glob: join(lake!, "ticks", "market=spot", `symbol=${symbol}`, "*", "*.parquet"),
        })
      ).getRows();
      ids.set(
        symbol,
        rows.map((r) => r[0] as number),
      );
    }
    let gaps: Record<string, unknown>[] = [];
    try {
      gaps = (
        await c.runAndReadAll(
          `SELECT symbol, from_id::DOUBLE AS from_id, to_id::DOUBLE AS to_id, cause, filled FROM read_parquet($glob) ORDER BY symbol, from_id, detected_at`,
          {glob: gapsGlob(lake!)},
        )
      ).getRowObjectsJS();
    } catch {
      // no gap files
    }
    return {sent, ids, gaps};
  });
}

/** Every id from the first to the last sent, minus `holes`, exactly once. */
function expectComplete(result: Awaited<ReturnType<typeof finish>>, holes: number[] = []) {
  const skip = new Set(holes);
  for (const symbol of symbols) {
    const {first, last} = result.sent[symbol];
    const expected: number[] = [];
    for (let id = first; id <= last; ++id) if (!skip.has(id)) expected.push(id);
    const got = result.ids.get(symbol)!;
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
  }
}

describe("recorder under faults", () => {
  it("disconnect mid-stream: reconnects and backfills the hole (gap cause reconnect, filled)", async () => {
    await start();
    simulator!.inject("disconnect");
    await stored(60);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps.every((g) => g.filled === true && g.cause === "reconnect")).toBe(true);
    expect(logs.some((l) => /stream reconnecting/.test(l))).toBe(true);
  });

  it("stall: the silence watchdog replaces the socket, then the hole is backfilled", async () => {
    await start();
    simulator!.inject("stall", {ms: 4000});
    await stored(100);
    const result = await finish();
    expectComplete(result);
    expect(logs.some((l) => /no data for 1\.5 s/.test(l))).toBe(true);
    expect(result.gaps.length).toBeGreaterThan(0);
    expect(result.gaps.every((g) => g.filled === true)).toBe(true);
  });

  it("gap in the stream: backfilled from historicalTrades (cause stream, filled)", async () => {
    await start();
    const fault = simulator!.inject("gap", {symbol: "ETHUSDT", count: 7});
    await stored(40);
    const result = await finish();
    expectComplete(result);
    expect(fault.ids).toHaveLength(7);
    expect(result.gaps).toEqual([{symbol: "ETHUSDT", from_id: fault.ids[0], to_id: fault.ids[6], cause: "stream", filled: true}]);
  });

  it("exchange-side hole: recorded as unfilled with its exact ids, nothing invented", async () => {
    await start();
    const fault = simulator!.inject("hole", {symbol: "BTCUSDT", count: 4});
    await stored(40);
    const result = await finish();
    expect(fault.ids).toHaveLength(4);
    expectComplete(result, fault.ids);
    expect(result.gaps).toEqual([{symbol: "BTCUSDT", from_id: fault.ids[0], to_id: fault.ids[3], cause: "stream", filled: false}]);
  });

  it("duplicates: dropped by id", async () => {
    await start();
    const fault = simulator!.inject("duplicate", {symbol: "BTCUSDT", count: 9});
    await stored(30);
    expect(recorder!.health().symbols.BTCUSDT.duplicates).toBe(fault.ids.length);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps).toEqual([]);
  });

  it("malformed frames: each counted as rejected, none stored, no crash", async () => {
    await start();
    const fault = simulator!.inject("malformed", {symbol: "BTCUSDT"});
    await stored(30);
    expect(recorder!.health().rejectedFrames).toBe(fault.messages.length * fault.clients);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps).toEqual([]);
  });

  it("server-side rotation (connection closed at its age limit): reconnect and backfill", async () => {
    await start();
    simulator!.inject("rotate");
    await stored(60);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps.every((g) => g.filled === true)).toBe(true);
  });

  it("serverShutdown: a successor connection opens before the old one closes, so no hole at all", async () => {
    await start();
    simulator!.inject("shutdown", {graceMs: 1500});
    await stored(60);
    expect(logs.some((l) => /rotating: server announced shutdown/.test(l))).toBe(true);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps).toEqual([]);
  });

  it("our own rotation before the 24 h limit overlaps connections: no hole, no duplicate stored", async () => {
    await start({}, {maxConnectionAgeMs: 1200});
    await stored(300); // two seconds at 150/s: at least one rotation
    expect(logs.filter((l) => /rotating: connection nearly 24 h old/.test(l)).length).toBeGreaterThan(0);
    const result = await finish();
    expectComplete(result);
    expect(result.gaps).toEqual([]);
  });

  it("HTTP 429 during a backfill: waits Retry-After, then fills the hole", async () => {
    await start();
    const throttle = simulator!.inject("throttle", {count: 2, status: 429, retryAfterSeconds: 1});
    const gap = simulator!.inject("gap", {symbol: "BTCUSDT", count: 5});
    const before = Date.now();
    await stored(40);
    const result = await finish();
    expectComplete(result);
    expect(throttle.refused).toBe(2);
    expect(Date.now() - before).toBeGreaterThan(1000);
    expect(result.gaps).toEqual([{symbol: "BTCUSDT", from_id: gap.ids[0], to_id: gap.ids[4], cause: "stream", filled: true}]);
  });

  it("a backfill the live stream outruns (REST throttled, queue past maxQueued): the rest of the hole is refilled in the background", async () => {
    await start({}, {maxQueued: 20});
    const throttle = simulator!.inject("throttle", {count: 2, status: 429, retryAfterSeconds: 2});
    const gap = simulator!.inject("gap", {symbol: "BTCUSDT", count: 40});
    // While REST waits out Retry-After, more than 20 live trades queue up: the hole is deferred at once
    // (its first page never came), the live trades are released, and the refill fills it after the wait.
    await vi.waitFor(
      () => expect(logs.some((l) => /BTCUSDT: ids .* refilled in the background .*backfilled from REST/.test(l))).toBe(true),
      {
        timeout: 20_000,
        interval: 50,
      },
    );
    await stored(20);
    const result = await finish();
    expectComplete(result);
    expect(throttle.refused).toBe(2);
    const btc = result.gaps.filter((g) => g.symbol === "BTCUSDT");
    expect(btc[0]).toEqual({
      symbol: "BTCUSDT",
      from_id: gap.ids[0],
      to_id: gap.ids[39],
      cause: "stream; backfill deferred: the live stream outran REST",
      filled: false,
    });
    expect(btc.slice(1)).toEqual([
      {symbol: "BTCUSDT", from_id: gap.ids[0], to_id: gap.ids[39], cause: "deferred hole refilled", filled: true},
    ]);
    // Readers see the lake as it stands: nothing of the hole is missing any more.
    const settled = await withDuckDB((c) => readGaps(c, lake!));
    expect(settled.filter((g) => !g.filled)).toEqual([]);
  }, 40_000);
});
