// Candles per pixel column: at 86,400 bars a chart a thousand pixels wide draws at most one candle per
// pixel column of its time axis, the bars of a column folded into one — first open, highest high,
// lowest low, last close, volumes summed — as a coarser bar of the same trades would be.
import type {Candles} from "../lib/stream/rowCandles.js";

/** One folded candle per pixel column that has a bar with trades, in time order. */
export interface CandleColumns {
  /** The time of the column's first bar (where its candle is drawn). */
  x: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  takerBuyVolume: Float64Array;
  length: number;
}

/**
 * Folds the candles of rows [from, to) of (`x`, `c`) by pixel column of an axis starting at time `x0`
 * with `perMs` pixels per ms (row i is in column floor((x[i] − x0)·perMs)). Rows without trades (NaN
 * open) add nothing; a column with none gives no candle. Rows sorted by x. O(to − from).
 *
 *   candleColumns(time, candles, time[0], 1000 / (time[n - 1] - time[0])).high
 */
export function candleColumns(x: ArrayLike<number>, c: Candles, x0: number, perMs: number, from = 0, to = x.length): CandleColumns {
  const n = Math.min(to, x.length),
    // At most a candle per row and per column spanned.
    cap = n > from ? Math.min(n - from, Math.floor((x[n - 1] - x0) * perMs) - Math.floor((x[from] - x0) * perMs) + 1) : 0,
    out: CandleColumns = {
      x: new Float64Array(cap),
      open: new Float64Array(cap),
      high: new Float64Array(cap),
      low: new Float64Array(cap),
      close: new Float64Array(cap),
      volume: new Float64Array(cap),
      takerBuyVolume: new Float64Array(cap),
      length: 0,
    };
  let m = -1,
    column = NaN;
  for (let i = from; i < n; ++i) {
    const o = c.open[i];
    if (o !== o) continue;
    const col = Math.floor((x[i] - x0) * perMs);
    if (col !== column) {
      column = col;
      ++m;
      ((out.x[m] = x[i]), (out.open[m] = o), (out.high[m] = c.high[i]), (out.low[m] = c.low[i]));
      ((out.volume[m] = 0), (out.takerBuyVolume[m] = 0));
    } else {
      if (c.high[i] > out.high[m]) out.high[m] = c.high[i];
      if (c.low[i] < out.low[m]) out.low[m] = c.low[i];
    }
    out.close[m] = c.close[i];
    out.volume[m] += c.volume[i];
    out.takerBuyVolume[m] += c.takerBuyVolume[i];
  }
  out.length = m + 1;
  return out;
}
