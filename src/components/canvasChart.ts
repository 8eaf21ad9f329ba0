// A persistent time-series chart for long, often-updated series: Plot draws only the axes, grid and
// label (an SVG, redrawn only when the domains change), and the series — lines decimated min/max per
// pixel (./decimate.ts), areas, horizontal rules, trade marks, gap spans — go on a <canvas> laid over
// it. A live frame costs one canvas redraw (a few ms at 86,400 points); the axes are redrawn when data
// leave their domains, which keep some headroom while live.
import * as Plot from "@observablehq/plot";
import {decimateColumns, pixelColumns} from "./decimate.js";

export interface LineLayer {
  type: "line";
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  stroke: string;
  width?: number;
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

export class CanvasChart {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly holder: HTMLDivElement;
  private readonly height: number;
  private readonly marginLeft: number;
  private width = 0;
  private data: ChartData | null = null;
  private axes: {key: string; x: [number, number]; y: [number, number]} | null = null;
  private drawn = 0;
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
   * (with headroom); otherwise the domains are fitted afresh.
   */
  update(data: ChartData, {live = false}: {live?: boolean} = {}): void {
    this.data = data;
    if (this.width > 0) this.render(live);
  }

  /** The width drawn at (0 before the element is laid out). */
  get plotWidth(): number {
    return this.width;
  }

  /** Stops observing the element's size. */
  dispose(): void {
    this.observer.disconnect();
  }

  private render(live: boolean): void {
    const data = this.data;
    if (!data) return;
    const pixels = Math.max(50, this.width - this.marginLeft - marginRight);
    // Decimate once; the y extent is taken from the decimated points (min/max picks keep it exact).
    // Pixel columns once per time axis (the layers usually share one), then one pass per series.
    const columns = new Map<ArrayLike<number>, Int32Array | null>();
    const series = data.layers.map((l) => {
      if (l.type !== "line" && l.type !== "area") return null;
      if (!columns.has(l.x)) columns.set(l.x, pixelColumns(l.x, pixels));
      return decimateColumns(l.x, l.y, columns.get(l.x)!);
    });
    let [x0, x1] = xExtent(data.layers);
    if (!(x1 >= x0)) (x0 = Date.now() - 3600e3), (x1 = Date.now());
    if (x1 === x0) x1 = x0 + 1000;
    let y0 = Infinity, y1 = -Infinity;
    if (data.yDomain) [y0, y1] = data.yDomain;
    else {
      data.layers.forEach((l, i) => {
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
      for (const l of data.layers) if (l.type === "rule") (y0 = Math.min(y0, l.y)), (y1 = Math.max(y1, l.y));
      if (!(y1 >= y0)) (y0 = 0), (y1 = 1);
      if (y1 === y0) (y0 -= 0.5), (y1 += 0.5);
    }
    const key = `${this.width}|${data.yLabel}|${data.yDomain ?? ""}`;
    const a = this.axes;
    const fits = a && a.key === key && x0 >= a.x[0] && x1 <= a.x[1] && y0 >= a.y[0] && y1 <= a.y[1];
    if (!live || !fits) {
      // Live: headroom of 5% of the span to the right and 10% of the range above and below.
      const span = x1 - x0, range = y1 - y0;
      const xd: [number, number] = [x0, live ? x1 + 0.05 * span : x1];
      const yd: [number, number] = data.yDomain ?? (live ? [y0 - 0.1 * range, y1 + 0.1 * range] : [y0 - 0.03 * range, y1 + 0.03 * range]);
      this.drawAxes(xd, yd, data.yLabel);
      this.axes = {key, x: xd, y: yd};
    }
    this.drawCanvas(data, series);
    this.element.setAttribute("data-drawn", String(++this.drawn));
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

  private drawCanvas(data: ChartData, series: readonly ({x: Float64Array; y: Float64Array} | null)[]): void {
    const a = this.axes!, ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const left = this.marginLeft, right = this.width - marginRight, top = marginTop, bottom = this.height - marginBottom;
    const sx = (right - left) / (a.x[1] - a.x[0]), sy = (bottom - top) / (a.y[1] - a.y[0]);
    const px = (v: number) => left + (v - a.x[0]) * sx;
    const py = (v: number) => bottom - (Math.min(a.y[1], Math.max(a.y[0], v)) - a.y[0]) * sy;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 4, right - left, bottom - top + 8);
    ctx.clip();
    data.layers.forEach((l, i) => {
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      if (l.type === "spans") {
        ctx.fillStyle = l.fill;
        ctx.globalAlpha = l.opacity ?? 0.18;
        for (const s of l.spans) ctx.fillRect(px(s.from), top, Math.max(1, px(s.to) - px(s.from)), bottom - top);
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
        ctx.lineWidth = l.width ?? 1.5;
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
        for (const dot of l.dots) {
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
