// Plot specs for the pages, as small typed components: (data, {width, ...}) → Node. Long series are
// decimated min/max per pixel column (./decimate.ts) so 86,400 bars redraw in milliseconds.
import * as Plot from "@observablehq/plot";
import {decimate} from "./decimate.js";

export interface ChartOptions {
  width: number;
  height?: number;
}

export interface GapSpan {
  from: number;
  to: number;
}

const plotWidth = (width: number) => Math.max(200, width - 70);

/** Rows for Plot from decimated columns: the same arrays, indexed. */
function line(time: ArrayLike<number>, y: ArrayLike<number>, width: number, options: Plot.LineYOptions & {z?: string} = {}) {
  const d = decimate(time, y, plotWidth(width));
  return Plot.lineY({length: d.x.length}, {...options, x: d.x, y: d.y});
}

function gapMarks(gaps: readonly GapSpan[] | undefined) {
  return gaps?.length ? [Plot.rectX(gaps, {x1: "from", x2: "to", fill: "#e8590c", fillOpacity: 0.18})] : [];
}

/** Both legs' closes, each normalized to 100 at the first bar so they share an axis; gaps shaded. */
export function pricesChart(
  {
    time,
    a,
    b,
    names,
    gaps,
  }: {time: ArrayLike<number>; a: ArrayLike<number>; b: ArrayLike<number>; names: [string, string]; gaps?: readonly GapSpan[]},
  {width, height = 240}: ChartOptions,
): Node {
  // Decimate first, then normalize the few points left (the scaling keeps the min/max picks).
  const w = plotWidth(width),
    da = decimate(time, a, w),
    db = decimate(time, b, w);
  const a0 = a[0],
    b0 = b[0];
  for (let i = 0; i < da.y.length; ++i) da.y[i] = (100 * da.y[i]) / a0;
  for (let i = 0; i < db.y.length; ++i) db.y[i] = (100 * db.y[i]) / b0;
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "price (first bar = 100)", grid: true},
    color: {legend: true, domain: names, range: ["#4269d0", "#efb118"]},
    marks: [
      ...gapMarks(gaps),
      Plot.lineY({length: da.x.length}, {x: da.x, y: da.y, stroke: () => names[0]}),
      Plot.lineY({length: db.x.length}, {x: db.x, y: db.y, stroke: () => names[1]}),
    ],
  });
}

/** The spread with its rolling mean and entry bands (mean ± entry·σ). */
export function spreadChart(
  {
    time,
    spread,
    mean,
    upper,
    lower,
    gaps,
    label,
  }: {
    time: ArrayLike<number>;
    spread: ArrayLike<number>;
    mean: ArrayLike<number>;
    upper: ArrayLike<number>;
    lower: ArrayLike<number>;
    gaps?: readonly GapSpan[];
    label: string;
  },
  {width, height = 200}: ChartOptions,
): Node {
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "utc", label: null},
    y: {label, grid: true},
    marks: [
      ...gapMarks(gaps),
      line(time, upper, width, {stroke: "#aaa", strokeDasharray: "3,3"}),
      line(time, lower, width, {stroke: "#aaa", strokeDasharray: "3,3"}),
      // The mean under the spread, thin and translucent: at small windows it follows the spread closely
      // and drawn on top it hid it.
      line(time, mean, width, {stroke: "#ff725c", strokeWidth: 1, strokeOpacity: 0.8}),
      line(time, spread, width, {stroke: "#4269d0", strokeWidth: 1.25}),
    ],
  });
}

export interface TradeMark {
  time: number;
  z: number;
  kind: "long" | "short" | "exit";
}

/** The z-score with the rule's entry, exit and stop lines and the fills the backtest made. */
export function zscoreChart(
  {
    time,
    z,
    entry,
    exit,
    stop,
    trades,
    window,
  }: {
    time: ArrayLike<number>;
    z: ArrayLike<number>;
    entry: number;
    exit: number;
    stop: number | undefined;
    trades: readonly TradeMark[];
    window: number;
  },
  {width, height = 220}: ChartOptions,
): Node {
  const lim = Math.max(4, (stop ?? 0) + 0.5);
  const levels = [entry, -entry].map((y) => ({y, what: "entry"})).concat([exit, -exit].map((y) => ({y, what: "exit"})));
  if (stop !== undefined) levels.push({y: stop, what: "stop"}, {y: -stop, what: "stop"});
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: `z-score (${window}-bar window)`, grid: true, domain: [-lim, lim], clamp: true},
    color: {domain: ["long", "short", "exit"], range: ["#22a06b", "#d03050", "#555"], legend: trades.length > 0},
    marks: [
      Plot.ruleY(levels, {
        y: "y",
        stroke: (d: {what: string}) => (d.what === "entry" ? "#c44" : d.what === "stop" ? "#000" : "#2a9d8f"),
        strokeDasharray: "4,3",
      }),
      line(time, z, width, {stroke: "#7b3fb8"}),
      Plot.dot(thinMarks(trades, plotWidth(width)), {
        x: "time",
        y: "z",
        fill: "kind",
        r: 3.5,
        symbol: (d: TradeMark) => (d.kind === "exit" ? "circle" : d.kind === "long" ? "triangle" : "diamond"),
      }),
    ],
  });
}

