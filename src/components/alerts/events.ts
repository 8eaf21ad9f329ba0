// Alert events on the Alerts page: the live list (pushed since the page opened), the history table,
// and its export as CSV or JSON (Blob URLs, built when clicked).
import {html} from "htl";
import type {AlertEvent} from "../../protocol/alerts.js";
import {useAlertsStyle} from "./style.js";
import {alertNumber, describeAlert, utcTime} from "./text.js";
import {downloadButton} from "../download.js";

const severityBadge = (severity: string) => html`<span class="pb-sev" data-severity=${severity}>${severity}</span>`;

/** Newest first; an empty list says what it waits for. */
export function liveEvents(events: readonly AlertEvent[], {listening}: {listening: boolean}): HTMLElement {
  useAlertsStyle();
  if (events.length === 0)
    return html`<p class="pb-notice" id="live-events-empty">${listening ? "No alert since this page opened; events appear here (and as a toast on every page) as rules fire." : "Live events need a running recorder."}</p>`;
  return html`<ul class="pb-events" id="live-events">${events.map(
    (e) => html`<li data-event=${e.id} data-rule=${e.ruleId}>
    <time>${utcTime(e.time).slice(11)}</time>${severityBadge(e.severity)}<b>${e.ruleName}</b><span>${describeAlert(e)}</span>
  </li>`,
  )}</ul>`;
}

export function historyTable(events: readonly AlertEvent[], {limit = 500}: {limit?: number} = {}): HTMLElement {
  useAlertsStyle();
  if (events.length === 0) return html`<p class="pb-notice" id="history-empty">No event matches these filters.</p>`;
  const rows = events.slice(-limit).reverse();
  return html`<div class="pb-scroll"><table class="pb-table" id="history-table">
    <thead><tr><th>fired (UTC)</th><th>rule</th><th>target</th><th>metric</th><th>value</th><th>condition</th><th>bar (UTC)</th><th>severity</th></tr></thead>
    <tbody>${rows.map(
      (e) => html`<tr data-event=${e.id} data-rule=${e.ruleId}>
      <td>${utcTime(e.time).slice(0, 19)}</td><td>${e.ruleName}</td><td>${e.target}</td><td>${e.metric}</td>
      <td class="pb-num" data-value=${e.value}>${alertNumber(e.value)}</td><td>${e.comparator} ${alertNumber(e.threshold)}</td>
      <td>${e.bar === null ? "—" : utcTime(e.bar).slice(0, 19)}</td><td>${severityBadge(e.severity)}</td>
    </tr>`,
    )}</tbody>
  </table></div>${events.length > limit ? html`<p class="pb-notice">Showing the latest ${limit} of ${events.length}; the export has them all.</p>` : ""}`;
}

const columns = ["id", "time", "ruleId", "ruleName", "target", "metric", "comparator", "threshold", "value", "severity", "bar"] as const;

/** CSV of events: one row each, times as ISO 8601 UTC, text quoted when needed. */
export function eventsCsv(events: readonly AlertEvent[]): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());
  const lines = [columns.join(",")];
  for (const e of events) lines.push(columns.map((k) => cell(k === "time" || k === "bar" ? iso(e[k]) : e[k])).join(","));
  return `${lines.join("\n")}\n`;
}

/** The export buttons for `events` (the history as filtered). */
export function exportButtons(events: readonly AlertEvent[], {name = "alerts"}: {name?: string} = {}): HTMLElement {
  return html`<div class="pb-form-actions" id="history-export">
    ${downloadButton(`Export CSV (${events.length})`, `${name}.csv`, () => eventsCsv(events), {id: "export-csv", type: "text/csv"})}
    ${downloadButton(`Export JSON (${events.length})`, `${name}.json`, () => JSON.stringify(events, null, 1), {id: "export-json", type: "application/json"})}
  </div>`;
}
