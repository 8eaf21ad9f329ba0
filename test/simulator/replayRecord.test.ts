// The real Binance spot capture, replayed through our Binance-compatible server and recorded by
// the real recorder, comes out of the lake identical to the capture (ids, prices, quantities, times).
import {existsSync, readFileSync} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {gunzipSync} from "node:zlib";
import {describe, expect, it, vi} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {parseFrameJson} from "../../recorder/binance/messages.js";
import {startRecorder} from "../../recorder/recorder.js";
import {readCaptures} from "../../simulator/replay/capture.js";
import {ReplaySource} from "../../simulator/replay/replaySource.js";
import {startSimulator} from "../../simulator/server.js";
import type {LakeTrade as Trade} from "../../lake/wal.js";

const spot = "../shared/data/real/hftbacktest-binance-ws/spot";
const files = ["btcusdt_20240808.gz", "btcusdt_20240809.gz", "ethusdt_20240808.gz", "ethusdt_20240809.gz"].map((f) => join(spot, f));
const symbols = ["BTCUSDT", "ETHUSDT"];

/** The capture's trades, read straight from the raw lines (not through the replay code). */
function captured(): Map<string, Trade[]> {
  const out = new Map(symbols.map((s) => [s, [] as Trade[]]));
  for (const file of files) {
    for (const line of gunzipSync(readFileSync(file)).toString().split("\n")) {
      if (!line.includes("@trade")) continue;
      const event = parseFrameJson(line.slice(line.indexOf(" ") + 1), new Set(symbols), Date.now());
      // The lake keeps the stream's event time E too; the receive time is this machine's, not the capture's.
      if (event.type === "trade") out.get(event.symbol)!.push({...event.trade, receiveTime: undefined});
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.id - b.id);
  return out;
}

describe.skipIf(!files.every(existsSync))("replay → record of the real spot capture", () => {
  it("stores exactly the captured trades", async () => {
    const expected = captured();
    const lake = await mkdtemp(join(tmpdir(), "pairbook-replay-"));
    const {trades} = await readCaptures(files);
    const simulator = await startSimulator({port: 0, source: new ReplaySource(trades, {speed: "max"})});
    const recorder = await startRecorder({
      symbols,
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 500,
      log: () => {},
    });
    try {
      await vi.waitFor(
        () => {
          const h = recorder.health();
          for (const symbol of symbols) if (h.symbols[symbol].lastId !== expected.get(symbol)!.at(-1)!.id) throw new Error("replaying");
        },
        {timeout: 30_000, interval: 100},
      );
    } finally {
      await simulator.close();
      await recorder.stop();
    }
    const stored = await withDuckDB(async (c) => {
      const out = new Map<string, Trade[]>();
      for (const symbol of symbols) {
        const rows = (
          await c.runAndReadAll(
            `SELECT trade_id::DOUBLE, epoch_ms(time)::DOUBLE, price, qty, is_buyer_maker, epoch_ms(event_time)::DOUBLE FROM read_parquet($glob) ORDER BY trade_id`,
            {glob: join(lake, "ticks", "market=spot", `symbol=${symbol}`, "*", "*.parquet")},
          )
        ).getRows();
        out.set(
          symbol,
          rows.map(
            ([id, time, price, qty, isBuyerMaker, eventTime]) =>
              ({id, time, price, qty, isBuyerMaker, eventTime, receiveTime: undefined}) as Trade,
          ),
        );
      }
      return out;
    });
    await rm(lake, {recursive: true, force: true});
    for (const symbol of symbols) {
      const want = expected.get(symbol)!;
      // The recorder starts with the first trade it sees: the capture from its first id on.
      expect(want.length).toBeGreaterThan(5000);
      expect(stored.get(symbol)).toEqual(want);
    }
  }, 60_000);
});
