// Outages are gaps in time, not flat lines: record, stop, let the exchange's REST history move past
// what the recorder missed, restart. The hole's gap record carries the times of the stored trades either
// side of it, and the pair report's bars (built by the pair page's own loader) leave the whole hole out:
// their count, β and Engle-Granger p equal an independent computation (DuckDB SQL over the lake's ticks,
// holes found from the ids alone) on the bars outside it.
import {spawnSync} from "node:child_process";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {afterEach, describe, expect, it, vi} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob} from "../../lake/layout.js";
import {lastStoredId} from "../../lake/files.js";
import {importFiles, resolveJob} from "../../lake/import/importArchives.js";
import {TradeHistoryClient} from "../../recorder/binance/rest.js";
import {type Recorder, startRecorder} from "../../recorder/recorder.js";
import {type Simulator, startSimulator} from "../../simulator/index.js";
import {decodeBarsFile} from "../../src/protocol/barsFile.js";
import {pairView} from "../../src/lib/stream/pairView.js";
import {coint} from "../../src/lib/coint.js";
import {ols} from "../../src/lib/ols.js";
import {pairFit} from "../../src/lib/pairReport.js";

const root = new URL("../../", import.meta.url).pathname;
const symbols = ["BTCUSDT", "ETHUSDT"];
const minute = 60_000;
let lake: string | undefined, simulator: Simulator | undefined, recorder: Recorder | undefined;
const logs: string[] = [];

afterEach(async () => {
  await simulator?.close();
  await recorder?.stop().catch(() => {});
  if (lake) await rm(lake, {recursive: true, force: true});
  ((simulator = undefined), (recorder = undefined), (lake = undefined), (logs.length = 0));
});

/**
 * A simulator whose market clock runs `speed` times faster than the wall clock and can jump ahead
 * (`skip`): trades of the skipped time are generated at once, into a REST history of `historyCapacity`
 * trades per symbol, so most of them are gone before the recorder comes back.
 */
async function fastMarket(seed: number, {speed = 20, rate = 20, historyCapacity = 3000} = {}) {
  const base = Date.now();
  let offset = 0;
  simulator = await startSimulator({port: 0, symbols, rate, seed, historyCapacity, now: () => base + (Date.now() - base) * speed + offset});
  return {skip: (ms: number) => void (offset += ms)};
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
    log: (line) => logs.push(line),
  });

/** Waits until every symbol has stored `n` more trades than now and no hole is being backfilled. */
async function stored(n: number) {
  const target = Object.fromEntries(Object.entries(recorder!.health().symbols).map(([k, s]) => [k, s.trades + n]));
  await vi.waitFor(
    () => {
      for (const [k, s] of Object.entries(recorder!.health().symbols))
        if (s.trades < target[k] || s.openGap) throw new Error(`waiting for ${k}`);
    },
    {timeout: 60_000, interval: 50},
  );
}

/** Waits until the simulator's REST history of `symbol` starts above `id` (the ids up to it are gone). */
async function forgotten(symbol: string, id: number) {
  const rest = new TradeHistoryClient(simulator!.restUrl);
  return vi.waitFor(
    async () => {
      const page = await rest.historicalTrades(symbol, id);
      if (page.length === 0 || page[0].id <= id + 1) throw new Error("the simulator still has those ids");
      return page;
    },
    {timeout: 30_000, interval: 100},
  );
}

async function stopAll() {
  await simulator!.close();
  await recorder!.stop();
  recorder = undefined;
}

/** The lake's ticks as a temp table `ticks(symbol, trade_id, ms, price)`. */
async function loadTicks(c: DuckDBConnection) {
  await c.run(`CREATE OR REPLACE TEMP TABLE ticks AS SELECT symbol, trade_id, epoch_ms("time") AS ms, price
    FROM read_parquet(${quotedString(join(lake!, "ticks", "*", "*", "*", "*.parquet"))}, hive_partitioning = true)`);
}

/** Unfilled gap records, each with the times of the stored trades either side of its ids, found by SQL. */
async function unfilledGaps(c: DuckDBConnection) {
  return (
    await c.runAndReadAll(`SELECT g.symbol, g.from_id::DOUBLE AS fromId, g.to_id::DOUBLE AS toId, g.cause,
      epoch_ms(g.from_time)::DOUBLE AS fromTime, epoch_ms(g.to_time)::DOUBLE AS toTime,
      (SELECT arg_max(t.ms, t.trade_id) FROM ticks t WHERE t.symbol = g.symbol AND t.trade_id < g.from_id)::DOUBLE AS before,
      (SELECT arg_min(t.ms, t.trade_id) FROM ticks t WHERE t.symbol = g.symbol AND t.trade_id > g.to_id)::DOUBLE AS after
    FROM read_parquet(${quotedString(gapsGlob(lake!))}) g WHERE NOT g.filled ORDER BY g.symbol, g.from_id`)
  ).getRowObjectsJS();
}

