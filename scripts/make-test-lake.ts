// Writes a deterministic lake for the build, browser tests and the notebook bench: `minutes` of
// simulated trades for four spot symbols and the USD-M perpetual usdm:BTCUSDT (same seeds, same fixed
// start time every run; the perpetual follows spot BTCUSDT as the simulator's USD-M market does, so the
// site has a perp symbol page and a basis pair report) through the real LakeWriter, with one unfilled gap: ETHUSDT's trades of a 90-second stretch are left out and a gap
// record for the hole is written, as the recorder does when a backfill fails. The perpetual's fundings
// settle every 5 minutes (the simulator's FundingClock, time compressed as `simulate --funding-interval-ms`
// does) into the lake's funding table, so the basis report's backtest charges funding.
// Usage: tsx scripts/make-test-lake.ts [lake=test/.lake] [minutes=45] [rate=5]
import {rm} from "node:fs/promises";
import {withDuckDB} from "../lake/duckdb.js";
import {writeFunding} from "../lake/funding.js";
import {writeGap} from "../lake/gaps.js";
import {LakeWriter} from "../lake/writer.js";
import {unitsPerWhole} from "../simulator/decimal.js";
import {FundingClock} from "../simulator/fundingClock.js";
import {Market} from "../simulator/market.js";

const [lake = "test/.lake", minutes = "45", rate = "5"] = process.argv.slice(2);
const spotSymbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT"],
  perpetuals = ["BTCUSDT"];
const symbols = [...spotSymbols, ...perpetuals.map((s) => `usdm:${s}`)];
const startMs = Date.UTC(2026, 10, 20, 12, 0, 0);
const endMs = startMs + Number(minutes) * 60_000;
// The hole: two thirds of the way through, 90 seconds of ETHUSDT.
const gapSymbol = "ETHUSDT",
  holeFrom = startMs + Math.floor(((endMs - startMs) * (2 / 3)) / 1000) * 1000,
  holeTo = holeFrom + 90_000;

await rm(lake, {recursive: true, force: true});
const writer = await LakeWriter.open(lake, symbols);
const market = new Market({symbols: spotSymbols, startMs, seed: 42, rate: Number(rate)});
const usdm = new Market({symbols: perpetuals, startMs, seed: 43, rate: Number(rate), follow: market});
// Last trade price per symbol (1e-8 units): the perpetual's mark and its index (spot) at each funding.
const lastPrice = new Map<string, number>();
const funding = new FundingClock({
  instruments: usdm.instruments,
  intervalMs: 5 * 60_000,
  startMs,
  markPrice: (k) => lastPrice.get(`usdm:${usdm.instruments[k].symbol}`) ?? NaN,
  indexPrice: (k) => lastPrice.get(usdm.instruments[k].symbol) ?? NaN,
});
let trades = 0;
const hole = {fromId: NaN, toId: NaN, fromTime: NaN, toTime: NaN};
for (let t = startMs; t < endMs; t += 60_000) {
  // Spot first: the perpetuals price off spot's state at the same clock.
  for (const [source, prefix] of [
    [market, ""],
    [usdm, "usdm:"],
  ] as const) {
    trades += take(source, prefix, source.advanceTo(t + 60_000));
  }
  funding.advanceTo(t + 60_000, () => {});
}

/** Writes one batch of `source`'s trades as `prefix` + symbol, leaving out the hole; the count written. */
function take(source: Market, prefix: string, batch: ReturnType<Market["advanceTo"]>): number {
  let written = 0;
  for (let i = 0; i < batch.length; ++i) {
    const symbol = prefix + source.instruments[batch.symbol[i]].symbol;
    const time = batch.time[i],
      id = batch.id[i];
    lastPrice.set(symbol, batch.price[i]);
    if (symbol === gapSymbol) {
      if (time >= holeFrom && time < holeTo) {
        if (Number.isNaN(hole.fromId)) hole.fromId = id;
        hole.toId = id;
        continue;
      }
      if (time < holeFrom)
        hole.fromTime = time; // the last trade before the hole
      else if (Number.isNaN(hole.toTime)) hole.toTime = time; // the first one after it
    }
    writer.add(symbol, {
      id,
      time,
      price: batch.price[i] / unitsPerWhole,
      qty: batch.qty[i] / unitsPerWhole,
      isBuyerMaker: batch.isBuyerMaker[i] === 1,
    });
    written++;
  }
  return written;
}
await writer.close();
const fundings = await withDuckDB(async (connection) => {
  let count = 0;
  for (const [k, {symbol}] of usdm.instruments.entries()) {
    const events = funding.history(k, startMs, endMs, 1000);
    const records = events.map((e) => ({
      fundingTime: e.fundingTime,
      rate: e.fundingRate,
      markPrice: e.markPrice / unitsPerWhole,
      source: "rest" as const,
    }));
    await writeFunding(connection, lake, `usdm:${symbol}`, records);
    count += records.length;
  }
  return count;
});
if (!Number.isNaN(hole.fromId)) {
  await withDuckDB((connection) =>
    writeGap(connection, lake, {
      symbol: gapSymbol,
      fromId: hole.fromId,
      toId: hole.toId,
      fromTime: hole.fromTime,
      toTime: hole.toTime,
      cause: "stream; backfill failed: test lake",
      filled: false,
      detectedAt: holeTo + 5_000,
    }),
  );
}
console.log(
  `make-test-lake: ${trades} trades of ${symbols.join(", ")} over ${minutes} min in ${lake}; ${fundings} fundings; ${gapSymbol} gap of ids ${hole.fromId}–${hole.toId}`,
);
