// A persistent time-series chart for long, often-updated series: Plot draws only the axes, grid and
// label (an SVG, redrawn only when the domains change), and the series — lines decimated min/max per
// pixel column of the axis (./decimate.ts), areas, horizontal rules, trade marks, gap spans — go on a
// <canvas> laid over it. A live frame that changes only the last rows redraws only the pixel columns
// from the first changed row on, decimating only their rows: a few hundred points instead of every
// series over 86,400 bars. The axes are redrawn when data leave their domains, which keep some
// headroom while live.
import * as Plot from "@observablehq/plot";
import {axisColumns, decimateColumns} from "./decimate.js";

export interface LineLayer {
  type: "line";
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  stroke: string;
  /** Stroke width, at most (and by default) 1 px. */
  width?: number;
  /** Dashes: a dashed series is always redrawn whole (the dash phase runs along the whole line). */
  dash?: number[];
  opacity?: number;
  /** Drawn as y·scale (e.g. 100 / first price); the decimation picks are unchanged by scaling. */
  scale?: number;
}

/** Filled between y and 0. */
export interface AreaLayer {
  type: "area";
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  fill: string;
  opacity?: number;
}

export interface RuleLayer {
  type: "rule";
  y: number;
  stroke: string;
  dash?: number[];
}

/** Marks in x order; of each fill and symbol, the first in a pixel column is drawn. */
export interface DotLayer {
  type: "dots";
  dots: readonly {x: number; y: number; fill: string; symbol: "circle" | "triangle" | "diamond"}[];
}

export interface SpanLayer {
  type: "spans";
  spans: readonly {from: number; to: number}[];
  fill: string;
  opacity?: number;
}

export type Layer = LineLayer | AreaLayer | RuleLayer | DotLayer | SpanLayer;

export interface ChartData {
  layers: readonly Layer[];
  yLabel: string;
  /**
   * The time range to show (default: the series' extent; with no series, the last hour): charts of the
   * same bars pass it so that one still waiting for data (no layers) shares the others' axis.
   */
  xDomain?: [number, number];
  /** The least time span drawn (a single bar spans one bar of time; default 1 s). */
  minSpan?: number;
  /** A fixed y domain (values outside are clamped); default: the data's extent. */
  yDomain?: [number, number];
}

export interface CanvasChartOptions {
  height?: number;
  marginLeft?: number;
  /** A colour legend above the chart, drawn once. */
  legend?: {domain: string[]; range: string[]};
}

const marginRight = 20, marginTop = 20, marginBottom = 30;

/** Extent of x over the layers with series (x sorted ascending in each). */
function xExtent(layers: readonly Layer[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const l of layers) {
    if ((l.type === "line" || l.type === "area") && l.x.length) (lo = Math.min(lo, l.x[0])), (hi = Math.max(hi, l.x[l.x.length - 1]));
  }
  return [lo, hi];
}

/** Extent of the decimated series (min/max picks keep it exact), with 0 for areas and the rules. */
function yExtent(layers: readonly Layer[], series: Series): [number, number] {
  let y0 = Infinity, y1 = -Infinity;
  layers.forEach((l, i) => {
    const d = series[i];
    if (!d) return;
    const k = l.type === "line" ? (l.scale ?? 1) : 1;
    for (let j = 0; j < d.y.length; ++j) {
      const v = d.y[j] * k;
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
    }
    if (l.type === "area") (y0 = Math.min(y0, 0)), (y1 = Math.max(y1, 0));
  });
  for (const l of layers) if (l.type === "rule") (y0 = Math.min(y0, l.y)), (y1 = Math.max(y1, l.y));
  if (!(y1 >= y0)) (y0 = 0), (y1 = 1);
  if (y1 === y0) (y0 -= 0.5), (y1 += 0.5);
  return [y0, y1];
}

/** The x of the series layers (they share one in a chart of the same bars), or null. */
function seriesX(layers: readonly Layer[]): ArrayLike<number> | null {
  for (const l of layers) if (l.type === "line" || l.type === "area") return l.x;
  return null;
}

