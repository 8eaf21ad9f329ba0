// loadLakeBars (DuckDB's aggregation, loaders/aggregateBars.ts) against src/lib/bars.ts's resample of the
// same trades held in memory, on a generated lake built to catch the edge cases: irregular times
// across a UTC midnight, several trades in one ms, trades exactly on bucket boundaries, ids out of
// time order, a silent stretch (empty buckets), and an unfilled gap (a hole in the ids) whose bars are
// flagged. Bucket starts, open, high, low, close, count and the gap flags must be bit-for-bit equal.
// Volume, quote volume and taker buy volume are sums of doubles: DuckDB adds them in its own order
// (per thread, then partial sums), resample in id order. Any order of n positive terms is within
// γ(n−1)·Σx of the exact sum (γ(k) = k·u/(1 − k·u), u = 2⁻⁵³; Higham, Accuracy and Stability, §4.2),
// so two orders differ by at most 2·γ(n−1)·Σx: that is the tolerance, and n = 1 must match exactly.
import {mkdir, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {quotedString, withDuckDB} from "../../lake/duckdb.js";
import {writeGap} from "../../lake/gaps.js";
import {batchFileName, partitionDir, utcDate} from "../../lake/layout.js";
import {LakeWriter} from "../../lake/writer.js";
import {loadLakeBars} from "../../loaders/lakeBars.js";
import {type BarColumns, resample} from "../../src/lib/bars.js";

const t0 = Date.UTC(2026, 2, 9, 23, 58, 0); // midnight is t0 + 120 s
const u = 2 ** -53;

interface Trades {
  id: number[];
  time: number[];
  price: number[];
  qty: number[];
  isBuyerMaker: boolean[];
}

/** Seeded trades: ~4 minutes, bursts in one ms, boundary times, a 25 s silence, and ids 10_500…10_519 left out (the hole). */
function generate(seed: number, firstId: number): {stored: Trades; hole: {fromId: number; toId: number; fromTime: number; toTime: number}} {
  let s = seed >>> 0;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const stored: Trades = {id: [], time: [], price: [], qty: [], isBuyerMaker: []};
  const hole = {fromId: firstId + 500, toId: firstId + 519, fromTime: NaN, toTime: NaN};
  let time = t0 + 17,
    price = 100;
  for (let id = firstId; time < t0 + 240_000; ++id) {
    const r = random();
    if (r < 0.3)
      time += 0; // several trades in the same ms
    else if (r < 0.4)
      time = Math.ceil((time + 1) / 1000) * 1000; // exactly on the next bucket boundary
    else time += Math.floor(-Math.log(1 - random()) * 180);
    if (id === firstId + 700) time += 25_000; // a silent stretch: empty buckets
    // Now and then an id whose time is a few ms before its predecessor's (open/close go by time, then id).
    const t = random() < 0.05 ? time - 1 - Math.floor(random() * 3) : time;
    price = Math.round((price + (random() - 0.5) * 0.2) * 100) / 100;
    if (id >= hole.fromId && id <= hole.toId) continue;
    if (id === hole.toId + 1) hole.toTime = t;
    if (id < hole.fromId) hole.fromTime = t;
    stored.id.push(id);
    stored.time.push(t);
    stored.price.push(price);
    stored.qty.push(Math.round(random() * 5000 + 1) / 1000);
    stored.isBuyerMaker.push(random() < 0.5);
  }
  return {stored, hole};
}

const spot = generate(42, 10_000);
const perp = generate(7, 5_000_000);
let lake: string;

/** A perpetual's tick files, written as the recorder's layout names them (one per UTC day). */
async function writePerp(lake: string, symbol: string, trades: Trades) {
  for (const day of new Set(trades.time.map(utcDate))) {
    const rows = trades.id.flatMap((id, i) =>
      utcDate(trades.time[i]) === day
        ? [`(${id}, ${trades.time[i]}, ${trades.price[i]}, ${trades.qty[i]}, ${trades.isBuyerMaker[i]})`]
        : [],
    );
    const ids = trades.id.filter((_, i) => utcDate(trades.time[i]) === day);
    const dir = partitionDir(lake, symbol, day);
    await mkdir(dir, {recursive: true});
    await withDuckDB((c) =>
      c.run(`COPY (SELECT v.id::BIGINT AS trade_id, timezone('UTC', epoch_ms(v.t::BIGINT)) AS "time", v.p::DOUBLE AS price, v.q::DOUBLE AS qty,
        v.m AS is_buyer_maker, NULL::TIMESTAMPTZ AS event_time, NULL::TIMESTAMPTZ AS receive_time
        FROM (VALUES ${rows.join(", ")}) v(id, t, p, q, m) ORDER BY v.id) TO ${quotedString(join(dir, batchFileName(ids[0], ids.at(-1)!)))} (FORMAT parquet)`),
    );
  }
}

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-aggregate-"));
  const writer = await LakeWriter.open(lake, ["BTCUSDT"], {publishMs: 0});
  // In two halves, so the lake holds several files per day.
  const n = spot.stored.id.length;
  for (const [a, b] of [
    [0, n >> 1],
    [n >> 1, n],
  ]) {
    for (let i = a; i < b; ++i) {
      const {id, time, price, qty, isBuyerMaker} = spot.stored;
      writer.add("BTCUSDT", {id: id[i], time: time[i], price: price[i], qty: qty[i], isBuyerMaker: isBuyerMaker[i]});
    }
    await writer.flush();
  }
  await writer.close();
  await writePerp(lake, "usdm:ETHUSDT", perp.stored);
  await withDuckDB(async (c) => {
    for (const [symbol, {hole}] of [
      ["BTCUSDT", spot],
      ["usdm:ETHUSDT", perp],
    ] as const)
      await writeGap(c, lake, {symbol, ...hole, cause: "test", filled: false, detectedAt: t0 + 300_000});
  });
}, 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

