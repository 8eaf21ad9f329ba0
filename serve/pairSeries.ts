// A pair's close series as the API analyses it: each leg cut to the bars from its first trade to its
// last one in the range, then aligned as the pair pages align them (src/lib alignBars): the series
// starts at the first bar where both legs have traded, carries a close only between two trades of a
// leg (never before its first or past its last), and leaves gap-flagged buckets out.
import {type AlignedBars, alignBars} from "../src/lib/align.js";
import type {BarColumns} from "../src/lib/bars.js";
import type {BarsLeg} from "../src/protocol/barsFile.js";

/** The bars of `leg` from its first traded bucket to its last (views on the same buffers), with their gap flags. */
export function tradedSpan(leg: BarsLeg): {bars: BarColumns; gap: Uint8Array} {
  const {bars, gap} = leg;
  let lo = 0,
    hi = bars.count.length;
  while (lo < hi && !(bars.count[lo] > 0)) ++lo;
  while (hi > lo && !(bars.count[hi - 1] > 0)) --hi;
  const cut = (x: Float64Array) => x.subarray(lo, hi);
  return {
    bars: {
      interval: bars.interval,
      start: cut(bars.start),
      open: cut(bars.open),
      high: cut(bars.high),
      low: cut(bars.low),
      close: cut(bars.close),
      volume: cut(bars.volume),
      quoteVolume: cut(bars.quoteVolume),
      count: cut(bars.count),
      vwap: cut(bars.vwap),
      takerBuyVolume: cut(bars.takerBuyVolume),
    },
    gap: gap.subarray(lo, hi),
  };
}

/** The aligned closes of two legs (see the top of this file). O(bars). */
export function pairCloses(a: BarsLeg, b: BarsLeg): AlignedBars {
  const sa = tradedSpan(a),
    sb = tradedSpan(b);
  return alignBars(sa.bars, sb.bars, {gapA: sa.gap, gapB: sb.gap});
}

/** The closes of one leg from its first trade to its last, carried forward over empty buckets, gap-flagged ones left out. */
export function symbolCloses(leg: BarsLeg): {time: Float64Array; close: Float64Array} {
  const {bars, gap} = tradedSpan(leg);
  const time: number[] = [],
    close: number[] = [];
  let last = NaN;
  for (let k = 0; k < bars.start.length; ++k) {
    // A gap-flagged bucket may lack trades: no close is carried across it.
    if (gap[k]) {
      last = NaN;
      continue;
    }
    if (!Number.isNaN(bars.close[k])) last = bars.close[k];
    if (Number.isNaN(last)) continue;
    (time.push(bars.start[k]), close.push(last));
  }
  return {time: Float64Array.from(time), close: Float64Array.from(close)};
}