/** What must be equal between two updates for a partial redraw (layer kinds and styles); "" if none may be partial. */
function shapeOf(layers: readonly Layer[]): string {
  const x = seriesX(layers);
  if (!x || layers.some((l) => l.type === "line" && (l.dash?.length || l.x !== x))) return "";
  return layers.map((l) => (l.type === "line" ? `l${l.stroke}${l.width}${l.opacity}${l.scale}` : l.type === "area" ? `a${l.fill}` : l.type === "rule" ? `r${l.y}${l.stroke}` : l.type[0])).join("|");
}

/** First index of sorted x at or after v. */
function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0, hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Axes {
  key: string;
  x: [number, number];
  y: [number, number];
}

/** Decimated points of the line and area layers (null for the others). */
type Series = ({x: Float64Array; y: Float64Array} | null)[];

export class CanvasChart {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly holder: HTMLDivElement;
  private readonly height: number;
  private readonly marginLeft: number;
  private width = 0;
  private data: ChartData | null = null;
  private axes: Axes | null = null;
  /** What the canvas shows (layers' shape, rows), for a partial redraw; null when unknown. */
  private shown: {shape: string; rows: number} | null = null;
  private drawn = 0;
  private partial = 0;
  private readonly observer: ResizeObserver;

  constructor({height = 200, marginLeft = 50, legend}: CanvasChartOptions = {}) {
    this.height = height;
    this.marginLeft = marginLeft;
    this.element = document.createElement("div");
    this.element.className = "pb-canvas-chart";
    this.element.style.position = "relative";
    if (legend) this.element.append(Plot.legend({color: {type: "ordinal", domain: legend.domain, range: legend.range}}) as Node);
    this.holder = document.createElement("div");
    this.canvas = document.createElement("canvas");
    this.canvas.style.cssText = "position:absolute;pointer-events:none;";
    // The canvas sits at the SVG's origin inside the holder: no layout read (offsetTop) per redraw.
    this.holder.style.position = "relative";
    this.canvas.style.left = this.canvas.style.top = "0";
    this.element.append(this.holder);
    this.observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0 && w !== this.width) (this.width = w), (this.axes = null), this.render(false);
    });
    this.observer.observe(this.element);
  }

  /**
   * Shows `data`. `live`: the same view grown by live bars, so the axes stay unless the data leave them
   * (with headroom); otherwise the domains are fitted afresh. `from`, with `live`: the first row of
   * the series that differs from the previous update (earlier rows are as drawn), so only the pixel
   * columns from that row on are redrawn.
   */
  update(data: ChartData, {live = false, from}: {live?: boolean; from?: number} = {}): void {
    this.data = data;
    if (this.width > 0) this.render(live, from);
    else this.shown = null;
  }

  /** The width drawn at (0 before the element is laid out). */
  get plotWidth(): number {
    return this.width;
  }

  /** Stops observing the element's size. */
  dispose(): void {
    this.observer.disconnect();
  }

  private render(live: boolean, from?: number): void {
    const data = this.data;
    if (!data) return;
    const pixels = Math.max(50, this.width - this.marginLeft - marginRight);
    let [x0, x1] = data.xDomain ?? xExtent(data.layers);
    if (!(x1 >= x0)) (x0 = Date.now() - 3600e3), (x1 = Date.now());
    if (x1 - x0 < (data.minSpan ?? 1000)) x1 = x0 + (data.minSpan ?? 1000);
    const key = `${this.width}|${data.yLabel}|${data.yDomain ?? ""}`;
    const prev = live && this.axes?.key === key ? this.axes : null;
    const keepX = prev !== null && x0 >= prev.x[0] && x1 <= prev.x[1];
    // Live: headroom of 5% of the span to the right and 10% of the range above and below.
    const xd: [number, number] = keepX ? prev.x : [x0, live ? x1 + 0.05 * (x1 - x0) : x1];
    const k = pixels / (xd[1] - xd[0]);
    // Partial: clear and redraw from 5 pixel columns before that of row `from` (a new trade mark's
    // left edge reaches 4 px back), decimating from the rows of two columns before that, so that every
    // stroke reaching into the cleared columns is redrawn.
    const shape = shapeOf(data.layers), x = seriesX(data.layers), rows = x?.length ?? 0, shown = this.shown;
    let clip = -1, start = 0;
    if (keepX && x && from !== undefined && shape !== "" && shown?.shape === shape && rows >= shown.rows) {
      if (from >= rows && rows === shown.rows) return; // nothing new
      clip = Math.max(0, Math.floor((x[Math.min(from, rows - 1)] - xd[0]) * k) - 5);
      start = lowerBound(x, xd[0] + (clip - 2) / k);
    }
    let series = this.decimate(data.layers, xd[0], k, start);
    let [y0, y1] = data.yDomain ?? yExtent(data.layers, series);
    const keepY = keepX && (data.yDomain !== undefined || (y0 >= prev.y[0] && y1 <= prev.y[1]));
    if (clip >= 0 && !keepY) {
      // The new rows leave the y axis: new axes, everything redrawn.
      (clip = -1), (series = this.decimate(data.layers, xd[0], k, 0));
      [y0, y1] = yExtent(data.layers, series);
    }
    if (!keepX || !keepY) {
      const range = y1 - y0;
      const yd: [number, number] = data.yDomain ?? (live ? [y0 - 0.1 * range, y1 + 0.1 * range] : [y0 - 0.03 * range, y1 + 0.03 * range]);
      // The same axes again (a slider that leaves this chart's domains, e.g. the correlation's): keep the SVG.
      const a = this.axes;
      if (!(a && a.key === key && a.x[0] === xd[0] && a.x[1] === xd[1] && a.y[0] === yd[0] && a.y[1] === yd[1])) this.drawAxes(xd, yd, data.yLabel);
      this.axes = {key, x: xd, y: yd};
    }
    this.drawCanvas(data, series, clip, k);
    this.shown = {shape, rows};
    // data-drawn counts redraws, data-partial those of the last columns only (for tests).
    this.element.setAttribute("data-drawn", String(++this.drawn));
    if (clip >= 0) this.element.setAttribute("data-partial", String(++this.partial));
  }

  /** Min/max per pixel column of the axis, of the series' rows from `start` on. */
  private decimate(layers: readonly Layer[], x0: number, perMs: number, start: number): Series {
    const columns = new Map<ArrayLike<number>, Int32Array>();
    return layers.map((l) => {
      if (l.type !== "line" && l.type !== "area") return null;
      let c = columns.get(l.x);
      if (!c) columns.set(l.x, (c = axisColumns(l.x, x0, perMs, start)));
      return decimateColumns(l.x, l.y, c);
    });
  }

  private drawAxes(x: [number, number], y: [number, number], label: string): void {
    const svg = Plot.plot({
      width: this.width, height: this.height, marginLeft: this.marginLeft, marginRight, marginTop, marginBottom,
      x: {type: "utc", domain: [new Date(x[0]), new Date(x[1])], label: null},
      y: {domain: y, label, grid: true},
      marks: [Plot.frame({strokeOpacity: 0})]
    });
    this.holder.replaceChildren(svg, this.canvas);
    const dpr = globalThis.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
  }

  /** Draws every layer, or with `clip` ≥ 0 only the pixel columns from `clip` on (over what is there). */
  private drawCanvas(data: ChartData, series: Series, clip: number, perMs: number): void {
    const a = this.axes!, ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const left = this.marginLeft, right = this.width - marginRight, top = marginTop, bottom = this.height - marginBottom;
    const sy = (bottom - top) / (a.y[1] - a.y[0]);
    const px = (v: number) => left + (v - a.x[0]) * perMs;
    const py = (v: number) => bottom - (Math.min(a.y[1], Math.max(a.y[0], v)) - a.y[0]) * sy;
    const from = clip < 0 ? left : left + clip;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (clip < 0) ctx.clearRect(0, 0, this.width, this.height);
    else ctx.clearRect(from, top - 4, right - from, bottom - top + 8);
    ctx.save();
    ctx.beginPath();
    ctx.rect(from, top - 4, right - from, bottom - top + 8);
    ctx.clip();
    data.layers.forEach((l, i) => {
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      if (l.type === "spans") {
        ctx.fillStyle = l.fill;
        ctx.globalAlpha = l.opacity ?? 0.18;
        for (const s of l.spans) if (px(s.to) >= from) ctx.fillRect(px(s.from), top, Math.max(1, px(s.to) - px(s.from)), bottom - top);
      } else if (l.type === "rule") {
        ctx.strokeStyle = l.stroke;
        ctx.lineWidth = 1;
        ctx.setLineDash(l.dash ?? []);
        ctx.beginPath();
        ctx.moveTo(left, py(l.y));
        ctx.lineTo(right, py(l.y));
        ctx.stroke();
      } else if (l.type === "line") {
        const d = series[i]!, k = l.scale ?? 1;
        ctx.strokeStyle = l.stroke;
        // At most 1 px: Skia draws such strokes as hairlines. A wider stroke of a min/max zigzag
        // (thousands of vertical segments) took ~7 ms per chart to rasterize in software, 1 px < 1 ms.
        ctx.lineWidth = Math.min(1, l.width ?? 1);
        ctx.globalAlpha = l.opacity ?? 1;
        ctx.setLineDash(l.dash ?? []);
        ctx.beginPath();
        let pen = false;
        for (let j = 0; j < d.x.length; ++j) {
          const v = d.y[j];
          if (v !== v) {
            pen = false;
            continue;
          }
          if (pen) ctx.lineTo(px(d.x[j]), py(v * k));
          else ctx.moveTo(px(d.x[j]), py(v * k)), (pen = true);
        }
        ctx.stroke();
      } else if (l.type === "area") {
        const d = series[i]!, zero = py(0);
        ctx.fillStyle = l.fill;
        ctx.globalAlpha = l.opacity ?? 0.25;
        ctx.beginPath();
        let start = -1;
        const close = (j: number) => {
          if (start < 0) return;
          ctx.lineTo(px(d.x[j]), zero), ctx.lineTo(px(d.x[start]), zero), ctx.closePath(), (start = -1);
        };
        for (let j = 0; j < d.x.length; ++j) {
          const v = d.y[j];
          if (v !== v) {
            close(j - 1);
            continue;
          }
          if (start < 0) ctx.moveTo(px(d.x[j]), zero), ctx.lineTo(px(d.x[j]), py(v)), (start = j);
          else ctx.lineTo(px(d.x[j]), py(v));
        }
        close(d.x.length - 1);
        ctx.fill();
      } else {
        // The first mark of each style per pixel column: marks of earlier columns than a partial redraw
        // reaches are skipped whole, so the choice is the same as in a full redraw.
        const last: {fill: string; symbol: string; column: number}[] = [], first = clip < 0 ? -Infinity : clip - 6;
        for (const dot of l.dots) {
          const column = Math.floor((dot.x - a.x[0]) * perMs);
          if (column < first) continue;
          let style = last.find((s) => s.fill === dot.fill && s.symbol === dot.symbol);
          if (!style) last.push((style = {fill: dot.fill, symbol: dot.symbol, column: NaN}));
          if (style.column === column) continue;
          style.column = column;
          const x = px(dot.x), y = py(dot.y), r = 3.5;
          ctx.fillStyle = dot.fill;
          ctx.beginPath();
          if (dot.symbol === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
          else if (dot.symbol === "triangle") ctx.moveTo(x, y - r * 1.2), ctx.lineTo(x + r, y + r * 0.8), ctx.lineTo(x - r, y + r * 0.8), ctx.closePath();
          else ctx.moveTo(x, y - r * 1.2), ctx.lineTo(x + r, y), ctx.lineTo(x, y + r * 1.2), ctx.lineTo(x - r, y), ctx.closePath();
          ctx.fill();
        }
      }
    });
    ctx.restore();
  }
}
