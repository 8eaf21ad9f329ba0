// One vertical crosshair synced across a page's time charts (./canvasChart.ts), with a tooltip of the
// bar's UTC time and every series' value at that bar. A pointer move costs a binary search of the bars'
// times (./chartScales.ts `lowerBound`) and a redraw of each chart's overlay canvas, never of its data.
// Keyboard: every chart is focusable; ←/→ move the crosshair a bar (with Shift, ten), Esc hides it.
import type {CanvasChart} from "./canvasChart.js";
import {lowerBound} from "./chartScales.js";

/** One value of the tooltip: `key` names the series for tests (data-key), `label` for people. */
export interface TooltipValue {
  key: string;
  label: string;
  value: number;
}

/** What the tooltip shows at a bar. */
export interface TooltipContent {
  time: number;
  values: readonly TooltipValue[];
  /** The trades at this bar (e.g. "long entry"), if any. */
  trade: string | null;
}

/** Where the crosshair reads: the bars' times and what to show at a row. */
export interface CrosshairSource {
  time(): ArrayLike<number>;
  describe(row: number): TooltipContent;
}

/** "2026-12-01 15:49:20 UTC" (milliseconds when not whole seconds). */
export function utcText(t: number): string {
  const s = new Date(t).toISOString().replace("T", " ");
  return `${t % 1000 === 0 ? s.slice(0, 19) : s.slice(0, 23)} UTC`;
}

/** Row of the bar nearest time `t` in sorted `time` (−1 when empty). O(log n). */
export function nearestRow(time: ArrayLike<number>, t: number): number {
  const n = time.length;
  if (n === 0) return -1;
  const i = lowerBound(time, t);
  if (i >= n) return n - 1;
  return i > 0 && t - time[i - 1] < time[i] - t ? i - 1 : i;
}

/**
 * Sets a text node's text only when it differs (a move to the next bar changes a few of ~25 values); in
 * place, where setting an element's textContent replaces its text node.
 */
function setText(node: Text, text: string): void {
  if (node.data !== text) node.data = text;
}

export class Crosshair {
  /** The tooltip, placed in the chart the pointer or focus is on. */
  readonly tip = document.createElement("div");
  /** The bar time shown (null: hidden) and the chart holding the tooltip. */
  private t: number | null = null;
  private chart: CanvasChart | null = null;
  /** The tooltip's parts, kept: the time, a row per value, the trades. */
  private readonly head = document.createElement("div");
  private readonly headText = document.createTextNode("");
  private table: HTMLTableElement | null = null;
  /** A row per value: its text nodes, and its data-key and data-value as last written. */
  private readonly rows: {tr: HTMLTableRowElement; label: Text; value: Text; key: string; data: string}[] = [];
  private readonly trade = document.createElement("div");
  private readonly tradeText = document.createTextNode("");

  constructor(
    private readonly charts: readonly CanvasChart[],
    private readonly source: CrosshairSource,
  ) {
    this.tip.className = "pb-tooltip";
    this.tip.setAttribute("role", "status");
    this.tip.style.cssText =
      "position:absolute;z-index:2;pointer-events:none;background:var(--theme-background,#fff);border:1px solid #999;border-radius:4px;padding:4px 6px;font:12px var(--sans-serif,sans-serif);white-space:nowrap;";
    this.tip.hidden = true;
    for (const chart of charts) {
      const h = chart.holder;
      h.tabIndex = 0;
      h.setAttribute(
        "aria-label",
        "time chart: ← and → move the crosshair a bar, Esc hides it; drag to zoom, Shift-drag to pan, double-click to reset",
      );
      h.addEventListener("pointermove", (e) => e.buttons === 0 && this.point(e.clientX, chart));
      h.addEventListener("pointerleave", () => document.activeElement !== h && this.hide());
      h.addEventListener("blur", () => this.hide());
      h.addEventListener("keydown", (e) => this.key(e, chart));
    }
  }

  /** Shows the crosshair at the bar nearest time `t` on every chart, the tooltip in `chart`. */
  at(t: number, chart: CanvasChart): void {
    const time = this.source.time(),
      row = nearestRow(time, t);
    if (row < 0) return this.hide();
    this.show(row, chart);
  }

  /** Hides the crosshair and the tooltip. */
  hide(): void {
    if (this.t === null) return;
    this.t = null;
    this.tip.hidden = true;
    for (const c of this.charts) c.mark({cursor: null});
  }

  /** After new data: the tooltip's values again, at the same bar time. */
  refresh(): void {
    if (this.t !== null && this.chart) this.at(this.t, this.chart);
  }

