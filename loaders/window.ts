// The one lookback rule of the notebook's build: which range of bars every loader covers.
import {bucketStart} from "../src/lib/bars.js";

/**
 * The build's window [from, to): whole buckets of `interval` ms ending with the one that holds the
 * latest trade (`last`), at most `lookbackMs` long, and never starting before the bucket of the first
 * trade (`first`), so a young lake gives a short window. Times in ms since the UTC epoch.
 *   lookbackWindow(first, last, 1000, 24 * 3600_000)
 */
export function lookbackWindow(first: number, last: number, interval: number, lookbackMs: number): {from: number; to: number} {
  const to = bucketStart(last, interval) + interval;
  return {from: Math.max(to - Math.ceil(lookbackMs / interval) * interval, bucketStart(first, interval)), to};
}
