// One leg's candles at a pair stream's rows (./pairStream.ts): for each row's bucket [t, t + interval)
// the leg's open, high, low, close, volume and taker buy volume, folded from its finer bars as rebucket
// folds them (foldBars, ../rebucket.ts). A bucket where the leg had no trade (its close carried in the
// row) has NaN prices and zero volume: no candle is drawn there. Kept up to date from a changed row on.
import type {SymbolBars} from "../bars.js";
import {bucketFold, foldBars} from "../rebucket.js";

export const candleFields = ["open", "high", "low", "close", "volume", "takerBuyVolume"] as const;
export type CandleField = (typeof candleFields)[number];

/** Candle columns, one entry per row (views on growing buffers, valid until the next update). */
export type Candles = Readonly<Record<CandleField, Float64Array>>;

const fold = bucketFold();

export class RowCandles {
  private data = {} as Record<CandleField, Float64Array>;
  private length = 0;

  constructor() {
    this.allocate(1024);
  }

  /** The rows so far. */
  get candles(): Candles {
    const n = this.length;
    return Object.fromEntries(candleFields.map((f) => [f, this.data[f].subarray(0, n)])) as Record<CandleField, Float64Array>;
  }

  /**
   * Writes the candles of `leg` at rows [from, time.length) of `time` (bucket starts of `interval` ms,
   * a multiple of the leg's), keeping the rows before `from`. O((rows − from) · interval / the leg's).
   *
   *   candles.update(leg, stream.column("time"), 60_000, 0).close
   */
  update(leg: SymbolBars, time: ArrayLike<number>, interval: number, from: number): Candles {
    const n = time.length,
      {start} = leg.bars,
      fine = leg.bars.interval,
      m = start.length;
    if (n > this.capacity) this.allocate(Math.max(2 * this.capacity, Math.ceil(n * 1.25)));
    const {open, high, low, close, volume, takerBuyVolume} = this.data,
      bars = leg.bars,
      {count} = bars;
    for (let r = Math.max(0, Math.min(from, this.length)); r < n; ++r) {
      const t = time[r];
      // The leg's bars lie on one grid from start[0] (as the stream's view reads them).
      const i0 = m ? Math.max(0, Math.round((t - start[0]) / fine)) : 0,
        i1 = m ? Math.min(m, Math.round((t + interval - start[0]) / fine)) : 0;
      if (i1 === i0 + 1) {
        // One bar (the page's own interval): foldBars of it, inline, for speed: the calls were ~45 of the
        // ~190 ms of the legs' first candles at 86,400 rows under load (bench/notebookProfile.ts). `0 +`
        // sums as foldBars does (a volume of -0 folds to 0).
        const trades = count[i0] > 0;
        ((open[r] = trades ? bars.open[i0] : NaN), (high[r] = trades ? bars.high[i0] : NaN));
        ((low[r] = trades ? bars.low[i0] : NaN), (close[r] = trades ? bars.close[i0] : NaN));
        ((volume[r] = trades ? 0 + bars.volume[i0] : 0), (takerBuyVolume[r] = trades ? 0 + bars.takerBuyVolume[i0] : 0));
        continue;
      }
      foldBars(bars, undefined, i0, Math.max(i0, i1), fold);
      ((open[r] = fold.open), (high[r] = fold.high), (low[r] = fold.low), (close[r] = fold.close));
      ((volume[r] = fold.volume), (takerBuyVolume[r] = fold.takerBuyVolume));
    }
    this.length = n;
    return this.candles;
  }

  private get capacity(): number {
    return this.data.open.length;
  }

  private allocate(capacity: number): void {
    for (const f of candleFields) {
      const x = new Float64Array(capacity);
      if (this.data[f]) x.set(this.data[f].subarray(0, this.length));
      this.data[f] = x;
    }
  }
}
