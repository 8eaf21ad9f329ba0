// Turns the lake's gap records (lake/gaps.ts reads them) into the time ranges whose bars are flagged.
import type {GapRecord} from "../src/protocol/gaps.js";

/**
 * The time ranges [from, to] (ms, inclusive) in which a symbol's trades are incomplete: its unfilled
 * gaps, from the last trade stored before each to the first after it (a filled gap's ids all came
 * from REST, so its bars are whole). Pass records through `withGapTimes` (lake/gaps.ts) first: a
 * time still null means no stored trade on that side, and the range is open there (−∞ or +∞), since
 * every bucket on that side of the hole may lack its trades.
 *
 *   gapFlags(bars.start, interval, gapRanges(await withGapTimes(connection, lake, gaps), "BTCUSDT"))
 */
export function gapRanges(gaps: readonly GapRecord[], symbol: string): {from: number; to: number}[] {
  const out: {from: number; to: number}[] = [];
  for (const g of gaps) {
    if (g.symbol !== symbol || g.filled) continue;
    out.push({from: g.fromTime ?? -Infinity, to: g.toTime ?? Infinity});
  }
  return out;
}
