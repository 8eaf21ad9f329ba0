// The recorder's GET /health (src/protocol/health.ts), polled while a page is live, and its summary card.
import {html} from "htl";
import type {Health} from "../protocol/health.js";
import {authHeaders, type RecorderEndpoint, recorderEndpoint} from "./recorderEndpoint.js";
import {fmt} from "./reportTables.js";

/** An answer of /health (`url`: where, without the token) or why there is none. */
export type HealthState = {ok: true; at: number; url: string; health: Health} | {ok: false; at: number; error: string};

/** Polls the recorder's /health every `everyMs`, yielding each answer or failure, until the page drops the generator. */
export async function* pollHealth(liveUrl: string, everyMs = 5000): AsyncGenerator<HealthState> {
  for (;;) {
    yield await fetchHealth(liveUrl);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One GET /health of the recorder behind a live-feed URL (recorderEndpoint: its token as a Bearer header). */
export async function fetchHealth(liveUrl: string, fetcher: typeof fetch = (...args) => fetch(...args)): Promise<HealthState> {
  const at = Date.now();
  let endpoint: RecorderEndpoint;
  try {
    endpoint = recorderEndpoint(liveUrl);
  } catch (error) {
    return {ok: false, at, error: (error as Error).message};
  }
  const url = `${endpoint.http}/health`;
  try {
    const response = await fetcher(url, {cache: "no-store", headers: authHeaders(endpoint)});
    if (response.ok) return {ok: true, at, url, health: (await response.json()) as Health};
    const reason = ((await response.json().catch(() => ({}))) as {error?: unknown}).error;
    return {ok: false, at, error: `${url} answered ${response.status}${typeof reason === "string" ? `: ${reason}` : ""}`};
  } catch {
    return {ok: false, at, error: `no recorder at ${url}`};
  }
}

export function healthSummary(state: HealthState | null, {static: isStatic, url}: {static: boolean; url: string}): HTMLElement {
  if (isStatic || state === null) return html`<p class="pb-notice" data-state="static">Static snapshot: the recorder's health (<code>${url}</code>) is read only when the page is live.</p>`;
  if (!state.ok) return html`<p class="pb-notice" data-state="down">${state.error}; retrying every 5 s.</p>`;
  const h = state.health;
  const rows = Object.entries(h.symbols);
  return html`<div data-state="up">
    <p>Up ${fmt(h.uptimeSeconds / 60, 3)} min · ${h.tradesPublished.toLocaleString("en-US")} trades published in ${h.filesPublished} files · ${h.pendingTrades} pending · ${h.gapsRecorded} gaps recorded · ${h.rejectedFrames} rejected frames${h.liveClients === undefined ? "" : ` · ${h.liveClients} live client(s)`}${h.liveLatencyMs ? ` · feed latency p50 ${fmt(h.liveLatencyMs.p50, 3)} ms, p99 ${fmt(h.liveLatencyMs.p99, 3)} ms` : ""}${h.lakeError ? html` · <b class="pb-down">lake error: ${h.lakeError}</b>` : ""}</p>
    <table class="pb-table" id="health-table"><thead><tr><th>symbol</th><th>trades/s</th><th>trades</th><th>last trade (UTC)</th><th>receive lag</th><th>backfilled</th><th>gaps filled / unfilled</th></tr></thead>
    <tbody>${rows.map(([s, v]) => html`<tr><td>${s}</td><td class="pb-num">${fmt(v.tradesPerSecond, 3)}</td><td class="pb-num">${v.trades.toLocaleString("en-US")}</td><td>${v.lastTime ? new Date(v.lastTime).toISOString().slice(0, 19).replace("T", " ") : "—"}</td><td class="pb-num">${v.receiveLagMs === null ? "—" : `${fmt(v.receiveLagMs, 3)} ms`}</td><td class="pb-num">${v.backfilled}</td><td class="pb-num">${v.gapsFilled} / ${v.gapsUnfilled}</td></tr>`)}</tbody></table>
    <p class="pb-notice">${h.connections.map((c) => `${c.symbols.join(", ")}: ${c.state}${c.detail ? ` (${c.detail})` : ""}`).join(" · ")}</p>
  </div>`;
}
