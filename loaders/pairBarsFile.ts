// A pair report's bars file (src/pairs/[pair].arrow.ts): the bars file of both legs with only the
// columns the report draws — time; per leg open, high, low, close, volume, taker buy volume (candles,
// volume and taker panels), trade count and gap flag. The quote volume (VWAP) is left out: the report
// does not show it, and at 86,400 bars each Float64 column is 0.7 MB the page fetches before it draws.
// The metadata (BarsMeta, with perpetual legs' funding events: loaders/pairFunding.ts) is kept whole.
import {tableFromIPC, tableToIPC} from "apache-arrow";
import {type BarsContent, type BarsFileOptions, encodeBarsFile} from "../src/protocol/barsFile.js";

/** The per-leg columns a pair report's bars file keeps (besides `time`). */
export const pairBarFields = ["open", "high", "low", "close", "volume", "takerBuyVolume", "count", "gap"] as const;

/**
 * Encodes `content` as a bars file (Arrow IPC stream) holding `time` and each leg's `pairBarFields`.
 *
 *   process.stdout.write(pairBarsFile(await loadLakeBars(lake, pair, options), {interval: "1s", builtAt: Date.now(), liveUrl}));
 */
export function pairBarsFile(content: BarsContent, options: BarsFileOptions): Uint8Array {
  const full = tableFromIPC(encodeBarsFile(content, options));
  const kept = ["time", ...content.legs.flatMap(({symbol}) => pairBarFields.map((f) => `${symbol}.${f}`))];
  return tableToIPC(full.select(kept), "stream");
}