/** Expected flags, by hand: the buckets from the one holding the trade before the hole to the one holding the trade after it. */
const holeFlags = (start: Float64Array, interval: number, hole: {fromTime: number; toTime: number}) =>
  Array.from(start, (s) => (s + interval > hole.fromTime && s <= hole.toTime ? 1 : 0));

function expectSameBars(actual: BarColumns, expected: BarColumns) {
  for (const key of ["start", "open", "high", "low", "close", "count"] as const)
    expect(Array.from(actual[key]), key).toEqual(Array.from(expected[key]));
  const gamma = (k: number) => (k * u) / (1 - k * u);
  for (const key of ["volume", "quoteVolume", "takerBuyVolume", "vwap"] as const) {
    for (let k = 0; k < expected.start.length; ++k) {
      const n = expected.count[k],
        a = actual[key][k],
        e = expected[key][k];
      // vwap = quote volume / volume: both sums' tolerances and the division's rounding.
      const tolerance = key === "vwap" ? (4 * gamma(n - 1) + 2 * u) * Math.abs(e) : 2 * gamma(n - 1) * Math.abs(e);
      if (Number.isNaN(e) || n <= 1) expect(a, `${key}[${k}]`).toBe(e);
      else expect(Math.abs(a - e), `${key}[${k}]: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance);
    }
  }
}

describe("loadLakeBars (DuckDB) gives resample's bars (src/lib/bars.ts)", () => {
  it("the generated trades hold the edge cases the comparison is about", () => {
    const {time} = spot.stored;
    expect(time.filter((t, i) => i > 0 && t === time[i - 1]).length).toBeGreaterThan(100);
    expect(time.filter((t) => t % 1000 === 0).length).toBeGreaterThan(50);
    expect(time.filter((t, i) => i > 0 && t < time[i - 1]).length).toBeGreaterThan(20);
    expect(new Set(time.map(utcDate)).size).toBe(2);
  });

  for (const [interval, lookbackMs] of [
    [1000, 86_400_000],
    [60_000, 86_400_000],
    [1000, 95_500], // a window starting mid-data: trades before it are left out
    [5 * 60_000, 86_400_000],
  ] as const) {
    it(`at ${interval} ms bars, ${lookbackMs} ms lookback: every column, trade counts and gap flags`, async () => {
      const loaded = await loadLakeBars(lake, ["BTCUSDT", "usdm:ETHUSDT"], {interval, lookbackMs, anchor: ["BTCUSDT"]});
      expect(loaded.from).not.toBeNull();
      const range = {from: loaded.from!, to: loaded.to!};
      for (const [leg, {stored, hole}] of [
        [loaded.legs[0], spot],
        [loaded.legs[1], perp],
      ] as const) {
        const expected = resample(stored, interval, range);
        expectSameBars(leg.bars, expected);
        expect(leg.trades).toBe(stored.time.filter((t) => t >= range.from && t < range.to).length);
        expect(Array.from(leg.gap)).toEqual(holeFlags(expected.start, interval, hole));
        if (interval === 1000 && lookbackMs === 86_400_000) {
          expect(Array.from(expected.count).filter((c) => c === 0).length).toBeGreaterThan(20); // empty buckets
          expect(leg.gap.some((f) => f === 1) || hole.toTime < range.from).toBe(true);
        }
      }
    });
  }
});