/**
 * The pair's 1 s bars outside every hole, computed from the ticks alone: holes are jumps in the stored
 * ids; a leg's buckets from the one of the trade before a hole to the one of the trade after it are
 * left out and cut the carry of its close; elsewhere an empty bucket carries the leg's last close.
 */
async function independentBars(c: DuckDBConnection, [a, b]: readonly string[]) {
  const rows = (
    await c.runAndReadAll(
      `
    WITH steps AS (SELECT symbol, trade_id, ms, lag(trade_id) OVER w AS prev_id, lag(ms) OVER w AS prev_ms FROM ticks WINDOW w AS (PARTITION BY symbol ORDER BY trade_id)),
    holes AS (SELECT symbol, (prev_ms // 1000) * 1000 AS lo, (ms // 1000) * 1000 AS hi FROM steps WHERE trade_id > prev_id + 1),
    grid AS (SELECT unnest(range((SELECT min(ms // 1000) FROM ticks) * 1000, (SELECT max(ms // 1000) FROM ticks) * 1000 + 1000, 1000)) AS t),
    closes AS (SELECT symbol, (ms // 1000) * 1000 AS t, arg_max(price, (ms, trade_id)) AS close FROM ticks GROUP BY ALL),
    legs AS (
      SELECT s.symbol, g.t, c.close, EXISTS (SELECT 1 FROM holes h WHERE h.symbol = s.symbol AND g.t BETWEEN h.lo AND h.hi) AS flagged
      FROM grid g CROSS JOIN (SELECT DISTINCT symbol FROM ticks) s LEFT JOIN closes c ON c.symbol = s.symbol AND c.t = g.t),
    segments AS (SELECT *, sum(flagged::INT) OVER (PARTITION BY symbol ORDER BY t) AS k FROM legs),
    carried AS (SELECT symbol, t, flagged, last_value(CASE WHEN flagged THEN NULL ELSE close END IGNORE NULLS)
      OVER (PARTITION BY symbol, k ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS px FROM segments)
    SELECT x.t::DOUBLE, x.px, y.px, (SELECT count(*) FROM legs WHERE symbol = $a AND flagged)::DOUBLE
    FROM carried x JOIN carried y ON x.t = y.t AND x.symbol = $a AND y.symbol = $b
    WHERE NOT x.flagged AND NOT y.flagged AND x.px IS NOT NULL AND y.px IS NOT NULL ORDER BY x.t`,
      {a, b},
    )
  ).getRows();
  return {
    time: rows.map((r) => r[0] as number),
    a: Float64Array.from(rows, (r) => r[1] as number),
    b: Float64Array.from(rows, (r) => r[2] as number),
    flaggedA: rows.length ? (rows[0][3] as number) : 0,
  };
}

/** The pair report's bars as the page gets them: its data loader run as Framework runs it, decoded, viewed. */
function pageBars([a, b]: readonly string[]) {
  const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), ["src/pairs/[pair].arrow.ts", `--pair=${a}-${b}`], {
    cwd: root,
    env: {...process.env, PAIRBOOK_LAKE: lake, PAIRBOOK_LOOKBACK_HOURS: "24", PAIRBOOK_INTERVAL: "1s", TZ: "UTC"},
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(`the pair loader failed: ${run.stderr.toString()}`);
  const bytes = run.stdout;
  const file = decodeBarsFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return {file, view: pairView(file.symbols.get(a)!, file.symbols.get(b)!, {intervalMs: file.meta.intervalMs, lookbackMs: Infinity})};
}

