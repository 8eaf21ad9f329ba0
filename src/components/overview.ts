// The Overview page's cards and tables: tickers, lake coverage by symbol × date, gap records.
import {html} from "htl";
import type {GapRecord} from "../protocol/gaps.js";
import type {LiveBar} from "../protocol/liveWire.js";
import type {Overview} from "../protocol/overview.js";
import {fmt} from "./reportTables.js";

export const utc = (t: number | null | undefined) =>
  t === null || t === undefined ? "—" : new Date(t).toISOString().slice(0, 19).replace("T", " ");

/** One card per symbol: latest price (live when the feed runs, else the lake's), change over the window. */
export function tickerCards(o: Overview, live: ReadonlyMap<string, LiveBar>): HTMLElement {
  return html`<div class="pb-kpis" id="tickers">${o.symbols.map((s) => {
    const bar = live.get(s.symbol);
    const price = bar ? bar.close : s.lastPrice,
      change = price !== null && s.windowOpen ? price / s.windowOpen - 1 : NaN;
    return html`<div class="card pb-ticker" data-symbol=${s.symbol} data-live=${String(Boolean(bar))}>
      <h2>${s.symbol}</h2>
      <div class="pb-big" data-value=${String(price)}>${fmt(price, 6)}</div>
      <span class=${change >= 0 ? "pb-up" : "pb-down"}>${Number.isFinite(change) ? `${change >= 0 ? "+" : ""}${(100 * change).toFixed(2)}%` : ""}</span>
      <span class="pb-notice">${bar ? `live ${utc(bar.start).slice(11)}` : `as of ${utc(s.lastTime)}`}</span>
    </div>`;
  })}</div>`;
}

/** Symbols × dates: trades, files and gaps per cell. */
export function coverageTable(o: Overview): HTMLElement {
  const dates = [...new Set(o.coverage.map((c) => c.date))].sort();
  const cell = (symbol: string, date: string) => o.coverage.find((c) => c.symbol === symbol && c.date === date);
  if (dates.length === 0) return html`<p class="pb-notice">The lake holds no trades yet.</p>`;
  return html`<table class="pb-table" id="coverage-table">
    <thead><tr><th>symbol</th>${dates.map((d) => html`<th>${d}</th>`)}</tr></thead>
    <tbody>${o.symbols.map(
      (s) =>
        html`<tr><td>${s.symbol}</td>${dates.map((d) => {
          const c = cell(s.symbol, d);
          if (!c) return html`<td class="pb-empty">—</td>`;
          return html`<td class=${c.unfilledGaps ? "pb-gap" : ""} title=${`${utc(c.firstTime)} – ${utc(c.lastTime)} UTC`}>${c.trades.toLocaleString("en-US")} trades · ${c.files} file${c.files === 1 ? "" : "s"}${c.gaps ? html`<br><b>${c.gaps} gap${c.gaps === 1 ? "" : "s"}</b> (${c.unfilledGaps} unfilled)` : ""}</td>`;
        })}</tr>`,
    )}</tbody>
  </table>`;
}

export function gapsTable(gaps: readonly GapRecord[]): HTMLElement {
  if (gaps.length === 0) return html`<p class="pb-notice" id="gaps-table">No gaps recorded.</p>`;
  return html`<div class="pb-scroll"><table class="pb-table" id="gaps-table">
    <thead><tr><th>symbol</th><th>ids</th><th>missing</th><th>from (UTC)</th><th>to (UTC)</th><th>cause</th><th>filled</th><th>detected</th></tr></thead>
    <tbody>${gaps.map((g) => html`<tr class=${g.filled ? "" : "pb-gap"}><td>${g.symbol}</td><td>${g.fromId}–${g.toId}</td><td class="pb-num">${(g.toId - g.fromId + 1).toLocaleString("en-US")}</td><td>${utc(g.fromTime)}</td><td>${utc(g.toTime)}</td><td>${g.cause}</td><td>${g.filled ? "yes (REST)" : "no — bars flagged"}</td><td>${utc(g.detectedAt)}</td></tr>`)}</tbody>
  </table></div>`;
}
