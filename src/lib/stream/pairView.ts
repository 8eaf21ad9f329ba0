// A pair as the pages analyse it: both legs' bars at the chosen interval over the chosen lookback,
// closes aligned with gap-flagged buckets left out (src/lib alignBars).
import {type AlignedBars, alignBars} from "../align.js";
import type {BarColumns, SymbolBars} from "../bars.js";
import {rebucket} from "../rebucket.js";

export interface PairView extends AlignedBars {
  readonly intervalMs: number;
  readonly barsA: BarColumns;
  readonly barsB: BarColumns;
  /** Gap flags of barsA and barsB (1 = the bucket overlaps a recorded gap). */
  readonly gapA: Uint8Array;
  readonly gapB: Uint8Array;
}

/** Rebuckets both legs to `intervalMs`, keeps the last `lookbackMs` and aligns their closes. O(n). */
export function pairView(
  legA: SymbolBars,
  legB: SymbolBars,
  {intervalMs, lookbackMs = Infinity}: {intervalMs: number; lookbackMs?: number},
): PairView {
  const ra = rebucket(legA.bars, intervalMs, legA.gap),
    rb = rebucket(legB.bars, intervalMs, legB.gap);
  const barsA = tail(ra.bars, lookbackMs),
    barsB = tail(rb.bars, lookbackMs);
  const gapA = ra.gap.subarray(ra.gap.length - barsA.start.length),
    gapB = rb.gap.subarray(rb.gap.length - barsB.start.length);
  return {...alignBars(barsA, barsB, {gapA, gapB}), intervalMs, barsA, barsB, gapA, gapB};
}

/** The buckets of the last `ms` (views on the same buffers). */
function tail(bars: BarColumns, ms: number): BarColumns {
  const n = bars.start.length;
  if (n === 0 || !Number.isFinite(ms)) return bars;
  const from = bars.start[n - 1] + bars.interval - ms;
  let k = 0;
  while (k < n && bars.start[k] < from) ++k;
  if (k === 0) return bars;
  const cut = (x: Float64Array) => x.subarray(k);
  return {
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
  };
}

/**
 * `pairView` remembering its last result: the page's charts and its fit ask for the same view of the
 * same bars version, and it is computed once.
 */
export function cachedPairView(): (
  version: number,
  legA: SymbolBars,
  legB: SymbolBars,
  options: {intervalMs: number; lookbackMs?: number},
) => PairView {
  let key = "",
    last: PairView | null = null;
  return (version, legA, legB, options) => {
    const k = `${version}|${options.intervalMs}|${options.lookbackMs ?? Infinity}`;
    if (k !== key || !last) ((last = pairView(legA, legB, options)), (key = k));
    return last;
  };
}
