import {type Bar, type BarColumns, bucketStart, emptyBars} from "./bars.js";

/**
 * One coarse bucket folded from fine bars (`foldBars`): what `rebucket` writes for each of its buckets,
 * less the bucket start and vwap. Prices are NaN while no folded bar had trades; `gap` is 1 when any
 * folded bar is flagged.
 */
export interface BucketFold extends Pick<Bar, "open" | "high" | "low" | "close" | "volume" | "quoteVolume" | "count" | "takerBuyVolume"> {
  gap: number;
}

/** A fold of no bars, to pass to `foldBars` (which resets it). */
export function bucketFold(): BucketFold {
  return {open: NaN, high: NaN, low: NaN, close: NaN, volume: 0, quoteVolume: 0, count: 0, takerBuyVolume: 0, gap: 0};
}

/**
 * Folds the bars [i0, i1) of `bars` (with their `gap` flags, if any) into one coarse bucket, in place:
 * open/close of the first/last bar with trades, high/low extremes, volumes and counts summed in bar
 * order, flagged when any bar is. The one definition of a coarse bucket: `rebucket` calls it for each
 * of its buckets, the pair stream (src/lib/stream) for a bucket at a time. O(i1 − i0).
 *
 *   foldBars(secondBars, gap, 0, 60, bucketFold()).close
 */
export function foldBars(bars: BarColumns, gap: ArrayLike<number> | undefined, i0: number, i1: number, into: BucketFold): BucketFold {
  let open = NaN,
    high = NaN,
    low = NaN,
    close = NaN,
    volume = 0,
    quoteVolume = 0,
    count = 0,
    takerBuyVolume = 0,
    flagged = 0;
  for (let i = i0; i < i1; ++i) {
    if (gap && gap[i]) flagged = 1;
    const c = bars.count[i];
    if (!(c > 0)) continue;
    if (count === 0) ((open = bars.open[i]), (high = bars.high[i]), (low = bars.low[i]));
    else {
      if (bars.high[i] > high) high = bars.high[i];
      if (bars.low[i] < low) low = bars.low[i];
    }
    close = bars.close[i];
    volume += bars.volume[i];
    quoteVolume += bars.quoteVolume[i];
    count += c;
    takerBuyVolume += bars.takerBuyVolume[i];
  }
  ((into.open = open), (into.high = high), (into.low = low), (into.close = close));
  ((into.volume = volume), (into.quoteVolume = quoteVolume), (into.count = count), (into.takerBuyVolume = takerBuyVolume));
  into.gap = flagged;
  return into;
}

/**
 * Aggregates bars to a coarser epoch-aligned interval (a multiple of theirs), with the same result as
 * `resample` on the trades up to floating-point summation order: each bucket is `foldBars` of its
 * bars, empty buckets kept. With `gap` flags, returns the coarse flags too (a coarse bucket is flagged
 * when any of its bars is). Bars in time order, as `resample` and the lake give them. O(n).
 *
 *   rebucket(secondBars, 60_000).close
 */
export function rebucket(bars: BarColumns, interval: number, gap?: ArrayLike<number>): {bars: BarColumns; gap: Uint8Array} {
  const fine = bars.interval,
    n = bars.start.length;
  if (!(interval > 0) || interval % fine !== 0) throw new RangeError(`rebucket: interval ${interval} is not a multiple of ${fine}`);
  if (gap !== undefined && gap.length !== n) throw new RangeError(`rebucket: ${gap.length} gap flags for ${n} bars`);
  if (interval === fine) return {bars, gap: gap ? Uint8Array.from(gap) : new Uint8Array(n)};
  const lo = n ? bucketStart(bars.start[0], interval) : 0;
  const m = n ? Math.floor((bars.start[n - 1] - lo) / interval) + 1 : 0;
  const out = emptyBars(interval, lo, m),
    flags = new Uint8Array(m),
    f = bucketFold();
  for (let i0 = 0, i1 = 0; i0 < n; i0 = i1) {
    const k = Math.floor((bars.start[i0] - lo) / interval);
    while (++i1 < n && Math.floor((bars.start[i1] - lo) / interval) === k);
    foldBars(bars, gap, i0, i1, f);
    flags[k] = f.gap;
    if (f.count === 0) continue;
    ((out.open[k] = f.open), (out.high[k] = f.high), (out.low[k] = f.low), (out.close[k] = f.close));
    ((out.volume[k] = f.volume),
      (out.quoteVolume[k] = f.quoteVolume),
      (out.count[k] = f.count),
      (out.takerBuyVolume[k] = f.takerBuyVolume));
    out.vwap[k] = f.quoteVolume / f.volume;
  }
  return {bars: out, gap: flags};
}
