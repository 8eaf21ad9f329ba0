// The notebook module: what a research page (src/research/*.md) imports to get this build's bars, pairs,
// baskets and the standard charts without knowing the bars file or its decoder. Everything comes from
// the one bars file of every symbol (src/data/bars.arrow.ts), fetched and decoded once per page.
//
//   import {info, pair, basket, charts} from "../notebook/index.js";
//   const {featured} = await info();                        // e.g. ["BTCUSDT", "ETHUSDT"]
//   const p = await pair(...featured, {interval: "1m"});     // p.time, p.a, p.b: aligned closes
//   display(charts.prices({time: p.time, a: p.a, b: p.b, names: featured}, {width: 640}));
//
// The analytics are src/lib's (import them from "../lib/…js"): this module only shapes the data.
import {FileAttachment} from "observablehq:stdlib";
import {backtestStatsTable, tradePnlHistogram, underwaterChart} from "../components/backtestCharts.js";
import {equityChart, heatmap, pricesChart, seriesChart, spreadChart, zscoreChart} from "../components/charts.js";
import {linesChart} from "../components/linesChart.js";
import {fmt} from "../components/reportTables.js";
import type {BarColumns} from "../lib/bars.js";
import type {PairView} from "../lib/stream/pairView.js";
import type {Overview} from "../protocol/overview.js";
import {type BarsFile, decodeBarsFile} from "../protocol/barsFile.js";
import {type Basket, basketOf, featuredOf, intervalChoices, pairOf, symbolBars, type ViewOptions} from "./views.js";

export type {Basket, ViewOptions};

let loaded: Promise<{file: BarsFile; overview: Overview}> | undefined;

function load() {
  // Both literal paths are relative to this module; Framework ships the files with every page importing it.
  loaded ??= Promise.all([FileAttachment("../data/bars.arrow").arrayBuffer(), FileAttachment("../data/overview.json").json()]).then(
    ([bytes, overview]) => ({file: decodeBarsFile(bytes), overview: overview as Overview}),
  );
  return loaded;
}

/** What this build holds. */
export interface NotebookInfo {
  /** Every symbol with bars, in the lake's order. */
  readonly symbols: readonly string[];
  /** The featured pair (PAIRBOOK_PAIR, else the first two symbols); null with fewer than two symbols. */
  readonly featured: [string, string] | null;
  /** The base interval ("1s"…) and every interval `bars`/`pair`/`basket` accept. */
  readonly interval: string;
  readonly intervals: readonly string[];
  /** Covered range [from, to) and build time, ms since the UTC epoch (from/to null for an empty lake). */
  readonly from: number | null;
  readonly to: number | null;
  readonly builtAt: number;
}

/**
 * The symbols, featured pair, intervals and time range of this build.
 *
 *   const {symbols, featured, intervals} = await info();
 */
export async function info(): Promise<NotebookInfo> {
  const {file, overview} = await load();
  const {interval, from, to, builtAt} = file.meta;
  return {
    symbols: [...file.symbols.keys()],
    featured: featuredOf(file, overview.pairs),
    interval,
    intervals: intervalChoices(file),
    from,
    to,
    builtAt,
  };
}

/**
 * One symbol's bars (open … close, volume, vwap, takerBuyVolume, count; `start` their times) and gap flags.
 *
 *   const {bars: btc} = await bars("BTCUSDT", {interval: "5m"}); // btc.close, btc.start
 */
export async function bars(symbol: string, options: ViewOptions = {}): Promise<{bars: BarColumns; gap: Uint8Array}> {
  return symbolBars((await load()).file, symbol, options);
}

/**
 * Two symbols' closes aligned as the pair reports align them (gap buckets left out; `gaps` to shade).
 *
 *   const {time, a, b, gaps} = await pair("BTCUSDT", "ETHUSDT", {interval: "1m"});
 */
export async function pair(a: string, b: string, options: ViewOptions = {}): Promise<PairView> {
  return pairOf((await load()).file, a, b, options);
}

/**
 * Closes of several symbols on their common buckets, for basket analytics (src/lib/basketReport.ts).
 *
 *   const {time, closes: [btc, eth, sol]} = await basket(["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
 */
export async function basket(symbols: readonly string[], options: ViewOptions = {}): Promise<Basket> {
  return basketOf((await load()).file, symbols, options);
}

/**
 * The standard charts and tables, each `(data, {width}) → Node` (see src/components/ for each's data):
 * prices (two legs rebased to 100), spread (with bands), zscore (with rule lines and fills), series (one
 * line), lines (several named lines), equity (PnL and drawdown), underwater, tradePnl (histogram),
 * heatmap, statsTable (backtestStats); `fmt` formats a number as the tables do.
 *
 *   display(charts.lines({time, series: [{name: "β", y: beta}], label: "hedge ratio"}, {width}));
 */
export const charts = {
  prices: pricesChart,
  spread: spreadChart,
  zscore: zscoreChart,
  series: seriesChart,
  lines: linesChart,
  equity: equityChart,
  underwater: underwaterChart,
  tradePnl: tradePnlHistogram,
  heatmap,
  statsTable: backtestStatsTable,
  fmt,
} as const;
