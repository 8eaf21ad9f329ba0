// RowCandles: a leg's candles at a view's rows, checked by hand on six 1 s bars folded to 2 s rows; at the
// legs' own interval (a bar per row, folded inline) against foldBars (src/lib/rebucket.ts), the one
// definition of a bucket, bit for bit on random bars with empty ones, -0 volumes and rows left out.
import {describe, expect, it} from "vitest";
import {emptyBars, type SymbolBars} from "../../../src/lib/bars.js";
import {bucketFold, foldBars} from "../../../src/lib/rebucket.js";
import {candleFields, RowCandles} from "../../../src/lib/stream/rowCandles.js";
import {Xorshift128} from "../series.js";

function leg(): SymbolBars {
  const bars = emptyBars(1000, 10_000, 6);
  const rows: [number, number, number, number, number, number][] = [
    // open, high, low, close, volume, taker buy; count 0 for the empty one
    [5, 6, 4, 5.5, 2, 1],
    [5.5, 7, 5, 6, 3, 3],
    [NaN, NaN, NaN, NaN, 0, 0],
    [6, 6.5, 5.8, 6.2, 1, 0],
    [6.2, 6.3, 3, 4, 5, 2],
    [4, 4.5, 3.9, 4.1, 1, 1],
  ];
  rows.forEach(([o, h, l, c, v, tb], i) => {
    ((bars.open[i] = o), (bars.high[i] = h), (bars.low[i] = l), (bars.close[i] = c));
    ((bars.volume[i] = v), (bars.takerBuyVolume[i] = tb), (bars.count[i] = v > 0 ? 1 : 0));
  });
  return {bars, gap: new Uint8Array(6)};
}

describe("RowCandles.update(leg, time, interval, from)", () => {
  it("folds the leg's bars of each row's bucket (2 s rows of 1 s bars), rows missing from the view skipped", () => {
    const c = new RowCandles().update(leg(), [10_000, 14_000], 2000, 0);
    // Row 10 s: bars 0, 1. Row 14 s: bars 4, 5 (the 12 s bucket is not a row of the view).
    expect(Array.from(c.open)).toEqual([5, 6.2]);
    expect(Array.from(c.high)).toEqual([7, 6.3]);
    expect(Array.from(c.low)).toEqual([4, 3]);
    expect(Array.from(c.close)).toEqual([6, 4.1]);
    expect(Array.from(c.volume)).toEqual([5, 6]);
    expect(Array.from(c.takerBuyVolume)).toEqual([4, 3]);
  });

  it("a bucket without trades has NaN prices and zero volume; `from` keeps earlier rows", () => {
    const rc = new RowCandles(),
      l = leg();
    rc.update(l, [10_000, 11_000], 1000, 0);
    l.bars.open[1] = 99;
    const c = rc.update(l, [10_000, 11_000, 12_000, 13_000], 1000, 2);
    // Row 1 was kept as first written (open 5.5), row 2 (no trades) is NaN, row 3 is bar 3.
    expect(Array.from(c.open)).toEqual([5, 5.5, NaN, 6]);
    expect(Array.from(c.volume)).toEqual([2, 3, 0, 1]);
  });
});

function randomLeg(n: number): SymbolBars {
  const rng = new Xorshift128(11),
    bars = emptyBars(1000, 50_000, n);
  let p = 100;
  for (let i = 0; i < n; ++i) {
    p *= 1 + 1e-3 * rng.normal();
    const kind = rng.uniform();
    // A tenth without trades (prices NaN or stale), a tenth with -0 volumes.
    bars.count[i] = kind < 0.1 ? 0 : 1 + Math.floor(10 * rng.uniform());
    ((bars.open[i] = p * 0.999), (bars.high[i] = p * 1.002), (bars.low[i] = p * 0.997), (bars.close[i] = p));
    bars.volume[i] = kind < 0.2 ? -0 : rng.uniform();
    bars.takerBuyVolume[i] = kind < 0.2 ? -0 : bars.volume[i] * rng.uniform();
  }
  return {bars, gap: new Uint8Array(n)};
}

describe("RowCandles.update(leg, time, leg's interval, from)", () => {
  it("equals foldBars of each row's bar bit for bit, also from a later row and past the leg's last bar", () => {
    const l = randomLeg(500);
    // Rows: every bar but a few left out (gaps), then two buckets after the leg's last bar.
    const time = [...Array.from({length: 500}, (_, i) => 50_000 + i * 1000).filter((_, i) => i % 37 !== 5), 550_000, 551_000];
    const rc = new RowCandles();
    rc.update(l, time.slice(0, 200), 1000, 0);
    const c = rc.update(l, time, 1000, 150);
    const fold = bucketFold();
    time.forEach((t, r) => {
      const i0 = Math.max(0, Math.round((t - 50_000) / 1000));
      foldBars(l.bars, undefined, i0, Math.max(i0, Math.min(500, i0 + 1)), fold);
      for (const f of candleFields) expect(Object.is(c[f][r], fold[f]), `${f} at row ${r}: ${c[f][r]} vs ${fold[f]}`).toBe(true);
    });
  });
});
