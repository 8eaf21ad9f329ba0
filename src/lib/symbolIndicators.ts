// One symbol as the symbol page shows it (src/symbols/[symbol].md): its bars at the chosen interval over
// the chosen lookback, and every indicator of the page on them, computed from the bars alone with the
// functions the fixtures check (test/lib/indicators.test.ts). A live bar recomputes the whole view:
// each indicator is O(n) (the regime's thresholds O(n log n)), a few milliseconds at 86,400 bars.
import type {SymbolBars} from "./bars.js";
import {takerImbalance, vwap} from "./barFlow.js";
import {bollinger} from "./bollinger.js";
import {macd} from "./macd.js";
import {rebucket} from "./rebucket.js";
import {rollingHurst} from "./rollingHurst.js";
import {rsi} from "./rsi.js";
import {rollingVolatility, type VolatilityRegime} from "./volatility.js";

/** Every indicator's parameters, in bars of the chosen interval (the page's controls). */
export interface IndicatorParams {
  /** VWAP window; 0: cumulative from the first bar shown. */
  vwap: number;
  rsi: number;
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
  bollinger: number;
  bollingerK: number;
  /** Taker imbalance window. */
  flow: number;
  /** Realized volatility window (also the regime's warm-up). */
  volatility: number;
  hurstWindow: number;
  hurstLag: number;
}

export const defaultIndicatorParams: Readonly<IndicatorParams> = {
  vwap: 0,
  rsi: 14,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  bollinger: 20,
  bollingerK: 2,
  flow: 10,
  volatility: 60,
  hurstWindow: 300,
  hurstLag: 20,
};

export interface SymbolView {
  /** Bucket starts, from the first bucket with a trade. */
  readonly time: Float64Array;
  /** The buckets' own prices (NaN where nothing traded: no candle) and volumes. */
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly takerBuyVolume: Float64Array;
  /** The last close carried over buckets without trades: what the price indicators read. */
  readonly price: Float64Array;
  /** 1: the bucket overlaps a recorded gap. */
  readonly gap: Uint8Array;
}

export interface SymbolIndicators {
  readonly vwap: Float64Array;
  readonly rsi: Float64Array;
  readonly macd: {readonly macd: Float64Array; readonly signal: Float64Array; readonly histogram: Float64Array};
  readonly bollinger: {readonly middle: Float64Array; readonly upper: Float64Array; readonly lower: Float64Array};
  readonly imbalance: Float64Array;
  readonly volatility: Float64Array;
  readonly regime: readonly (VolatilityRegime | null)[];
  readonly lowThreshold: Float64Array;
  readonly highThreshold: Float64Array;
  readonly hurst: Float64Array;
}

/**
 * The symbol's bars rebucketed to `intervalMs`, the last `lookbackMs` kept, starting at the first
 * bucket with a trade. O(n).
 *
 *   symbolView(feed.bars.bars("BTCUSDT"), {intervalMs: 60_000}).price
 */
export function symbolView(leg: SymbolBars, {intervalMs, lookbackMs = Infinity}: {intervalMs: number; lookbackMs?: number}): SymbolView {
  const {bars, gap} = rebucket(leg.bars, intervalMs, leg.gap),
    n = bars.start.length;
  let from = 0;
  if (n && Number.isFinite(lookbackMs)) while (from < n && bars.start[from] < bars.start[n - 1] + intervalMs - lookbackMs) ++from;
  while (from < n && !(bars.count[from] > 0)) ++from;
  const cut = (x: Float64Array) => x.subarray(from),
    close = cut(bars.close),
    price = Float64Array.from(close);
  for (let i = 1; i < price.length; ++i) if (Number.isNaN(price[i])) price[i] = price[i - 1];
  return {
    time: cut(bars.start),
    open: cut(bars.open),
    high: cut(bars.high),
    low: cut(bars.low),
    close,
    volume: cut(bars.volume),
    quoteVolume: cut(bars.quoteVolume),
    takerBuyVolume: cut(bars.takerBuyVolume),
    price,
    gap: gap.subarray(from),
  };
}

/**
 * Every indicator of the symbol page on `view` with `params` (windows in bars): VWAP (./barFlow.ts),
 * RSI (Wilder), MACD, Bollinger bands, taker imbalance, realized volatility with its expanding-quantile
 * regime (terciles; no look-ahead, ./volatility.ts) and the rolling Hurst exponent (./rollingHurst.ts).
 * Windows longer than the view give NaN series, not errors. O(n·hurstLag + n log n).
 *
 *   symbolIndicators(symbolView(leg, {intervalMs: 1000}), defaultIndicatorParams).rsi
 */
export function symbolIndicators(view: SymbolView, p: IndicatorParams): SymbolIndicators {
  const {price} = view,
    n = price.length;
  const volatility = rollingVolatility(price, Math.max(2, p.volatility));
  return {
    vwap: vwap(view, p.vwap > 0 ? p.vwap : undefined),
    rsi: rsi(price, p.rsi),
    macd: macd(price, {fast: p.macdFast, slow: Math.max(p.macdSlow, p.macdFast + 1), signal: p.macdSignal}),
    bollinger: bollinger(price, {window: Math.max(2, p.bollinger), k: p.bollingerK}),
    imbalance: takerImbalance(view, p.flow),
    volatility: volatility.volatility,
    regime: volatility.regime,
    lowThreshold: volatility.lowThreshold,
    highThreshold: volatility.highThreshold,
    hurst:
      n > p.hurstWindow
        ? rollingHurst(price, {window: p.hurstWindow, maxLag: Math.min(p.hurstLag, p.hurstWindow - 1)})
        : new Float64Array(n).fill(NaN),
  };
}

/** The runs of rows where `on(i)` holds, as time spans [time[first], time[last] + intervalMs). O(n). */
export function spansOf(time: ArrayLike<number>, intervalMs: number, on: (i: number) => boolean): {from: number; to: number}[] {
  const spans: {from: number; to: number}[] = [];
  for (let i = 0; i < time.length; ++i) {
    if (!on(i)) continue;
    const from = time[i];
    while (i + 1 < time.length && on(i + 1)) ++i;
    spans.push({from, to: time[i] + intervalMs});
  }
  return spans;
}
