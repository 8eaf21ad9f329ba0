// The pair report's candles and volume bars as canvas-chart layers (./chartLayers.ts `CustomLayer`):
// at most one candle (or volume bar) per pixel column, the bars of a column folded (./candleColumns.ts),
// so 86,400 bars draw as ~1,000 rectangles in two fills (rising, falling).
import type {Candles} from "../lib/stream/rowCandles.js";
import {type CandleColumns, candleColumns} from "./candleColumns.js";
import type {Canvas2D, CustomLayer} from "./chartLayers.js";
import {type ChartScales, lowerBound} from "./chartScales.js";

export const candleColors = {up: "#22a06b", down: "#d03050"} as const;
/** Taker buy volume (bottom of a volume bar) and taker sell volume (the rest, on top). */
export const volumeColors = {buy: "#22a06b", sell: "#d03050"} as const;

/** Where a column's candle goes: its left edge and width in pixels (a bar's width when wider than a pixel). */
function slot(s: ChartScales, t: number, barPx: number): [number, number] {
  if (barPx < 3) return [Math.floor(s.px(t)), 1];
  const w = Math.max(1, Math.floor(barPx * 0.7));
  return [Math.round(s.px(t) + (barPx - w) / 2), w];
}

/** A layer folding `candles` at rows `x` into columns; `points` picks the values the y extent covers. */
function columnLayer(
  x: ArrayLike<number>,
  candles: Candles,
  shape: string,
  points: (c: CandleColumns, j: number) => [number, number],
  paint: (ctx: Canvas2D, s: ChartScales, c: CandleColumns, barPx: number) => void,
  intervalMs: number,
): CustomLayer {
  let folded: CandleColumns | null = null;
  return {
    type: "custom",
    x,
    shape,
    columns(xd, perMs, start) {
      // The rows the axis shows, from `start` on (a partial redraw's first column).
      const from = Math.max(start, lowerBound(x, xd[0] - intervalMs)),
        to = lowerBound(x, xd[1] + 1);
      const c = (folded = candleColumns(x, candles, xd[0], perMs, from, to)),
        px = new Float64Array(2 * c.length),
        py = new Float64Array(2 * c.length);
      for (let j = 0; j < c.length; ++j) {
        const [lo, hi] = points(c, j);
        ((px[2 * j] = px[2 * j + 1] = c.x[j]), (py[2 * j] = lo), (py[2 * j + 1] = hi));
      }
      return {x: px, y: py};
    },
    draw(ctx, s) {
      if (folded) paint(ctx, s, folded, intervalMs * s.perMs);
    },
  };
}

/**
 * Candlesticks of `candles` at rows `x` (bars of `intervalMs`): a wick from low to high and a body from
 * open to close, green when the close is at or above the open, red below.
 */
export function candleLayer(x: ArrayLike<number>, candles: Candles, intervalMs: number): CustomLayer {
  return columnLayer(
    x,
    candles,
    `candles${intervalMs}`,
    (c, j) => [c.low[j], c.high[j]],
    (ctx, s, c, barPx) => {
      for (const up of [true, false]) {
        ctx.fillStyle = up ? candleColors.up : candleColors.down;
        ctx.beginPath();
        for (let j = 0; j < c.length; ++j) {
          if (c.close[j] >= c.open[j] !== up) continue;
          const [left, w] = slot(s, c.x[j], barPx),
            mid = left + Math.floor(w / 2),
            yh = s.py(c.high[j]),
            yl = s.py(c.low[j]),
            yo = s.py(c.open[j]),
            yc = s.py(c.close[j]);
          ctx.rect(mid, yh, 1, Math.max(1, yl - yh));
          if (w > 1) ctx.rect(left, Math.min(yo, yc), w, Math.max(1, Math.abs(yo - yc)));
        }
        ctx.fill();
      }
    },
    intervalMs,
  );
}

/**
 * Volume bars of `candles` at rows `x`, stacked from 0: the taker buy volume (green) at the bottom and
 * the taker sell volume (volume − taker buy, red) above it, so a bar's height is the volume.
 */
export function volumeLayer(x: ArrayLike<number>, candles: Candles, intervalMs: number): CustomLayer {
  return columnLayer(
    x,
    candles,
    `volume${intervalMs}`,
    (c, j) => [0, c.volume[j]],
    (ctx, s, c, barPx) => {
      const zero = s.py(0);
      for (const buy of [true, false]) {
        ctx.fillStyle = buy ? volumeColors.buy : volumeColors.sell;
        ctx.globalAlpha = 0.75;
        ctx.beginPath();
        for (let j = 0; j < c.length; ++j) {
          const [left, w] = slot(s, c.x[j], barPx),
            yb = s.py(c.takerBuyVolume[j]),
            yv = s.py(c.volume[j]);
          if (buy && zero - yb > 0) ctx.rect(left, yb, w, zero - yb);
          else if (!buy && yb - yv > 0) ctx.rect(left, yv, w, yb - yv);
        }
        ctx.fill();
      }
    },
    intervalMs,
  );
}
