// Where a canvas chart's values land on screen: the plot frame inside the margins and the mappings
// from time and value to pixels, shared by the axes, the canvas layers and the pointer code (./crosshair.ts, ./chartZoom.ts).

/** Margins around the plot frame, but the left one (a chart option). */
export const marginRight = 20,
  marginTop = 20,
  marginBottom = 30;

/** The domains the axes show, and the key of what else they depend on (width, label, fixed y). */
export interface Axes {
  key: string;
  x: [number, number];
  y: [number, number];
}

/** The plot frame in CSS pixels and the value → pixel mappings for one set of axes. */
export interface ChartScales {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Pixels per ms along x. */
  perMs: number;
  /** x pixel of time `t` (ms). */
  px: (t: number) => number;
  /** y pixel of value `v`, clamped to the y domain. */
  py: (v: number) => number;
  /** Time (ms) at x pixel `x`: the inverse of `px`, for pointer code. */
  time: (x: number) => number;
  /** Pixel column (from the frame's left edge) of time `t`. */
  column: (t: number) => number;
}

/**
 * The frame and mappings of `axes` on a chart `width` × `height` with `marginLeft`, at `perMs` pixels
 * per ms (the plot width over the x domain's span).
 *
 *   const {px, py} = chartScales(axes, 640, 200, 50, pixels / (axes.x[1] - axes.x[0]));
 */
export function chartScales(axes: Axes, width: number, height: number, marginLeft: number, perMs: number): ChartScales {
  const left = marginLeft,
    right = width - marginRight,
    top = marginTop,
    bottom = height - marginBottom;
  const [x0] = axes.x,
    [y0, y1] = axes.y,
    sy = (bottom - top) / (y1 - y0);
  return {
    left,
    right,
    top,
    bottom,
    perMs,
    px: (t) => left + (t - x0) * perMs,
    time: (x) => x0 + (x - left) / perMs,
    py: (v) => bottom - (Math.min(y1, Math.max(y0, v)) - y0) * sy,
    column: (t) => Math.floor((t - x0) * perMs),
  };
}

/** First index of sorted x at or after v: the row of a time (a pixel column's first row). */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0,
    hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
