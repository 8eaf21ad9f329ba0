// Holes inside the stored ids, found when the recorder starts: an archive import past where recording
// stopped leaves ids nobody asked for; the restarted recorder backfills them and records the gap, and
// leaves an exchange-side hole (already recorded unfilled) alone.
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it, vi} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob} from "../../lake/layout.js";
import {lastStoredId} from "../../lake/files.js";
import {importFiles, resolveJob} from "../../lake/import/importArchives.js";
import {TradeHistoryClient} from "../../recorder/binance/rest.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import type {Trade} from "../../src/lib/bars.js";

const symbols = ["BTCUSDT", "ETHUSDT"];
let lake: string, simulator: Simulator | undefined, recorder: Recorder | undefined;
const logs: string[] = [];

afterEach(async () => {
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  await rm(lake, {recursive: true, force: true});
  ((simulator = undefined), (recorder = undefined), (logs.length = 0));
});

const record = () =>
  startRecorder({
    symbols,
    lake,
    wsUrl: simulator!.wsUrl,
    restUrl: simulator!.restUrl,
    liveHost: "127.0.0.1",
    livePort: 0,
    publishMs: 300,
    log: (line) => logs.push(line),
  });

/** Waits until every symbol has stored `n` more trades than now and no gap is being backfilled. */
async function stored(n: number) {
  const target = Object.fromEntries(Object.entries(recorder!.health().symbols).map(([k, s]) => [k, s.trades + n]));
  await vi.waitFor(
    () => {
      for (const [k, s] of Object.entries(recorder!.health().symbols))
        if (s.trades < target[k] || s.openGap) throw new Error(`waiting for ${k}`);
    },
    {timeout: 20_000, interval: 50},
  );
}

/** Trades [from, to] of `symbol` from the simulator's REST history, once it has them. */
async function history(symbol: string, from: number, to: number): Promise<Trade[]> {
  const rest = new TradeHistoryClient(simulator!.restUrl);
  return vi.waitFor(
    async () => {
      const page = (await rest.historicalTrades(symbol, from)).filter((t) => t.id <= to);
      if (page.length === 0 || page[page.length - 1].id < to) throw new Error("the simulator has not traded that far yet");
      return page;
    },
    {timeout: 20_000, interval: 100},
  );
}

describe("holes inside the lake, found at start", () => {
  it("an import past where recording stopped: the ids between are backfilled and recorded as a filled gap; an exchange hole stays as it was", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-holes-"));
    simulator = await startSimulator({port: 0, symbols, rate: 150, seed: 8});
    recorder = await record();
    await stored(20);
    const exchangeHole = simulator.inject("hole", {symbol: "ETHUSDT", count: 3});
    await stored(30);
    await recorder.stop();
    recorder = undefined;

    // While the recorder is down, the user imports an archive day's file holding later BTCUSDT ids.
    const stop = (await lastStoredId(lake, "BTCUSDT"))!;
    const later = await history("BTCUSDT", stop + 150, stop + 250);
    const csv = join(lake, "..", `BTCUSDT-trades-${process.pid}.csv`);
    await writeFile(
      csv,
      later.map((t) => `${t.id},${t.price},${t.qty},${t.price * t.qty},${t.time},${t.isBuyerMaker ? "True" : "False"},True\n`).join(""),
    );
    await importFiles([resolveJob(csv, {symbol: "BTCUSDT", kind: "trades"})], {lake, tempDir: join(lake, "..")});
    await rm(csv);
    expect(await lastStoredId(lake, "BTCUSDT")).toBe(stop + 250);

    recorder = await record();
    // The import's hole is repaired in the background: wait for its record (the restart's own gap,
    // filled too, may come first, so gapsFilled alone would not say the repair is done).
    await vi.waitFor(() => expect(logs.some((l) => /^BTCUSDT: ids .* missing inside the lake .*backfilled from REST/.test(l))).toBe(true), {
      timeout: 30_000,
      interval: 50,
    });
    await stored(20);
    await simulator.close();
    const sent = simulator.sent();
    await recorder.stop();
    recorder = undefined;

    const {ids, gaps} = await withDuckDB(async (c) => ({
      ids: Object.fromEntries(
        await Promise.all(
          symbols.map(
            async (symbol) =>
              [
                symbol,
                (
                  await c.runAndReadAll(`SELECT trade_id::DOUBLE FROM read_parquet($glob) ORDER BY trade_id`, {
                    glob: join(lake, "ticks", "market=spot", `symbol=${symbol}`, "*", "*.parquet"),
                  })
                )
                  .getRows()
                  .map((r) => r[0] as number),
              ] as const,
          ),
        ),
      ),
      gaps: (
        await c.runAndReadAll(
          `SELECT symbol, from_id::DOUBLE AS from_id, to_id::DOUBLE AS to_id, cause, filled FROM read_parquet($glob) ORDER BY symbol, from_id`,
          {glob: gapsGlob(lake)},
        )
      ).getRowObjectsJS(),
    }));
    // Every id from the first to the last the simulator sent, exactly once, but the exchange's own hole.
    for (const symbol of symbols) {
      const skip = new Set(symbol === "ETHUSDT" ? exchangeHole.ids : []),
        expected: number[] = [];
      for (let id = sent[symbol].first; id <= sent[symbol].last; ++id) if (!skip.has(id)) expected.push(id);
      expect(ids[symbol]).toEqual(expected);
    }
    // The import's hole, filled and said so; the restart hole after the import, filled as usual; the
    // exchange hole recorded once (when it happened), not asked for again.
    const btc = gaps.filter((g) => g.symbol === "BTCUSDT");
    expect(btc[0]).toEqual({symbol: "BTCUSDT", from_id: stop + 1, to_id: stop + 149, cause: "lake hole found at start", filled: true});
    expect(btc.slice(1).every((g) => (g.from_id as number) > stop + 250 && g.filled === true && g.cause === "restart")).toBe(true);
    expect(gaps.filter((g) => g.symbol === "ETHUSDT" && g.filled === false)).toEqual([
      {symbol: "ETHUSDT", from_id: exchangeHole.ids[0], to_id: exchangeHole.ids[2], cause: "stream", filled: false},
    ]);
    expect(logs.some((l) => /ETHUSDT.*no gap record explains/.test(l))).toBe(false);
  });
});
