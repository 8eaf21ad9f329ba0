// A persistent time-series chart for long, often-updated series: the axes, grid and label are two SVG
// layers (./chartAxes.ts: the x one and the y one, each redrawn only when its domain changes), and the
// series — lines decimated min/max per pixel column of the axis (./decimate.ts), areas, horizontal
// rules, trade marks, gap spans — go on a <canvas> laid over them. A live frame that changes only the
// last rows redraws only the pixel columns from the first changed row on, decimating only their rows:
// a few hundred points instead of every series over 86,400 bars. The axes are redrawn when data leave
// their domains, which keep some headroom while live. The layers are ./chartLayers.ts, where they land
// on screen ./chartScales.ts, their painting ./drawLayers.ts. A second canvas above them (the overlay)
// holds the crosshair and the brush (./crosshair.ts, ./chartZoom.ts), so a pointer move never redraws
// the data; a view (a zoom) narrows the x domain the data are drawn on.
import * as Plot from "@observablehq/plot";
import {type ChartData, context2d, decimateLayers, type Series, seriesX, shapeOf, xExtent, yExtent} from "./chartLayers.js";
import {xAxisLayer, yAxisLayer} from "./chartAxes.js";
import {type Axes, type ChartScales, chartScales, lowerBound, marginRight, marginTop} from "./chartScales.js";
import {DecimationCache} from "./decimationCache.js";
import {drawLayers} from "./drawLayers.js";
import {PaintCache, paintKey} from "./paintCache.js";

export interface CanvasChartOptions {
  height?: number;
  marginLeft?: number;
  /** A colour legend above the chart, drawn once. */
  legend?: {domain: string[]; range: string[]};
}

/** How many SVGs of each axes layer a chart keeps for reuse. */
const keptAxes = 4;

/** The element `layers` keeps for `key`, else a new one from `make`; the most recently used kept. */
function kept(layers: Map<string, SVGSVGElement>, key: string, make: () => SVGSVGElement): SVGSVGElement {
  const layer = layers.get(key) ?? make();
  layers.delete(key);
  layers.set(key, layer); // the most recently used last
  for (const old of layers.keys()) if (layers.size > keptAxes) layers.delete(old);
  return layer;
}

export class CanvasChart {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  /**
   * What the series are painted on: the canvas's OffscreenCanvas where there is one (a canvas element's
   * pixels go to the compositor in the main thread's commit: ~6 ms a slider move for the pair report's
   * four charts, often a frame missed; an OffscreenCanvas's, 0.2 ms), else the canvas.
   */
  private readonly surface: HTMLCanvasElement | OffscreenCanvas;
  private readonly overlay: HTMLCanvasElement;
  /** The element pointer and keyboard handlers attach to: the axes and canvases. */
  readonly holder: HTMLDivElement;
  private readonly height: number;
  private readonly marginLeft: number;
  private width = 0;
  private data: ChartData | null = null;
  private axes: Axes | null = null;
  private view: [number, number] | null = null;
  private marks: {cursor: number | null; brush: [number, number] | null} = {cursor: null, brush: null};
  /** What the canvas shows (layers' shape, rows), for a partial redraw; null when unknown. */
  private shown: {shape: string; rows: number} | null = null;
  private drawn = 0;
  private partial = 0;
  private readonly observer: ResizeObserver;
  /**
   * Whether the chart is in the viewport: off screen, the overlay is not drawn (a hover redrew the
   * crosshair on every chart of the page, ~9 canvases a frame to raster and composite) and is drawn
   * when the chart comes into view, if a mark changed meanwhile.
   */
  private onScreen = true;
  private overlayStale = false;
  /** Whether the overlay is clear (sizing a canvas clears it). */
  private overlayBlank = true;
  private readonly visibility: IntersectionObserver;
  /** The latest axes layers drawn, by everything they show (./chartAxes.ts). */
  private readonly xLayers = new Map<string, SVGSVGElement>();
  private readonly yLayers = new Map<string, SVGSVGElement>();
  /** The series decimated lately (a hedge switched back draws them again without decimating). */
  private readonly decimated = new DecimationCache(16);
  /** The last full paints (./paintCache.ts). */
  private readonly paints = new PaintCache(2);