/**
 * At most one mark of each kind per pixel column, spread over the whole time range (all trades when
 * they fit): a day of 1-second bars can hold thousands of trades, and keeping only the latest ones
 * bunched the marks at the right edge. O(trades).
 */
export function thinMarks(trades: readonly TradeMark[], pixels: number): TradeMark[] {
  if (trades.length <= pixels) return [...trades];
  let lo = Infinity,
    hi = -Infinity;
  for (const t of trades) ((lo = Math.min(lo, t.time)), (hi = Math.max(hi, t.time)));
  const span = hi - lo || 1,
    cols = Math.max(1, Math.floor(pixels));
  const seen = new Set<string>(),
    out: TradeMark[] = [];
  for (const t of trades) {
    const key = `${t.kind}|${Math.min(cols - 1, Math.floor(((t.time - lo) / span) * cols))}`;
    if (!seen.has(key)) (seen.add(key), out.push(t));
  }
  return out;
}

/** A single series over time (rolling correlation, ingest rate, …). */
export function seriesChart(
  {
    time,
    y,
    label,
    domain,
    color = "#4269d0",
  }: {time: ArrayLike<number>; y: ArrayLike<number>; label: string; domain?: [number, number]; color?: string},
  {width, height = 160}: ChartOptions,
): Node {
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label, grid: true, domain},
    marks: [line(time, y, width, {stroke: color})],
  });
}

/** Backtest equity (cumulative PnL, quote currency per unit of a) above its drawdown. */
export function equityChart(
  {time, equity, drawdown}: {time: ArrayLike<number>; equity: ArrayLike<number>; drawdown: ArrayLike<number>},
  {width, height = 220}: ChartOptions,
): Node {
  const dd = decimate(time, drawdown, plotWidth(width));
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "utc", label: null},
    y: {label: "PnL (equity, drawdown shaded)", grid: true},
    marks: [
      Plot.areaY({length: dd.x.length}, {x: dd.x, y: dd.y, fill: "#d03050", fillOpacity: 0.25}),
      Plot.ruleY([0], {stroke: "currentColor", strokeOpacity: 0.3}),
      line(time, equity, width, {stroke: "#22a06b"}),
    ],
  });
}

export interface HeatCell {
  x: string;
  y: string;
  value: number;
  label?: string;
  [key: string]: unknown;
}

/** A labelled heatmap of cells (pairs × pairs, entry × exit …), optionally with a highlighted cell. */
export function heatmap(
  cells: readonly HeatCell[],
  {
    width,
    height,
    x,
    y,
    scheme = "rdylgn",
    reverse = false,
    domain,
    label,
    selected,
    xDomain,
    yDomain,
  }: ChartOptions & {
    x: string;
    y: string;
    scheme?: string;
    reverse?: boolean;
    domain?: [number, number];
    label: string;
    selected?: {x: string; y: string} | null;
    xDomain?: string[];
    yDomain?: string[];
  },
): SVGSVGElement | HTMLElement {
  const nx = xDomain?.length ?? new Set(cells.map((c) => c.x)).size,
    ny = yDomain?.length ?? new Set(cells.map((c) => c.y)).size;
  return Plot.plot({
    width: Math.min(width, 80 + nx * 70),
    height: height ?? 60 + ny * 34,
    marginLeft: 80,
    marginBottom: 40,
    padding: 0.05,
    x: {label: x, domain: xDomain, tickRotate: nx > 8 ? -45 : 0},
    y: {label: y, domain: yDomain},
    color: {type: "linear", scheme: scheme as never, reverse, domain, legend: true, label},
    marks: [
      Plot.cell(cells, {x: "x", y: "y", fill: "value", tip: true, title: (d: HeatCell) => d.label ?? String(d.value)}),
      Plot.text(cells, {
        x: "x",
        y: "y",
        text: (d: HeatCell) => (Number.isFinite(d.value) ? fmt(d.value) : "—"),
        fill: "black",
        fontSize: 10,
      }),
      ...(selected ? [Plot.cell([selected], {x: "x", y: "y", stroke: "black", strokeWidth: 2.5, fill: "none"})] : []),
    ],
  });
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1000) ? v.toExponential(1) : v.toFixed(a < 1 ? 3 : 2);
}
