// Several legs' closes on their common rows, for the Johansen test and the correlation matrix: the rule
// of src/lib alignBars (the pair pages') for any number of legs, each leg first cut to the bars from
// its first trade to its last (serve/pairSeries.ts), so no close is carried before a first trade or
// past a last one, and none across a gap-flagged bucket.
import type {BarsLeg} from "../src/protocol/barsFile.js";
import {tradedSpan} from "./pairSeries.js";

/** Common bucket times and each leg's close at them. */
export interface AlignedLegs {
  readonly time: Float64Array;
  readonly closes: readonly Float64Array[];
}

/**
 * The buckets from the latest first trade to the earliest last trade where every leg has a close
 * (carried forward over empty buckets) and none is gap-flagged. For two legs the rows equal alignBars'
 * on the traded spans. O(bars · legs).
 */
export function alignLegs(legs: readonly BarsLeg[]): AlignedLegs {
  const spans = legs.map(tradedSpan);
  if (spans.length === 0 || spans.some((s) => s.bars.start.length === 0))
    return {time: new Float64Array(0), closes: spans.map(() => new Float64Array(0))};
  const interval = spans[0].bars.interval;
  const lo = Math.max(...spans.map((s) => s.bars.start[0]));
  const hi = Math.min(...spans.map((s) => s.bars.start[s.bars.start.length - 1]));
  const last = spans.map(({bars, gap}) => {
    let v = NaN;
    for (let k = 0; k < bars.start.length && bars.start[k] < lo; ++k) v = gap[k] ? NaN : Number.isNaN(bars.close[k]) ? v : bars.close[k];
    return v;
  });
  const time: number[] = [],
    closes: number[][] = spans.map(() => []);
  for (let t = lo; t <= hi; t += interval) {
    let flagged = false;
    spans.forEach(({bars, gap}, i) => {
      const k = Math.round((t - bars.start[0]) / interval);
      if (gap[k]) ((last[i] = NaN), (flagged = true));
      else if (!Number.isNaN(bars.close[k])) last[i] = bars.close[k];
    });
    if (flagged || last.some(Number.isNaN)) continue;
    time.push(t);
    last.forEach((v, i) => closes[i].push(v));
  }
  return {time: Float64Array.from(time), closes: closes.map((c) => Float64Array.from(c))};
}
