// The recent past the recorder loads in the background (`record --history`, /health's `history`): a
// notice for the top of a page while it loads, and the per-symbol progress table of the health card.
import {html} from "htl";
import type {HealthState} from "../client/health.js";
import type {HistoryHealth, SymbolHistory} from "../protocol/health.js";
import type {HistoryStatus} from "../protocol/historyStatus.js";

/**
 * A duration for people: "45 s", "12 min", "5 h 20 min", "2 d 3 h" (rounded down to its two largest units).
 *
 *   duration(19_500_000) // "5 h 25 min"
 */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${Math.floor(h / 24)} d`;
}

/** "about 12 min left", or "less than a minute left" (never "about 0 s"). */
export const timeLeft = (ms: number): string => (ms < 60_000 ? "less than a minute left" : `about ${duration(ms)} left`);

const utc = (t: number | null) => (t === null ? "—" : new Date(t).toISOString().slice(0, 16).replace("T", " "));

/** The longest ETA among the symbols still loading, or null when one of them has none yet. */
function longestEta(history: HistoryHealth): number | null {
  let eta = 0;
  for (const s of Object.values(history.symbols)) {
    if (s.state !== "waiting" && s.state !== "loading") continue;
    if (s.etaMs === null) return null;
    eta = Math.max(eta, s.etaMs);
  }
  return eta;
}

/**
 * The notice for the top of a page while the recorder is still loading history (a `#history-notice`
 * with data-state "loading"): from its /health while it answers, else as the build saw it (`built`, the
 * overview file's `history`, data-source "build"); an empty, hidden one otherwise (no history, done).
 */
export function historyNotice(state: HealthState | null, built: HistoryStatus | null = null): HTMLElement {
  const history = state?.ok ? state.health.history : null;
  // Built from the lake's marker: a recorder without --history leaves that window unfinished too.
  if (built?.loading && built.markerAt !== undefined && !history) {
    const legs = Object.values(built.symbols);
    return html`<div class="pb-status" id="history-notice" data-state="loading" data-source="build">History did not finish loading: the
      last run of the recorder with --history, filling the last ${duration(built.windowMs)}, stopped before it was done (its progress as last
      written, at ${utc(built.markerAt)} UTC: ${legs.filter((s) => s.state === "done").length} of ${legs.length} symbols done). This page
      shows the trades the lake held when it was built (${utc(built.checkedAt)} UTC); the recorder started again with --history loads the rest.</div>`;
  }
  if (!state?.ok && built?.loading) {
    const legs = Object.values(built.symbols);
    return html`<div class="pb-status" id="history-notice" data-state="loading" data-source="build">History was still loading when this
      page was built (${utc(built.checkedAt)} UTC): the recorder was filling the last ${duration(built.windowMs)}
      (${legs.filter((s) => s.state === "done").length} of ${legs.length} symbols done). This page shows the trades the lake held then; a new build shows more.</div>`;
  }
  if (!history?.loading) return html`<div id="history-notice" data-state="none" hidden></div>`;
  const symbols = Object.values(history.symbols),
    done = symbols.filter((s) => s.state === "done").length,
    eta = longestEta(history);
  return html`<div class="pb-status" id="history-notice" data-state="loading">History is still loading: the recorder is
    filling the last ${duration(history.windowMs)} (${done} of ${symbols.length} symbols done${eta === null ? "" : `, ${timeLeft(eta)}`}).
    This page shows the trades the lake held when it was built; a preview refreshes it as they arrive.</div>`;
}

const stateLabel = (s: SymbolHistory) =>
  s.state === "failed" ? html`<b class="pb-down">failed</b>` : s.state === "loading" && s.detail ? `loading (${s.detail})` : s.state;

/**
 * The health card's history part: the per-symbol progress table (`#history-table`: covered from,
 * remaining, ETA) while any symbol loads or failed, one line once every symbol is done; nothing without history.
 */
export function historyProgress(history: HistoryHealth | null): HTMLElement | null {
  if (history === null) return null;
  const rows = Object.entries(history.symbols);
  const trades = rows.reduce((n, [, s]) => n + s.trades, 0);
  if (!history.loading && rows.every(([, s]) => s.state === "done"))
    return html`<p class="pb-notice" id="history-summary" data-state="done">History: the last ${duration(history.windowMs)} loaded (${trades.toLocaleString("en-US")} trades).</p>`;
  return html`<div id="history-summary" data-state=${history.loading ? "loading" : "stopped"}>
    <p>History: loading the last ${duration(history.windowMs)} in the background, newest first; live recording goes on meanwhile.</p>
    <table class="pb-table" id="history-table"><thead><tr><th>symbol</th><th>state</th><th>covered from (UTC)</th><th>remaining</th><th>ETA</th><th>trades</th><th>archive days</th></tr></thead>
    <tbody>${rows.map(
      ([symbol, s]) =>
        html`<tr data-symbol=${symbol} data-state=${s.state}><td>${symbol}</td><td>${stateLabel(s)}</td><td>${utc(s.coveredFrom)}</td><td class="pb-num">${s.state === "done" || s.state === "waiting" ? "—" : duration(s.remainingMs)}</td><td class="pb-num">${s.state === "done" ? "done" : s.etaMs === null ? "—" : duration(s.etaMs)}</td><td class="pb-num">${s.trades.toLocaleString("en-US")}</td><td class="pb-num">${s.archiveDays.total ? `${s.archiveDays.imported.length} / ${s.archiveDays.total}${s.archiveDays.fellBack.length ? ` (${s.archiveDays.fellBack.length} from REST)` : ""}` : "—"}</td></tr>`,
    )}</tbody></table>
  </div>`;
}