  constructor({height = 200, marginLeft = 50, legend}: CanvasChartOptions = {}) {
    this.height = height;
    this.marginLeft = marginLeft;
    this.element = document.createElement("div");
    this.element.className = "pb-canvas-chart";
    this.element.style.position = "relative";
    if (legend) this.element.append(Plot.legend({color: {type: "ordinal", domain: legend.domain, range: legend.range}}));
    this.holder = document.createElement("div");
    this.canvas = document.createElement("canvas");
    this.canvas.style.cssText = "position:absolute;pointer-events:none;";
    // The canvas sits at the SVG's origin inside the holder: no layout read (offsetTop) per redraw.
    this.holder.style.position = "relative";
    this.holder.className = "pb-chart-plot";
    // A drag here brushes or pans: it must not select the axes' tick labels as text.
    this.holder.style.userSelect = "none";
    this.canvas.style.left = this.canvas.style.top = "0";
    this.surface = typeof this.canvas.transferControlToOffscreen === "function" ? this.canvas.transferControlToOffscreen() : this.canvas;
    this.overlay = document.createElement("canvas");
    this.overlay.style.cssText = "position:absolute;left:0;top:0;pointer-events:none;";
    this.element.append(this.holder);
    this.observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      if (w > 0 && w !== this.width) ((this.width = w), (this.axes = null), this.render(false));
    });
    this.observer.observe(this.element);
    this.visibility = new IntersectionObserver((entries) => {
      // The latest of a batch (one callback can carry an element's leaving and its coming back).
      this.onScreen = entries[entries.length - 1].isIntersecting;
      if (this.onScreen && this.overlayStale) this.mark({});
    });
    this.visibility.observe(this.element);
  }

  /**
   * Shows `data`. `live`: the same view grown by live bars, so the axes stay unless the data leave them
   * (with headroom); otherwise the domains are fitted afresh. `from`, with `live`: the first row of
   * the series that differs from the previous update (earlier rows are as drawn), so only the pixel
   * columns from that row on are redrawn. `keepPaint`: a full paint is kept for its return (a hedge
   * switch's: ./paintCache.ts), not only one painted before.
   */
  update(data: ChartData, {live = false, from, keepPaint = false}: {live?: boolean; from?: number; keepPaint?: boolean} = {}): void {
    this.data = data;
    if (this.width > 0) this.render(live, from, keepPaint);
    else this.shown = null;
  }

  /** The width drawn at (0 before the element is laid out). */
  get plotWidth(): number {
    return this.width;
  }

  /** Shows the times `view` [from, to] ms only (null: all), redrawing at once. */
  setView(view: [number, number] | null): void {
    this.view = view;
    if (this.width > 0) this.render(false);
  }

  /** The current frame and mappings (null before the first draw). */
  get scales(): ChartScales | null {
    const a = this.axes;
    if (!a) return null;
    return chartScales(
      a,
      this.width,
      this.height,
      this.marginLeft,
      Math.max(50, this.width - this.marginLeft - marginRight) / (a.x[1] - a.x[0]),
    );
  }

  /** Draws the overlay (on screen; off screen once in view): a vertical line at time `cursor`, a shaded `brush` [from, to] (null: none). O(1). */
  mark(marks: Partial<{cursor: number | null; brush: [number, number] | null}>): void {
    this.marks = {...this.marks, ...marks};
    this.overlayStale = !this.onScreen;
    if (this.overlayStale) return;
    const ctx = this.overlay.getContext("2d"),
      s = this.scales;
    if (!ctx || !s) return;
    const dpr = globalThis.devicePixelRatio || 1,
      {cursor, brush} = this.marks;
    // A blank overlay left untouched: a cleared canvas is a changed one, copied to the compositor again (a
    // slider redrawing four charts cleared four blank overlays).
    if (!brush && cursor === null && this.overlayBlank) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    this.overlayBlank = !brush; // and false once the cursor's line is drawn
    if (brush) {
      const x0 = Math.max(s.left, Math.min(s.px(brush[0]), s.px(brush[1]))),
        x1 = Math.min(s.right, Math.max(s.px(brush[0]), s.px(brush[1])));
      ctx.fillStyle = "rgba(66,105,208,0.15)";
      if (x1 > x0) ctx.fillRect(x0, s.top, x1 - x0, s.bottom - s.top);
    }
    if (cursor !== null) {
      // Tested before rounding: the last bar lies on the right edge (the keyboard's first stop).
      const px = s.px(cursor);
      if (px < s.left || px > s.right) return;
      const x = Math.round(px) + 0.5;
      ctx.strokeStyle = "#333";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, s.top);
      ctx.lineTo(x, s.bottom);
      ctx.stroke();
      this.overlayBlank = false;
    }
  }

  /** The series' pixels as painted (device pixels, premultiplied RGBA), for tests; null before the first paint. */
  pixels(): ImageData | null {
    const ctx = context2d(this.surface);
    return ctx && this.surface.width > 0 ? ctx.getImageData(0, 0, this.surface.width, this.surface.height) : null;
  }

  /** Stops observing the element's size and visibility. */
  dispose(): void {
    this.observer.disconnect();
    this.visibility.disconnect();
  }

  private render(live: boolean, from?: number, keepPaint = false): void {
    const data = this.data;
    if (!data) return;
    const pixels = Math.max(50, this.width - this.marginLeft - marginRight);
    const view = this.view;
    let [x0, x1] = view ?? data.xDomain ?? xExtent(data.layers);
    if (!(x1 >= x0)) ((x0 = Date.now() - 3600e3), (x1 = Date.now()));
    if (x1 - x0 < (data.minSpan ?? 1000)) x1 = x0 + (data.minSpan ?? 1000);
    const key = `${this.width}|${data.yLabel}|${data.yDomain?.join(",") ?? ""}|${view?.join(",") ?? ""}|${data.yRight?.labels.join(",") ?? ""}`;
    const prev = live && this.axes?.key === key ? this.axes : null;
    const keepX = prev !== null && x0 >= prev.x[0] && x1 <= prev.x[1];
    // Live: headroom of 5% of the span to the right and 10% of the range above and below.
    const xd: [number, number] = keepX ? prev.x : [x0, live && !view ? x1 + 0.05 * (x1 - x0) : x1];
    const k = pixels / (xd[1] - xd[0]);
    // Partial: clear and redraw from 5 pixel columns before that of row `from` (a new trade mark's
    // left edge reaches 4 px back), decimating from the rows of two columns before that, so that every
    // stroke reaching into the cleared columns is redrawn.
    const shape = shapeOf(data.layers),
      x = seriesX(data.layers),
      rows = x?.length ?? 0,
      shown = this.shown;
    let clip = -1,
      start = 0;
    if (keepX && x && from !== undefined && shape !== "" && shown?.shape === shape && rows >= shown.rows) {
      if (from >= rows && rows === shown.rows) return; // nothing new
      clip = Math.max(0, Math.floor((x[Math.min(from, rows - 1)] - xd[0]) * k) - 5);
      start = lowerBound(x, xd[0] + (clip - 2) / k);
    }
    let series = decimateLayers(data.layers, xd, k, start, this.decimated);
    let [y0, y1] = data.yDomain ?? yExtent(data.layers, series);
    const keepY = keepX && (data.yDomain !== undefined || (y0 >= prev.y[0] && y1 <= prev.y[1]));
    if (clip >= 0 && !keepY) {
      // The new rows leave the y axis: new axes, everything redrawn.
      ((clip = -1), (series = decimateLayers(data.layers, xd, k, 0, this.decimated)));
      [y0, y1] = yExtent(data.layers, series);
    }
    if (!keepX || !keepY) {
      const range = y1 - y0;
      const yd: [number, number] = data.yDomain ?? (live ? [y0 - 0.1 * range, y1 + 0.1 * range] : [y0 - 0.03 * range, y1 + 0.03 * range]);
      // The same axes again (a slider that leaves this chart's domains, e.g. the correlation's): keep the SVG.
      const a = this.axes;
      if (!(a && a.key === key && a.x[0] === xd[0] && a.x[1] === xd[1] && a.y[0] === yd[0] && a.y[1] === yd[1]))
        this.drawAxes(xd, yd, data.yLabel, data.yRight);
      this.axes = {key, x: xd, y: yd};
      // data-x-domain: the times shown (for tests); the overlay follows the new axes.
      this.element.setAttribute("data-x-domain", `${xd[0]},${xd[1]}`);
      this.mark({});
    }
    this.drawCanvas(data, series, clip, k, keepPaint);
    this.shown = {shape, rows};
    // data-drawn counts redraws, data-partial those of the last columns only (for tests).
    this.element.setAttribute("data-drawn", String(++this.drawn));
    if (clip >= 0) this.element.setAttribute("data-partial", String(++this.partial));
  }

  private drawAxes(x: [number, number], y: [number, number], label: string, right?: ChartData["yRight"]): void {
    const pixels = Math.max(50, this.width - this.marginLeft - marginRight),
      s = chartScales({key: "", x, y}, this.width, this.height, this.marginLeft, pixels / (x[1] - x[0])),
      size = `${this.width}|${this.height}|${this.marginLeft}|${globalThis.devicePixelRatio || 1}`;
    // Each layer is rebuilt only when what it shows changed (a slider: the y layer only), and kept a
    // while for reuse (a hedge switched back, a zoom undone).
    const xLayer = kept(this.xLayers, `${size}|${x.join()}`, () => xAxisLayer(s, x, this.width, this.height)),
      rightKey = right ? `${right.label}|${right.ticks.join()}|${right.labels.join()}` : "",
      yLayer = kept(this.yLayers, `${size}|${y.join()}|${label}|${rightKey}`, () =>
        yAxisLayer(s, y, label, right, this.width, this.height, marginTop, marginRight),
      );
    // Only the layers swapped, the canvases left in place; they are sized again only when the size
    // changed (setting a canvas' width, even to the same value, drops its pixels and backing store). The
    // series' canvas is sized through its surface (an OffscreenCanvas's element has no size of its own).
    const [first, second] = this.holder.children;
    if (first === this.canvas || !first) this.holder.replaceChildren(yLayer, xLayer, this.canvas, this.overlay);
    else {
      if (first !== yLayer) first.replaceWith(yLayer);
      if (second !== xLayer) second.replaceWith(xLayer);
    }
    const dpr = globalThis.devicePixelRatio || 1,
      w = Math.round(this.width * dpr),
      h = Math.round(this.height * dpr);
    const sized = [[this.surface, this.canvas] as const, [this.overlay, this.overlay] as const];
    for (const [c, element] of sized) {
      if (c.width === w && c.height === h) continue;
      c.width = w;
      c.height = h;
      if (c === this.overlay) this.overlayBlank = true;
      element.style.width = `${this.width}px`;
      element.style.height = `${this.height}px`;
    }
  }

  /** Draws every layer, or with `clip` ≥ 0 only the pixel columns from `clip` on (over what is there). */
  private drawCanvas(data: ChartData, series: Series, clip: number, perMs: number, keepPaint: boolean): void {
    const ctx = context2d(this.surface),
      a = this.axes!;
    if (!ctx) return;
    // A whole paint of what the canvas showed a switch or two ago: copied back, not painted again.
    const frame = `${this.width}|${this.height}|${globalThis.devicePixelRatio || 1}|${this.marginLeft}|${a.x.join()}|${a.y.join()}|${perMs}`,
      key = clip < 0 ? paintKey(data.layers, frame) : null;
    if (key !== null && this.paints.take(key, this.surface)) return;
    drawLayers(ctx, data, series, chartScales(a, this.width, this.height, this.marginLeft, perMs), clip, this.width, this.height);
    if (key !== null) this.paints.keep(key, this.surface, keepPaint);
  }
}
