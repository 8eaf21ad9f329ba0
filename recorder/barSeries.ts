// The recent bars the live hub keeps per symbol and interval, built from src/lib/bars.ts (the same
// definition the loaders use), so a snapshot equals what resample() gives for the same trades. They go
// to pages as WireBars (src/protocol/liveWire.ts).
import {addTrade, type Bar, barOf, bucketStart, type Trade} from "../src/lib/bars.js";

/** Adds a trade to the bar list (sorted by start), creating its bar if needed. Returns the bar touched. */
export function upsert(list: Bar[], trade: Trade, interval: number, maxBars: number): Bar | undefined {
  const start = bucketStart(trade.time, interval);
  for (let i = list.length - 1; i >= 0; --i) {
    if (list[i].start === start) return addTrade(list[i], trade);
    if (list[i].start < start) {
      const bar = barOf(trade, interval);
      list.splice(i + 1, 0, bar);
      if (list.length > maxBars) list.shift();
      return bar;
    }
  }
  if (list.length >= maxBars) return undefined; // older than anything kept
  const bar = barOf(trade, interval);
  list.unshift(bar);
  return bar;
}

/**
 * Bars of a coarser interval built from the 1-second bars kept so far, so a first subscriber to 1m
 * also gets a snapshot. Folding bars (first open, last close, extremes, sums) gives exactly the bar
 * the same trades would give, since every 1 s bucket lies inside one coarser bucket.
 */
export function fromSeconds(seconds: readonly Bar[], interval: number): Bar[] {
  const out: Bar[] = [];
  for (const bar of seconds) {
    const start = bucketStart(bar.start, interval);
    const last = out[out.length - 1];
    if (!last || last.start !== start) {
      out.push({...bar, start});
      continue;
    }
    if (bar.openTime < last.openTime || (bar.openTime === last.openTime && bar.firstId < last.firstId))
      ((last.open = bar.open), (last.openTime = bar.openTime), (last.firstId = bar.firstId));
    if (bar.closeTime > last.closeTime || (bar.closeTime === last.closeTime && bar.lastId > last.lastId))
      ((last.close = bar.close), (last.closeTime = bar.closeTime), (last.lastId = bar.lastId));
    last.high = Math.max(last.high, bar.high);
    last.low = Math.min(last.low, bar.low);
    last.volume += bar.volume;
    last.quoteVolume += bar.quoteVolume;
    last.count += bar.count;
    last.takerBuyVolume += bar.takerBuyVolume;
    last.vwap = last.quoteVolume / last.volume;
  }
  return out;
}
