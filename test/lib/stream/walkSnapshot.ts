// A bars file of two legs for the stream tests: one-second bars of legs A and B, random walks from
// 60,000 and 3,000 (Xorshift128), a share of the seconds empty (NaN close, no trades), no gaps.
import type {BarsFile, SymbolBars} from "../../../src/protocol/barsFile.js";
import {Xorshift128} from "../series.js";

/** The first bar's start. */
export const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** n one-second bars of legs A and B; each second empty with probability `emptyShare`. */
export function walkSnapshot(n: number, seed: number, emptyShare: number): BarsFile {
  const rng = new Xorshift128(seed),
    time = Float64Array.from({length: n}, (_, i) => t0 + i * 1000);
  const leg = (p: number): SymbolBars => {
    const close = new Float64Array(n),
      count = new Float64Array(n),
      zero = new Float64Array(n);
    for (let i = 0; i < n; ++i) {
      p *= 1 + 1e-3 * rng.normal();
      const empty = rng.uniform() < emptyShare;
      ((close[i] = empty ? NaN : p), (count[i] = empty ? 0 : 3));
    }
    const bars = {interval: 1000, start: time, open: close, high: close, low: close, close, volume: zero, quoteVolume: zero};
    return {bars: {...bars, count, vwap: close, takerBuyVolume: zero}, gap: new Uint8Array(n)};
  };
  const meta = {symbols: ["A", "B"], interval: "1s", intervalMs: 1000, from: t0, to: t0 + n * 1000, builtAt: t0 + n * 1000};
  return {
    meta: {...meta, trades: {}, gaps: [], liveUrl: ""},
    time,
    symbols: new Map([
      ["A", leg(60_000)],
      ["B", leg(3_000)],
    ]),
  };
}
