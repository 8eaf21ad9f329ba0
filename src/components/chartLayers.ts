// What a canvas chart (./canvasChart.ts) draws: its layers, the data they make, and what is computed
// from the layers alone — extents, the decimated series, and what must hold for a partial redraw.
import type {ChartScales} from "./chartScales.js";
import {axisColumns, decimateColumns, visibleRows} from "./decimate.js";
import type {DecimationCache} from "./decimationCache.js";

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

/** A 2D context a chart paints on: its canvas's, or that canvas's OffscreenCanvas's (./canvasChart.ts). */
export type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** The 2D context of a canvas or an OffscreenCanvas (null where it has none). */
export function context2d(c: HTMLCanvasElement | OffscreenCanvas): Canvas2D | null {
  return typeof OffscreenCanvas !== "undefined" && c instanceof OffscreenCanvas
    ? c.getContext("2d")
    : (c as HTMLCanvasElement).getContext("2d");
}

/**
 * A layer that folds and paints its own rows (candles and volume bars, ./candleLayer.ts): `columns`
 * makes its points for the axis (y: every value it draws, for the y extent), `draw` paints what the
 * last `columns` made (`clip` as in drawLayers).
 */
export interface CustomLayer {
  type: "custom";
  x: ArrayLike<number>;
  /** Its style, for partial redraws (shapeOf). */
  shape: string;
  columns(xd: readonly [number, number], perMs: number, start: number): {x: Float64Array; y: Float64Array};
  draw(ctx: Canvas2D, scales: ChartScales, clip: number): void;
}

export type Layer = LineLayer | AreaLayer | RuleLayer | DotLayer | SpanLayer | CustomLayer;

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
  /** A second y axis on the right: tick positions (in the left axis' units), their labels, a title. */
  yRight?: {ticks: readonly number[]; labels: readonly string[]; label: string};
}

/** Decimated points of the line and area layers (null for the others). */
export type Series = ({x: Float64Array; y: Float64Array} | null)[];

/** Extent of x over the layers with series (x sorted ascending in each). */
export function xExtent(layers: readonly Layer[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const l of layers) {
    if ((l.type === "line" || l.type === "area" || l.type === "custom") && l.x.length)
      ((lo = Math.min(lo, l.x[0])), (hi = Math.max(hi, l.x[l.x.length - 1])));
  }
  return [lo, hi];
}

/** Extent of the decimated series (min/max picks keep it exact), with 0 for areas and the rules. */
export function yExtent(layers: readonly Layer[], series: Series): [number, number] {
  let y0 = Infinity,
    y1 = -Infinity;
  layers.forEach((l, i) => {
    const d = series[i];
    if (!d) return;
    const k = l.type === "line" ? (l.scale ?? 1) : 1;
    for (let j = 0; j < d.y.length; ++j) {
      const v = d.y[j] * k;
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
    }
    if (l.type === "area") ((y0 = Math.min(y0, 0)), (y1 = Math.max(y1, 0)));
  });
  for (const l of layers) if (l.type === "rule") ((y0 = Math.min(y0, l.y)), (y1 = Math.max(y1, l.y)));
  if (!(y1 >= y0)) ((y0 = 0), (y1 = 1));
  if (y1 === y0) ((y0 -= 0.5), (y1 += 0.5));
  return [y0, y1];
}

/** The x of the series layers (they share one in a chart of the same bars), or null. */
export function seriesX(layers: readonly Layer[]): ArrayLike<number> | null {
  for (const l of layers) if (l.type === "line" || l.type === "area" || l.type === "custom") return l.x;
  return null;
}

/** What must be equal between two updates for a partial redraw (layer kinds and styles); "" if none may be partial. */
export function shapeOf(layers: readonly Layer[]): string {
  const x = seriesX(layers);
  if (!x || layers.some((l) => l.type === "line" && (l.dash?.length || l.x !== x))) return "";
  return layers
    .map((l) =>
      l.type === "line"
        ? `l${l.stroke}${l.width}${l.opacity}${l.scale}`
        : l.type === "area"
          ? `a${l.fill}`
          : l.type === "rule"
            ? `r${l.y}${l.stroke}`
            : l.type === "custom"
              ? `c${l.shape}`
              : l.type[0],
    )
    .join("|");
}

/**
 * Min/max per pixel column of the axis `xd` (`perMs` pixels per ms), of the line and area layers'
 * rows from `start` on that the axis shows (./decimate.ts `visibleRows`: a zoomed chart decimates
 * only its view's rows, an unzoomed one all rows); layers sharing an x share the columns. With a
 * `cache`, whole series (start 0) it holds are taken from it (./decimationCache.ts).
 * O(rows shown) per layer not held.
 */
export function decimateLayers(
  layers: readonly Layer[],
  xd: readonly [number, number],
  perMs: number,
  start: number,
  cache?: DecimationCache,
): Series {
  const columns = new Map<ArrayLike<number>, Int32Array>(),
    axis = `${xd[0]}|${xd[1]}|${perMs}|${start}`;
  const columnsOf = (x: ArrayLike<number>) => {
    let c = columns.get(x);
    if (!c) {
      const [from, to] = visibleRows(x, xd[0], xd[1]);
      columns.set(x, (c = axisColumns(x, xd[0], perMs, Math.max(start, from), to)));
    }
    return c;
  };
  return layers.map((l) => {
    if (l.type === "custom") return l.columns(xd, perMs, start);
    if (l.type !== "line" && l.type !== "area") return null;
    // A live frame's last columns (start > 0) change with every bar: not kept.
    if (cache && start === 0) return cache.decimate(l.x, l.y, axis, () => columnsOf(l.x));
    return decimateColumns(l.x, l.y, columnsOf(l.x));
  });
}
