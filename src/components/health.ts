// The summary card of the recorder's GET /health answer (fetched and polled by src/client/health.ts).
import {html} from "htl";
import type {HealthState} from "../client/health.js";
import {historyProgress} from "./historyProgress.js";
import {fmt} from "./reportTables.js";

/** The health card: a static-snapshot notice, why the recorder is unreachable, or its counters, per-symbol table and history progress. */
export function healthSummary(state: HealthState | null, {static: isStatic, url}: {static: boolean; url: string}): HTMLElement {
  if (isStatic || state === null)
    return html`<p class="pb-notice" data-state="static">Static snapshot: the recorder's health (<code>${url}</code>) is read only when the page is live.</p>`;
  if (!state.ok) return html`<p class="pb-notice" data-state="down">${state.error}; retrying every 5 s.</p>`;
  const h = state.health;
  const rows = Object.entries(h.symbols);
  return html`<div data-state="up">
    <p>Up ${fmt(h.uptimeSeconds / 60, 3)} min · ${h.tradesPublished.toLocaleString("en-US")} trades published in ${h.filesPublished} files · ${h.pendingTrades} pending · ${h.gapsRecorded} gaps recorded · ${h.rejectedFrames} rejected frames${h.liveClients === undefined ? "" : ` · ${h.liveClients} live client(s)`}${h.liveLatencyMs ? ` · feed latency p50 ${fmt(h.liveLatencyMs.p50, 3)} ms, p99 ${fmt(h.liveLatencyMs.p99, 3)} ms` : ""}${h.lakeError ? html` · <b class="pb-down">lake error: ${h.lakeError}</b>` : ""}</p>
    <table class="pb-table" id="health-table"><thead><tr><th>symbol</th><th>trades/s</th><th>trades</th><th>last trade (UTC)</th><th>receive lag</th><th>backfilled</th><th>gaps filled / unfilled</th></tr></thead>
    <tbody>${rows.map(([s, v]) => html`<tr><td>${s}</td><td class="pb-num">${fmt(v.tradesPerSecond, 3)}</td><td class="pb-num">${v.trades.toLocaleString("en-US")}</td><td>${v.lastTime ? new Date(v.lastTime).toISOString().slice(0, 19).replace("T", " ") : "—"}</td><td class="pb-num">${v.receiveLagMs === null ? "—" : `${fmt(v.receiveLagMs, 3)} ms`}</td><td class="pb-num">${v.backfilled}</td><td class="pb-num">${v.gapsFilled} / ${v.gapsUnfilled}</td></tr>`)}</tbody></table>
    ${historyProgress(h.history ?? null)}
    <p class="pb-notice">${h.connections.map((c) => `${c.symbols.join(", ")}: ${c.state}${c.detail ? ` (${c.detail})` : ""}`).join(" · ")}</p>
  </div>`;
}
