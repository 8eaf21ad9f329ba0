// Paints a canvas chart's layers (./chartLayers.ts) on its canvas, whole or only the pixel columns
// from a given one on (a live frame's partial redraw).
import type {Canvas2D, ChartData, Series} from "./chartLayers.js";
import type {ChartScales} from "./chartScales.js";

/**
 * Draws every layer of `data` (lines and areas from their decimated `series`) with the mappings of
 * `scales`, on a canvas `width` × `height` CSS pixels; with `clip` ≥ 0 only the pixel columns from `clip`
 * on, over what is there. O(decimated points + marks + spans).
 */
export function drawLayers(
  ctx: Canvas2D,
  data: ChartData,
  series: Series,
  scales: ChartScales,
  clip: number,
  width: number,
  height: number,
): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const {left, right, top, bottom, px, py} = scales;
  const from = clip < 0 ? left : left + clip;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (clip < 0) ctx.clearRect(0, 0, width, height);
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
      const d = series[i]!,
        k = l.scale ?? 1;
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
        else (ctx.moveTo(px(d.x[j]), py(v * k)), (pen = true));
      }
      ctx.stroke();
    } else if (l.type === "area") {
      const d = series[i]!,
        zero = py(0);
      ctx.fillStyle = l.fill;
      ctx.globalAlpha = l.opacity ?? 0.25;
      ctx.beginPath();
      let start = -1;
      const close = (j: number) => {
        if (start < 0) return;
        (ctx.lineTo(px(d.x[j]), zero), ctx.lineTo(px(d.x[start]), zero), ctx.closePath(), (start = -1));
      };
      for (let j = 0; j < d.x.length; ++j) {
        const v = d.y[j];
        if (v !== v) {
          close(j - 1);
          continue;
        }
        if (start < 0) (ctx.moveTo(px(d.x[j]), zero), ctx.lineTo(px(d.x[j]), py(v)), (start = j));
        else ctx.lineTo(px(d.x[j]), py(v));
      }
      close(d.x.length - 1);
      ctx.fill();
    } else if (l.type === "custom") l.draw(ctx, scales, clip);
    else {
      // The first mark of each style per pixel column: marks of earlier columns than a partial redraw
      // reaches are skipped whole, so the choice is the same as in a full redraw.
      const last: {fill: string; symbol: string; column: number}[] = [],
        first = clip < 0 ? -Infinity : clip - 6;
      for (const dot of l.dots) {
        const column = scales.column(dot.x);
        if (column < first) continue;
        let style = last.find((s) => s.fill === dot.fill && s.symbol === dot.symbol);
        if (!style) last.push((style = {fill: dot.fill, symbol: dot.symbol, column: NaN}));
        if (style.column === column) continue;
        style.column = column;
        const x = px(dot.x),
          y = py(dot.y),
          r = 3.5;
        ctx.fillStyle = dot.fill;
        ctx.beginPath();
        if (dot.symbol === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
        else if (dot.symbol === "triangle")
          (ctx.moveTo(x, y - r * 1.2), ctx.lineTo(x + r, y + r * 0.8), ctx.lineTo(x - r, y + r * 0.8), ctx.closePath());
        else (ctx.moveTo(x, y - r * 1.2), ctx.lineTo(x + r, y), ctx.lineTo(x, y + r * 1.2), ctx.lineTo(x - r, y), ctx.closePath());
        ctx.fill();
      }
    }
  });
  ctx.restore();
}
