// The backtest as quants read it, for the pair page (./backtestReport.ts) and the lab: the statistics of
// src/lib/backtestStats.ts as a table (the texts `pairbook analyze` prints), a histogram of the trades'
// PnL, the underwater (drawdown) curve and the walk-forward's segments. DOM only.
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import type {BacktestTrade} from "../lib/backtest.js";
import type {BacktestStats} from "../lib/backtestStats.js";
import {statsCaution} from "../lib/report/annualised.js";
import {backtestStatsRows, statNumber, statPercent} from "../lib/report/backtestStatsRows.js";
import type {WalkForwardSegment} from "../lib/walkForward.js";
import {decimate} from "./decimate.js";
import {cautionCaption, tableRow} from "./reportTables.js";

/** The table of a backtest's statistics (#backtest-stats); every value cell has id bs-<key> and data-value. */
export function backtestStatsTable(stats: BacktestStats, names: readonly [string, string], {id = "backtest-stats"} = {}): HTMLElement {
  const rows = backtestStatsRows(stats, names);
  const table = document.createElement("table");
  ((table.className = "pb-table"), (table.id = id));
  // With the DOM, not an htl template a row: rebuilt with every slider move (~40 rows).
  table.createTBody().append(
    ...rows.map((r, i) => {
      const value = document.createElement("td");
      ((value.className = "pb-num"), (value.id = `bs-${r.key.replace(/\./g, "-")}`), (value.dataset.value = String(r.value)));
      value.textContent = r.text;
      return tableRow([i === 0 || rows[i - 1].group !== r.group ? r.group : "", r.label, value]);
    }),
  );
  cautionCaption(table, statsCaution(stats));
  return table;
}

/** A histogram of the trades' PnL (fees included), losses red and gains green; a notice without trades. */
export function tradePnlHistogram(
  trades: readonly Pick<BacktestTrade, "pnl">[],
  {width, height = 220}: {width: number; height?: number},
): Node {
  if (trades.length === 0) return html`<p class="pb-notice">No trades.</p>`;
  // Equal bins over the PnL's range, one edge at 0 when the range spans it, so no bin mixes gains and losses.
  const pnl = trades.map((t) => t.pnl),
    lo = Math.min(...pnl),
    hi = Math.max(...pnl);
  const size = (hi - lo || Math.abs(hi) || 1) / 30,
    origin = lo < 0 && hi > 0 ? 0 : lo;
  const counts = new Map<number, number>();
  for (const v of pnl) {
    const k = Math.min(Math.floor((v - origin) / size), hi > origin ? Math.ceil((hi - origin) / size) - 1 : 0);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const bins = [...counts].map(([k, count]) => ({x1: origin + k * size, x2: origin + (k + 1) * size, count}));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {label: "trade PnL (fees included)", grid: true},
    y: {label: "trades", grid: true},
    color: {domain: ["loss", "gain"], range: ["#d03050", "#22a06b"]},
    marks: [
      Plot.rectY(bins, {x1: "x1", x2: "x2", y: "count", fill: (d: {x2: number}) => (d.x2 <= 0 ? "loss" : "gain"), inset: 0.5}),
      Plot.ruleX([0], {stroke: "currentColor", strokeOpacity: 0.5}),
      Plot.ruleY([0]),
    ],
  });
}

/** The underwater curve: equity below its running peak (≤ 0, PnL units) over time, min/max decimated. */
export function underwaterChart(
  {time, drawdown}: {time: ArrayLike<number>; drawdown: ArrayLike<number>},
  {width, height = 220}: {width: number; height?: number},
): Node {
  const d = decimate(time, drawdown, Math.max(200, width - 70));
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "utc", label: null},
    y: {label: "drawdown (PnL below peak)", grid: true},
    marks: [
      Plot.areaY({length: d.x.length}, {x: d.x, y: d.y, fill: "#d03050", fillOpacity: 0.35}),
      Plot.lineY({length: d.x.length}, {x: d.x, y: d.y, stroke: "#d03050", strokeWidth: 1}),
      Plot.ruleY([0], {stroke: "currentColor", strokeOpacity: 0.4}),
    ],
  });
}

/** The walk-forward's segments (#walk-forward-table): windows as times, the train hedge, out-of-sample result. */
export function walkForwardTable(segments: readonly WalkForwardSegment[], time: ArrayLike<number>): HTMLElement {
  const at = (i: number) => new Date(time[Math.min(i, time.length - 1)]).toISOString().slice(5, 16).replace("T", " ");
  const cell = (v: number, text: string) => html`<td class="pb-num" data-value=${String(v)}>${text}</td>`;
  return html`<table class="pb-table" id="walk-forward-table">
    <thead><tr><th>#</th><th>train from</th><th>test from</th><th>test to</th><th>β (train)</th><th>OOS return</th><th>OOS PnL</th><th>trades</th></tr></thead>
    <tbody>${segments.map(
      (s, k) => html`<tr><td>${k + 1}</td><td>${at(s.trainFrom)}</td><td>${at(s.testFrom)}</td><td>${at(s.testTo - 1)}</td>
        ${cell(s.beta, statNumber(s.beta, 5))}${cell(s.totalReturn, statPercent(s.totalReturn))}${cell(s.totalPnl, statNumber(s.totalPnl, 5))}${cell(s.trades, String(s.trades))}</tr>`,
    )}</tbody></table>`;
}
