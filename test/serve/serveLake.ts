// A lake for the serve tests, written by the lake's own writer (spot) and as the recorder's perpetual
// files (usdm:, by DuckDB COPY as test/loaders does): BTCUSDT trades every second for 40 minutes
// across a UTC midnight, ETHUSDT (β ≈ 0.05 on BTC plus noise) from 3 minutes later to 4 minutes
// earlier with one unfilled gap, and usdm:SOLUSDT every 2 seconds.
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
  const sol = trades["usdm:SOLUSDT"];
  for (const day of new Set(sol.map((t) => utcDate(t.time)))) {
    const rows = sol.filter((t) => utcDate(t.time) === day);
    const dir = partitionDir(lake, "usdm:SOLUSDT", day);
    await mkdir(dir, {recursive: true});
    const values = rows.map((t) => `(${t.id}, ${t.time}, ${t.price}, ${t.qty}, ${t.isBuyerMaker})`).join(", ");
    await withDuckDB((c) =>
      c.run(`COPY (SELECT v.id::BIGINT AS trade_id, timezone('UTC', epoch_ms(v.t::BIGINT)) AS "time", v.p::DOUBLE AS price, v.q::DOUBLE AS qty,
        v.m AS is_buyer_maker, NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time
        FROM (VALUES ${values}) v(id, t, p, q, m) ORDER BY v.id) TO ${quotedString(join(dir, batchFileName(rows[0].id, rows.at(-1)!.id)))} (FORMAT parquet)`),
    );
  }
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