describe("an outage the exchange cannot fill", () => {
  it("stop, 30 minutes pass, restart: the hole is a gap in time, and the pair report's n, β and Engle-Granger p equal the bars outside it", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-outage-"));
    const market = await fastMarket(21);
    recorder = await record();
    await stored(3000); // ~150 s of market time
    await recorder.stop();
    recorder = undefined;
    const stops = Object.fromEntries(await Promise.all(symbols.map(async (s) => [s, (await lastStoredId(lake!, s))!] as const)));
    market.skip(30 * minute);
    for (const s of symbols) await forgotten(s, stops[s]);
    recorder = await record();
    await stored(3000);
    await vi.waitFor(() => symbols.forEach((s) => expect(recorder!.health().symbols[s].gapsUnfilled).toBeGreaterThanOrEqual(1)), {
      timeout: 30_000,
      interval: 50,
    });
    await stopAll();

    await withDuckDB(async (c) => {
      await loadTicks(c);
      // Each unfilled gap says when it began and ended: the stored trades either side of its ids.
      const gaps = await unfilledGaps(c);
      for (const s of symbols) {
        const restart = gaps.find((g) => g.symbol === s && g.fromId === stops[s] + 1)!;
        expect(restart, `${s}: the restart hole's record`).toBeDefined();
        expect(restart.cause).toBe("restart");
        expect((restart.toId as number) - (restart.fromId as number)).toBeGreaterThan(25 * 60 * 20);
      }
      for (const g of gaps) {
        expect(g.fromTime, `${g.symbol} ${g.fromId}..${g.toId} from_time`).toBe(g.before);
        expect(g.toTime, `${g.symbol} ${g.fromId}..${g.toId} to_time`).toBe(g.after);
      }

      const truth = await independentBars(c, symbols);
      const {view, file} = pageBars(symbols);
      // The hole is 30 minutes less what REST still had (~150 s) of 1 s buckets, every one flagged; no
      // row of the report falls inside.
      expect(truth.flaggedA).toBeGreaterThanOrEqual(25 * 60);
      expect(Array.from(file.symbols.get(symbols[0])!.gap).reduce((n, f) => n + f, 0)).toBe(truth.flaggedA);
      expect(view.time.length).toBe(truth.time.length);
      expect(Array.from(view.time)).toEqual(truth.time);
      expect(Array.from(view.a)).toEqual(Array.from(truth.a));
      expect(Array.from(view.b)).toEqual(Array.from(truth.b));
      // The page's fit (the worker runs pairFit on the view) against src/lib's ols and coint on the independent bars.
      const fit = pairFit(view.a, view.b, {method: "ols"});
      expect(fit.n).toBe(truth.time.length);
      expect(fit.hedge.beta).toBe(ols(truth.a, truth.b).beta);
      expect(fit.coint.pValue).toBe(coint(truth.a, truth.b).pValue);
      expect(truth.time.length).toBeGreaterThan(200);
    });
  }, 180_000);

  it("a hole inside the lake that REST no longer has (an import past an outage): recorded unfilled with the times of the trades either side", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-outage-"));
    const market = await fastMarket(22);
    recorder = await record();
    await stored(500);
    await recorder.stop();
    recorder = undefined;
    const stop = (await lastStoredId(lake, "BTCUSDT"))!;
    market.skip(10 * minute);
    // While the recorder is down, the user imports later trades: the ids between are gone from REST.
    const later = (await forgotten("BTCUSDT", stop)).slice(0, 200);
    const csv = join(lake, "..", `BTCUSDT-trades-outage-${process.pid}.csv`);
    await writeFile(
      csv,
      later.map((t) => `${t.id},${t.price},${t.qty},${t.price * t.qty},${t.time},${t.isBuyerMaker ? "True" : "False"},True\n`).join(""),
    );
    await importFiles([resolveJob(csv, {symbol: "BTCUSDT", kind: "trades"})], {lake, tempDir: join(lake, "..")});
    await rm(csv);

    recorder = await record();
    await vi.waitFor(
      () => expect(logs.some((l) => /BTCUSDT: ids .* missing inside the lake .*not available from REST/.test(l))).toBe(true),
      {timeout: 30_000, interval: 50},
    );
    await stored(100);
    await stopAll();

    await withDuckDB(async (c) => {
      await loadTicks(c);
      const inside = (await unfilledGaps(c)).filter((g) => /^lake hole found at start/.test(g.cause as string));
      expect(inside.map(({symbol, fromId, toId}) => ({symbol, fromId, toId}))).toEqual([
        {symbol: "BTCUSDT", fromId: stop + 1, toId: later[0].id - 1},
      ]);
      expect(inside[0].fromTime).toBe(inside[0].before);
      expect(inside[0].toTime).toBe(later[0].time);
      expect(inside[0].toTime).toBe(inside[0].after);
    });
  }, 120_000);
});