  /**
   * Runs a pointer move's whole path once (at the middle of the first chart drawn) and hides the
   * crosshair again in the same task (never painted), so the first real move neither builds the
   * tooltip's rows nor compiles its code: the page calls it at idle once the report is drawn, with the
   * tooltip of a bar (`c`). Before any chart is drawn, only the rows for `c`.
   */
  warm(c: TooltipContent | null): void {
    if (!c || this.t !== null) return;
    // The first move compiled ~10 functions (1–3 ms of a 2-core machine's CPU, in the move's frame).
    const chart = this.charts.find((ch) => ch.scales !== null),
      s = chart?.scales;
    if (!chart || !s) return this.fill(c);
    this.point(chart.holder.getBoundingClientRect().left + (s.left + s.right) / 2, chart);
    this.hide();
  }

  /** A pointer at viewport x `clientX` over `chart`: the crosshair at the bar there. */
  private point(clientX: number, chart: CanvasChart): void {
    const s = chart.scales;
    // The holder's box: laid out already in a move's frame (the hit test before the event needs it).
    if (s) this.at(s.time(clientX - chart.holder.getBoundingClientRect().left), chart);
  }

  /**
   * The tooltip's text for `c`, in rows kept from move to move (a move sets ~25 texts; building a new
   * table each move cost a style and layout of new nodes).
   */
  private fill(c: TooltipContent): void {
    if (!this.table) {
      this.head.style.fontWeight = "bold";
      this.head.append(this.headText);
      this.table = document.createElement("table");
      this.table.style.cssText = "border-collapse:collapse;margin:0;";
      this.trade.className = "pb-tooltip-trade";
      this.trade.append(this.tradeText);
      this.tip.append(this.head, this.table, this.trade);
    }
    const rows = this.rows;
    while (rows.length < c.values.length) {
      const tr = this.table.insertRow(),
        label = tr.insertCell().appendChild(document.createTextNode("")),
        cell = tr.insertCell();
      cell.style.cssText = "text-align:right;padding-left:8px;font-variant-numeric:tabular-nums;";
      rows.push({tr, label, value: cell.appendChild(document.createTextNode("")), key: "", data: ""});
    }
    // Fewer values (a series not drawn yet): the extra rows go, so the rows are the values.
    while (rows.length > c.values.length) rows.pop()!.tr.remove();
    for (const [i, r] of rows.entries()) {
      const v = c.values[i],
        data = String(v.value);
      // Attributes written only when they change: each write is a DOM mutation the frame's style pass checks.
      if (r.key !== v.key) r.tr.dataset.key = r.key = v.key;
      if (r.data !== data) r.tr.dataset.value = r.data = data;
      setText(r.label, v.label);
      setText(r.value, Number.isFinite(v.value) ? String(Number(v.value.toPrecision(7))) : "—");
    }
    setText(this.headText, utcText(c.time));
    this.trade.hidden = !c.trade;
    setText(this.tradeText, c.trade ?? "");
  }

  private key(e: KeyboardEvent, chart: CanvasChart): void {
    if (e.key === "Escape") return this.hide();
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const time = this.source.time(),
      n = time.length,
      s = chart.scales;
    if (!n || !s) return;
    // From the bar shown, or else the last bar in view.
    const from = this.t !== null ? nearestRow(time, this.t) : Math.min(n - 1, Math.max(0, lowerBound(time, s.time(s.right) + 1) - 1));
    const step = (e.key === "ArrowLeft" ? -1 : 1) * (e.shiftKey ? 10 : 1);
    this.show(this.t === null ? from : Math.min(n - 1, Math.max(0, from + step)), chart);
  }

  private show(row: number, chart: CanvasChart): void {
    // Layout read before the tooltip's DOM changes: read after them, it forced a layout of the whole
    // page inside the pointer's task (tens of ms with the report's tables; bench/notebookProfile.ts).
    const top = chart.holder.offsetTop;
    const c = this.source.describe(row);
    this.t = c.time;
    for (const ch of this.charts) ch.mark({cursor: c.time});
    if (this.chart !== chart || this.tip.parentElement !== chart.element) chart.element.append(this.tip);
    this.chart = chart;
    this.fill(c);
    this.tip.dataset.time = String(c.time);
    this.tip.dataset.row = String(row);
    this.tip.hidden = false;
    // Beside the line, on the side with more room.
    const s = chart.scales!,
      x = s.px(c.time),
      right = x > (s.left + s.right) / 2;
    this.tip.style.top = `${top + s.top}px`;
    this.tip.style.left = right ? "" : `${x + 12}px`;
    this.tip.style.right = right ? `${chart.plotWidth - x + 12}px` : "";
  }
}
