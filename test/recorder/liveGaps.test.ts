// Unfilled gaps on the live feed: a real recorder fed by the simulator tells the live clients of a
// symbol about each unfilled gap it records (an exchange-side hole during the run), and a client that
// subscribes later gets them with its snapshot — after a restart, among them the restart's hole from
// the last stored trade to the first new one. The times are checked against the lake's own ticks.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob} from "../../lake/layout.js";
import {lastStoredTrades} from "../../lake/storedNeighbours.js";
import {TradeHistoryClient} from "../../recorder/binance/rest.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
  ((simulator = undefined), (recorder = undefined), (lake = undefined));
});

interface Message {
  type: string;
  symbol?: string;
  from?: number | null;
  to?: number | null;
  gaps?: {from: number | null; to: number | null}[];
}

/** A live-feed client subscribed to `subscribe` (1 s bars), keeping every message. */
async function client(port: number, subscribe: string[]) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  sockets.push(socket);
  const messages: Message[] = [];
  socket.on("message", (data) => void messages.push(JSON.parse(data.toString()) as Message));
  await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
  socket.send(JSON.stringify({type: "subscribe", symbols: subscribe, interval: "1s"}));
  await vi.waitFor(() => expect(messages.filter((m) => m.type === "snapshot")).toHaveLength(subscribe.length), {
    timeout: 10_000,
    interval: 20,
  });
  return {
    messages,
    gapMessages: (symbol: string) => messages.filter((m) => m.type === "gap" && m.symbol === symbol).map(({from, to}) => ({from, to})),
    snapshotGaps: (symbol: string) => messages.find((m) => m.type === "snapshot" && m.symbol === symbol)!.gaps,
  };
}

const record = () =>
  startRecorder({
    symbols,
    lake: lake!,
    wsUrl: simulator!.wsUrl,
    restUrl: simulator!.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 300,
    log: () => {},
  });

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

/** The times of the stored trades either side of ids [fromId, toId] of `symbol`, from the lake's ticks. */
function around(symbol: string, fromId: number, toId: number) {
  return withDuckDB(async (c) => {
    const ticks = quotedString(join(lake!, "ticks", "*", "*", "*", "*.parquet"));
    const [row] = (
      await c.runAndReadAll(
        `SELECT
        (SELECT arg_max(epoch_ms("time"), trade_id) FROM read_parquet(${ticks}, hive_partitioning = true) WHERE symbol = $s AND trade_id < $a)::DOUBLE,
        (SELECT arg_min(epoch_ms("time"), trade_id) FROM read_parquet(${ticks}, hive_partitioning = true) WHERE symbol = $s AND trade_id > $b)::DOUBLE`,
        {s: symbol, a: fromId, b: toId},
      )
    ).getRows();
    return {from: row[0] as number, to: row[1] as number};
  });
}

/** Unfilled gap records of `symbol` in the lake: ids, times, cause. */
function unfilledRecords(symbol: string) {
  return withDuckDB(
    async (c) =>
      (
        await c.runAndReadAll(
          `SELECT from_id::DOUBLE AS fromId, to_id::DOUBLE AS toId, epoch_ms(from_time)::DOUBLE AS "from", epoch_ms(to_time)::DOUBLE AS "to", cause
    FROM read_parquet(${quotedString(gapsGlob(lake!))}) WHERE symbol = $s AND NOT filled ORDER BY from_id`,
          {s: symbol},
        )
      ).getRowObjectsJS() as {fromId: number; toId: number; from: number; to: number; cause: string}[],
  );
}

describe("LiveHub gap messages from a real recorder", () => {
  it("an unfilled gap recorded during the run reaches the symbol's subscribers at once, and later clients with their snapshot", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-livegaps-"));
    simulator = await startSimulator({port: 0, symbols, rate: 150, seed: 7});
    recorder = await record();
    await stored(30);
    const btc = await client(recorder.livePort, ["BTCUSDT"]),
      eth = await client(recorder.livePort, ["ETHUSDT"]);
    expect(btc.snapshotGaps("BTCUSDT")).toEqual([]);

    const hole = simulator.inject("hole", {symbol: "BTCUSDT", count: 5});
    await vi.waitFor(() => expect(btc.gapMessages("BTCUSDT")).toHaveLength(1), {timeout: 20_000, interval: 20});
    await stored(30);
    const later = await client(recorder.livePort, ["ETHUSDT", "BTCUSDT"]);
    const [sent] = btc.gapMessages("BTCUSDT");
    expect(later.snapshotGaps("BTCUSDT")).toEqual([sent]);
    expect(later.snapshotGaps("ETHUSDT")).toEqual([]);
    expect(eth.gapMessages("BTCUSDT")).toEqual([]); // not subscribed to BTCUSDT: not told

    await simulator.close();
    await recorder.stop();
    recorder = undefined;
    // The range is the one the lake's gap record holds, and the times of the stored trades either side of the hole's ids.
    expect(await unfilledRecords("BTCUSDT")).toEqual([
      {fromId: hole.ids[0], toId: hole.ids[4], from: sent.from, to: sent.to, cause: "stream"},
    ]);
    expect(sent).toEqual(await around("BTCUSDT", hole.ids[0], hole.ids[4]));
    expect(sent.to! - sent.from!).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("after a restart past what the exchange still has, the restart's hole (last stored trade → first new one) comes with the snapshot and live", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-livegaps-"));
    simulator = await startSimulator({port: 0, symbols, rate: 150, seed: 8, historyCapacity: 200});
    recorder = await record();
    await stored(100);
    await recorder.stop();
    const before = await lastStoredTrades(lake, ["BTCUSDT"]);
    const last = before.get("BTCUSDT")!;
    // Wait until the exchange's REST history no longer holds the ids after the last stored one.
    const rest = new TradeHistoryClient(simulator.restUrl);
    await vi.waitFor(
      async () => {
        const page = await rest.historicalTrades("BTCUSDT", last.id);
        if (page.length === 0 || page[0].id <= last.id + 1) throw new Error("the simulator still has those ids");
      },
      {timeout: 30_000, interval: 100},
    );

    recorder = await record();
    const port = recorder.livePort;
    const early = await client(port, ["BTCUSDT"]); // connected while the hole is being found: told live (or in its snapshot)
    await vi.waitFor(() => expect(recorder!.health().symbols.BTCUSDT.gapsUnfilled).toBeGreaterThanOrEqual(1), {
      timeout: 30_000,
      interval: 50,
    });
    await stored(50);
    const late = await client(port, ["BTCUSDT"]);
    const gaps = late.snapshotGaps("BTCUSDT")!;
    await vi.waitFor(() => expect([...early.snapshotGaps("BTCUSDT")!, ...early.gapMessages("BTCUSDT")]).toEqual(gaps), {
      timeout: 10_000,
      interval: 20,
    });

    await simulator.close();
    await recorder.stop();
    recorder = undefined;
    const records = await unfilledRecords("BTCUSDT");
    const restart = records.find((r) => r.cause.startsWith("restart"))!;
    expect(restart).toBeDefined();
    expect(restart.fromId).toBe(last.id + 1);
    // The hole runs from the last trade stored before the restart to the first trade stored after it.
    const expected = {from: last.time, to: (await around("BTCUSDT", restart.fromId, restart.toId)).to};
    expect(gaps).toContainEqual(expected);
    // And the snapshot lists exactly this run's unfilled gaps, as stored.
    expect(gaps).toEqual(records.map(({from, to}) => ({from, to})));
  }, 90_000);
});
