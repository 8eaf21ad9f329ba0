// Trades of two legs around an outage and the gap record that describes it, shared by the tests of
// lake/gaps.ts and loaders/gapRanges.ts. Leg A: trades up to 10.4 s, an outage, then a trade at
// 39.6 s and none again until 41.1 s. Leg B trades throughout.
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {batchFileName, partitionDir, utcDate} from "../../lake/layout.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

export const t0 = 1_700_000_000_000; // a whole second

/** Trades every `step` ms in [from, to) of t0, ids counting from `firstId`, prices from `price(i)`. */
export function run(firstId: number, from: number, to: number, step: number, price: (i: number) => number) {
  const id: number[] = [],
    time: number[] = [],
    p: number[] = [],
    qty: number[] = [],
    isBuyerMaker: boolean[] = [];
  for (let t = from, i = 0; t < to; t += step, ++i)
    (id.push(firstId + i), time.push(t0 + t), p.push(price(i)), qty.push(1), isBuyerMaker.push(i % 2 === 0));
  return {id, time, price: p, qty, isBuyerMaker};
}

export function concat(...parts: ReturnType<typeof run>[]) {
  return {
    id: parts.flatMap((x) => x.id),
    time: parts.flatMap((x) => x.time),
    price: parts.flatMap((x) => x.price),
    qty: parts.flatMap((x) => x.qty),
    isBuyerMaker: parts.flatMap((x) => x.isBuyerMaker),
  };
}

export const before = run(1, 0, 10_500, 200, (i) => 100 + i / 100);
export const after = concat(
  run(1000, 39_600, 39_601, 1, () => 90),
  run(1001, 41_100, 60_000, 300, (i) => 91 + i / 100),
);
export const legA = concat(before, after);
export const legB = run(1, 0, 60_000, 150, (i) => 50 + Math.sin(i / 7));
export const hole: GapRecord = {
  symbol: "AUSDT",
  fromId: before.id.at(-1)! + 1,
  toId: 999,
  fromTime: before.time.at(-1)!,
  toTime: t0 + 39_600,
  cause: "restart",
  filled: false,
  detectedAt: t0 + 60_000,
};

/** Writes trades as one tick file of the lake (its name: first and last id). */
export async function writeTicks(lake: string, symbol: string, trades: ReturnType<typeof run>) {
  const dir = partitionDir(lake, symbol, utcDate(trades.time[0]));
  await mkdir(dir, {recursive: true});
  const path = join(dir, batchFileName(trades.id[0], trades.id.at(-1)!));
  const rows = trades.id
    .map((id, i) => `(${id}, ${trades.time[i]}, ${trades.price[i]}, ${trades.qty[i]}, ${trades.isBuyerMaker[i]})`)
    .join(", ");
  await withDuckDB((c) =>
    c.run(`COPY (SELECT v.id::BIGINT AS trade_id, timezone('UTC', epoch_ms(v.t::BIGINT)) AS "time", v.p::DOUBLE AS price, v.q::DOUBLE AS qty, v.m AS is_buyer_maker,
    NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time FROM (VALUES ${rows}) v(id, t, p, q, m) ORDER BY v.id) TO ${quotedString(path)} (FORMAT parquet)`),
  );
}
