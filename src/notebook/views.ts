// What the notebook module (./index.ts) hands a research page, computed from a decoded bars file: one
// symbol's bars, a pair or a basket at a chosen interval. Pure (no FileAttachment), so tests build a
// bars file in memory and call these directly.
import {type BarColumns, intervals} from "../lib/bars.js";
import {rebucket} from "../lib/rebucket.js";
import {pairView, type PairView} from "../lib/stream/pairView.js";
import type {BarsFile} from "../protocol/barsFile.js";

/** Options shared by the views: the bar interval (default: the file's own) and a lookback in ms. */
export interface ViewOptions {
  /** "1s", "1m", "5m", "15m" or "1h"; a multiple of the file's interval (default the file's). */
  readonly interval?: string;
  /** Keep the last `lookbackMs` only (default: everything in the file). */
  readonly lookbackMs?: number;
}

/** Several symbols' closes on the buckets where every leg has a price and none is in a recorded gap. */
export interface Basket {
  readonly symbols: readonly string[];
  readonly intervalMs: number;
  readonly time: Float64Array;
  /** One close series per symbol, in the order of `symbols`. */
  readonly closes: readonly Float64Array[];
}

/** Milliseconds of `interval`, checked against the file: RangeError unless a multiple of its base interval. */
export function viewInterval(file: BarsFile, interval: string = file.meta.interval): number {
  const ms = Object.hasOwn(intervals, interval) ? intervals[interval as keyof typeof intervals] : NaN;
  const base = file.meta.intervalMs;
  if (!(ms >= base && ms % base === 0))
    throw new RangeError(`invalid interval: ${JSON.stringify(interval)} (expected one of ${intervalChoices(file).join(", ")})`);
  return ms;
}

/** The intervals a page may offer for this file: its base interval and the coarser multiples. */
export function intervalChoices(file: BarsFile): string[] {
  const base = file.meta.intervalMs;
  return Object.entries(intervals)
    .filter(([, ms]) => ms >= base && ms % base === 0)
    .map(([name]) => name);
}

function legOf(file: BarsFile, symbol: string) {
  const leg = file.symbols.get(symbol);
  if (!leg)
    throw new RangeError(`unknown symbol: ${JSON.stringify(symbol)} (this build has ${[...file.symbols.keys()].join(", ") || "none"})`);
  return leg;
}

/**
 * One symbol's bars at `interval` (OHLCV, VWAP, taker buy volume, trade count) with their gap flags,
 * the last `lookbackMs` only. O(n).
 *
 *   symbolBars(file, "BTCUSDT", {interval: "1m"}).bars.close
 */
export function symbolBars(
  file: BarsFile,
  symbol: string,
  {interval, lookbackMs = Infinity}: ViewOptions = {},
): {bars: BarColumns; gap: Uint8Array} {
  const {bars, gap} = rebucket(legOf(file, symbol).bars, viewInterval(file, interval), legOf(file, symbol).gap);
  const n = bars.start.length;
  let k = 0;
  if (n > 0 && Number.isFinite(lookbackMs)) while (k < n && bars.start[k] < bars.start[n - 1] + bars.interval - lookbackMs) ++k;
  if (k === 0) return {bars, gap};
  const cut = (x: Float64Array) => x.subarray(k);
  const {interval: ms, start, open, high, low, close, volume, quoteVolume, count, vwap, takerBuyVolume} = bars;
  return {
    bars: {
      interval: ms,
      ...{start: cut(start), open: cut(open), high: cut(high), low: cut(low), close: cut(close), volume: cut(volume)},
      ...{quoteVolume: cut(quoteVolume), count: cut(count), vwap: cut(vwap), takerBuyVolume: cut(takerBuyVolume)},
    },
    gap: gap.subarray(k),
  };
}

/**
 * A pair as the pair reports analyse it (`pairView`): both closes aligned at `interval`, buckets in a
 * recorded gap left out (`gaps` lists them for shading), plus both legs' bars. O(n).
 *
 *   pairOf(file, "BTCUSDT", "ETHUSDT", {interval: "1m"}).a
 */
export function pairOf(file: BarsFile, a: string, b: string, {interval, lookbackMs}: ViewOptions = {}): PairView {
  return pairView(legOf(file, a), legOf(file, b), {intervalMs: viewInterval(file, interval), lookbackMs});
}

/**
 * Closes of 2 or more symbols on the buckets every pairwise alignment with the first symbol keeps
 * (`pairView` rules: no leg in a recorded gap, each has traded). A close carried over an empty bucket
 * depends on its own leg only, so the first leg's closes agree across the pairs. O(n·k).
 *
 *   basketOf(file, ["BTCUSDT", "ETHUSDT", "SOLUSDT"], {interval: "1m"}).closes[2]
 */
export function basketOf(file: BarsFile, symbols: readonly string[], options: ViewOptions = {}): Basket {
  if (symbols.length < 2) throw new RangeError(`basket: ${symbols.length} symbol(s) (expected 2 or more)`);
  if (new Set(symbols).size !== symbols.length) throw new RangeError(`basket: a symbol appears twice in ${symbols.join(", ")}`);
  const views = symbols.slice(1).map((s) => pairOf(file, symbols[0], s, options));
  // Each view's rows are ascending times: count, per time, how many views keep it.
  const seen = new Map<number, number>();
  for (const v of views) for (const t of v.time) seen.set(t, (seen.get(t) ?? 0) + 1);
  const time = Float64Array.from([...seen].filter(([, k]) => k === views.length).map(([t]) => t)).sort();
  const closes = [views[0].a, ...views.map((v) => v.b)].map(() => new Float64Array(time.length));
  views.forEach((v, j) => {
    let r = 0;
    for (let i = 0; i < v.time.length && r < time.length; ++i) {
      if (v.time[i] !== time[r]) continue;
      if (j === 0) closes[0][r] = v.a[i];
      closes[j + 1][r++] = v.b[i];
    }
  });
  return {symbols: [...symbols], intervalMs: viewInterval(file, options.interval), time, closes};
}

/** The pair a build features: its overview's first pair (PAIRBOOK_PAIR) whose legs it holds; else its first two symbols; null with fewer. */
export function featuredOf(file: BarsFile, pairs: readonly {readonly a: string; readonly b: string}[]): [string, string] | null {
  const held = pairs.find((p) => file.symbols.has(p.a) && file.symbols.has(p.b));
  if (held) return [held.a, held.b];
  const names = [...file.symbols.keys()];
  return names.length >= 2 ? [names[0], names[1]] : null;
}
