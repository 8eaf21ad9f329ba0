// A lake for the serve tests, written by the lake's own writer (spot) and as the recorder's perpetual
// files (usdm:, by DuckDB COPY as test/loaders does): BTCUSDT trades every second for 40 minutes
// across a UTC midnight, ETHUSDT (β ≈ 0.05 on BTC plus noise) from 3 minutes later to 4 minutes
// earlier with one unfilled gap, and usdm:SOLUSDT every 2 seconds. basisLake: BTCUSDT and its perpetual.
import {mkdir, mkdtemp} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {writeGap} from "../../lake/gaps.js";
import {batchFileName, partitionDir, utcDate} from "../../lake/layout.js";
import {LakeWriter} from "../../lake/writer.js";
import {mulberry32} from "../../src/lib/mulberry32.js";

/** 2026-01-01T23:40:00Z; the lake's trades run to t0 + 40 min. */
export const t0 = Date.UTC(2026, 0, 1, 23, 40);
export const minutes = 40;

/** ETHUSDT's missing ids: the hole runs from the trade at t0 + 20 min to the one 90 s later. */
export const ethHole = {fromTime: t0 + 20 * 60_000, toTime: t0 + 20 * 60_000 + 90_000};

interface Row {
  id: number;
  time: number;
  price: number;
  qty: number;
  isBuyerMaker: boolean;
}

function series(): Record<"BTCUSDT" | "ETHUSDT" | "usdm:SOLUSDT", Row[]> {
  const random = mulberry32(7);
  const btc: Row[] = [],
    eth: Row[] = [],
    sol: Row[] = [];
  let p = 50_000,
    e = 0;
  for (let s = 0; s < minutes * 60; ++s) {
    p += (random() - 0.5) * 40;
    e = 0.8 * e + (random() - 0.5) * 4;
    const time = t0 + s * 1000 + Math.floor(random() * 900);
    btc.push({id: s + 1, time, price: Math.round(p * 100) / 100, qty: 0.01 + random(), isBuyerMaker: random() < 0.5});
    const inHole = time > ethHole.fromTime && time < ethHole.toTime;
    if (s >= 180 && s < minutes * 60 - 240 && !inHole)
      eth.push({
        id: 1000 + s,
        time: time + 100,
        price: Math.round((0.05 * p + 30 + e) * 100) / 100,
        qty: 1 + random(),
        isBuyerMaker: random() < 0.5,
      });
    if (s % 2 === 0)
      sol.push({
        id: 5000 + s,
        time: time + 200,
        price: Math.round((100 + p / 1000 + (random() - 0.5)) * 1000) / 1000,
        qty: 2,
        isBuyerMaker: random() < 0.5,
      });
  }
  return {BTCUSDT: btc, ETHUSDT: eth, "usdm:SOLUSDT": sol};
}

export const trades = series();

/** Writes the lake into a new temp folder and returns its path. */
export async function serveLake(): Promise<string> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-serve-"));
  const writer = await LakeWriter.open(lake, ["BTCUSDT", "ETHUSDT"], {publishMs: 0});
  for (const symbol of ["BTCUSDT", "ETHUSDT"] as const) for (const t of trades[symbol]) writer.add(symbol, t);
  await writer.close();
  await writePerpetual(lake, "usdm:SOLUSDT", trades["usdm:SOLUSDT"]);
  const eth = trades.ETHUSDT;
  const before = eth.filter((t) => t.time <= ethHole.fromTime).at(-1)!,
    after = eth.find((t) => t.time >= ethHole.toTime)!;
  await withDuckDB((c) =>
    writeGap(c, lake, {
      symbol: "ETHUSDT",
      fromId: before.id + 1,
      toId: after.id - 1,
      fromTime: before.time,
      toTime: after.time,
      cause: "test",
      filled: false,
      detectedAt: t0 + 41 * 60_000,
    }),
  );
  return lake;
}

/** A perpetual's trades written as the recorder's files (DuckDB COPY, one file per UTC day). */
async function writePerpetual(lake: string, symbol: string, rows: readonly Row[]): Promise<void> {
  for (const day of new Set(rows.map((t) => utcDate(t.time)))) {
    const dayRows = rows.filter((t) => utcDate(t.time) === day);
    const dir = partitionDir(lake, symbol, day);
    await mkdir(dir, {recursive: true});
    const values = dayRows.map((t) => `(${t.id}, ${t.time}, ${t.price}, ${t.qty}, ${t.isBuyerMaker})`).join(", ");
    await withDuckDB((c) =>
      c.run(`COPY (SELECT v.id::BIGINT AS trade_id, timezone('UTC', epoch_ms(v.t::BIGINT)) AS "time", v.p::DOUBLE AS price, v.q::DOUBLE AS qty,
        v.m AS is_buyer_maker, NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time
        FROM (VALUES ${values}) v(id, t, p, q, m) ORDER BY v.id) TO ${quotedString(join(dir, batchFileName(dayRows[0].id, dayRows.at(-1)!.id)))} (FORMAT parquet)`),
    );
  }
}

/** usdm:BTCUSDT of the basis lake: BTCUSDT's price plus a basis that reverts around 5 (AR(1) noise), 300 ms after each spot trade. */
export const perpTrades: Row[] = (() => {
  const random = mulberry32(11);
  let basis = 5;
  return trades.BTCUSDT.map((t, i) => {
    basis = 5 + 0.7 * (basis - 5) + (random() - 0.5) * 6;
    return {id: 9000 + i, time: t.time + 300, price: Math.round((t.price + basis) * 100) / 100, qty: 0.5, isBuyerMaker: random() < 0.5};
  });
})();

/**
 * A basis lake for the funding tests: BTCUSDT (as in serveLake) and usdm:BTCUSDT (`perpTrades`), no
 * funding stored yet (the test writes it with lake/funding.ts writeFunding). Returns its path.
 */
export async function basisLake(): Promise<string> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-serve-basis-"));
  const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
  for (const t of trades.BTCUSDT) writer.add("BTCUSDT", t);
  await writer.close();
  await writePerpetual(lake, "usdm:BTCUSDT", perpTrades);
  return lake;
}

/**
 * A longer lake for the live channel's queue tests: BTCUSDT and ETHUSDT (≈ 0.05·BTC plus noise) trading
 * every second for `hours` from t0, so a subscription's snapshot of 1-second rows is megabytes. Returns its path.
 */
export async function longLake(hours: number): Promise<string> {
  const lake = await mkdtemp(join(tmpdir(), "pairbook-serve-long-"));
  const writer = await LakeWriter.open(lake, ["BTCUSDT", "ETHUSDT"], {publishMs: 0});
  const random = mulberry32(5);
  let p = 50_000;
  for (let s = 0; s < hours * 3600; ++s) {
    p += (random() - 0.5) * 40;
    const time = t0 + s * 1000 + 100;
    writer.add("BTCUSDT", {id: s + 1, time, price: Math.round(p * 100) / 100, qty: 0.5, isBuyerMaker: s % 2 === 0});
    const eth = Math.round((0.05 * p + 30 + (random() - 0.5) * 4) * 100) / 100;
    writer.add("ETHUSDT", {id: s + 1, time: time + 50, price: eth, qty: 1, isBuyerMaker: s % 3 === 0});
  }
  await writer.close();
  return lake;
}
