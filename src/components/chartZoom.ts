// Zoom and pan in time, shared by a page's time charts (./canvasChart.ts): drag across a chart to zoom
// to that span (a brush drawn on every chart's overlay), Shift-drag to pan, double-click to show all
// bars again. The view only narrows what is drawn: the statistics keep to the lookback. The view is
// written to the URL as `?zoom=<fromMs>-<toMs>` (./zoomParam.ts) and read from it at load.
import {replaceSearch} from "../client/urlState.js";
import type {CanvasChart} from "./canvasChart.js";
import {parseZoom, withZoom} from "./zoomParam.js";

/** Where the zoom is kept in the URL: the query string now, and how to replace it (no new history entry). */
export interface ZoomUrl {
  read(): string;
  write(search: string): void;
}

const browserUrl: ZoomUrl = {
  read: () => location.search,
  write: replaceSearch,
};

export class ChartZoom {
  /** The times shown [from, to] ms, or null for all bars. */
  view: [number, number] | null = null;
  /** A notice for a malformed zoom in the URL at load (null if none). */
  readonly notice: string | null;
  private drag: {chart: CanvasChart; x: number; t: number; perMs: number; view: [number, number]; pan: boolean} | null = null;

  /**
   * Zoom on `charts`; `extent` gives the bars' [first, last] time and the least span to zoom to (null
   * while there are none), `onChange` is called after every change of the view.
   */
  constructor(
    private readonly charts: readonly CanvasChart[],
    private readonly extent: () => {from: number; to: number; minSpan: number} | null,
    private readonly onChange: (view: [number, number] | null) => void = () => {},
    private readonly url: ZoomUrl = browserUrl,
  ) {
    const p = parseZoom(url.read());
    this.notice = p.notice;
    if (p.zoom) this.set(p.zoom, false);
    for (const chart of charts) {
      const h = chart.holder;
      h.style.touchAction = "pan-y";
      h.addEventListener("pointerdown", (e) => {
        const s = chart.scales;
        if (!s || e.button !== 0) return;
        const x = e.clientX - h.getBoundingClientRect().left;
        this.drag = {chart, x, t: s.time(x), perMs: s.perMs, view: [s.time(s.left), s.time(s.right)], pan: e.shiftKey};
        h.setPointerCapture(e.pointerId);
      });
      // A move without a drag (a hover) does nothing here, not even a call.
      h.addEventListener("pointermove", (e) => this.drag && this.move(e, false));
      h.addEventListener("pointerup", (e) => this.move(e, true));
      h.addEventListener("pointercancel", () => this.end());
      h.addEventListener("dblclick", () => this.set(null));
    }
  }

  /** Shows `view` (clamped to the bars, at least their least span) on every chart; null shows all bars. */
  set(view: readonly [number, number] | null, write = true): void {
    let v: [number, number] | null = view ? [view[0], view[1]] : null;
    const e = this.extent();
    if (v && e) {
      const span = Math.max(e.minSpan, Math.min(v[1] - v[0], e.to - e.from));
      v[0] = Math.max(e.from, Math.min(v[0], e.to - span));
      v[1] = v[0] + span;
      if (v[0] <= e.from && v[1] >= e.to) v = null;
    }
    this.view = v;
    for (const c of this.charts) c.setView(v);
    if (write) this.url.write(withZoom(this.url.read(), v));
    this.onChange(v);
  }

  private move(e: PointerEvent, up: boolean): void {
    const d = this.drag;
    if (!d) return;
    const s = d.chart.scales;
    if (!s) return this.end();
    const x = e.clientX - d.chart.holder.getBoundingClientRect().left;
    if (d.pan) {
      // The drag's distance in time at the scale the drag started on.
      const dt = (d.x - x) / d.perMs;
      if (dt !== 0) this.set([d.view[0] + dt, d.view[1] + dt], up);
      if (up) this.end();
      return;
    }
    const t = s.time(x),
      brush: [number, number] = [Math.min(d.t, t), Math.max(d.t, t)];
    if (!up) {
      for (const c of this.charts) c.mark({brush});
      return;
    }
    this.end();
    if (Math.abs(x - d.x) >= 4) this.set(brush);
  }

  private end(): void {
    this.drag = null;
    for (const c of this.charts) c.mark({brush: null});
  }
}
