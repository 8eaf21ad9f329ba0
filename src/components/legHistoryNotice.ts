// The pair and symbol pages' notice while the recorder still loads their legs' history (`record
// --history`): as the build saw it (the bars file's `history`, loaders/historyStatus.ts), then, while the
// page is live, as the recorder's /health says every 5 s (with the ETA). Hidden once every leg is done.
// Built from the lake's marker (no recorder was loading: `markerAt`), it says the history never finished.
import {html} from "htl";
import {fetchHealth} from "../client/health.js";
import type {HistoryHealth} from "../protocol/health.js";
import type {HistoryStatus} from "../protocol/historyStatus.js";
import {duration, timeLeft} from "./historyProgress.js";

/** One leg as the notice shows it. */
export interface LegHistoryLine {
  symbol: string;
  state: "waiting" | "loading" | "done" | "failed";
  windowStart: number;
  coveredFrom: number | null;
  /** Latest trade the build held (ms); null live. */
  coveredTo: number | null;
  /** Live only: the recorder's estimate (ms), null while unknown. */
  etaMs: number | null;
  detail: string | null;
}

/** What the notice says: where it comes from, the window and each leg; null when no leg is loading. */
export interface LegHistoryView {
  source: "build" | "recorder";
  /** When the build asked the recorder (build), or null (live). */
  checkedAt: number | null;
  /** Built from the lake's marker (no recorder loading the history then): when the last --history run wrote it (ms); else null. */
  markerAt: number | null;
  windowMs: number;
  legs: LegHistoryLine[];
}

const loading = (l: LegHistoryLine) => l.state === "waiting" || l.state === "loading";

/**
 * The legs' history: from the live /health when it answered (`live`: its `history`, null for a recorder
 * without --history), else as built (`live` undefined: static page, or no recorder answering; or a
 * recorder without --history when the build read the lake's marker: that leaves the window unfinished);
 * null once none of `legs` is waiting or loading.
 */
export function legHistoryView(
  built: HistoryStatus | null,
  live: HistoryHealth | null | undefined,
  legs: readonly string[],
): LegHistoryView | null {
  let view: LegHistoryView | null = null;
  if (live === null && built?.markerAt === undefined) return null;
  if (live) {
    const lines = legs.flatMap((symbol) => {
      const s = live.symbols[symbol];
      return s
        ? [
            {
              symbol,
              state: s.state,
              windowStart: s.windowStart,
              coveredFrom: s.coveredFrom,
              coveredTo: null,
              etaMs: s.etaMs,
              detail: s.detail,
            },
          ]
        : [];
    });
    view = {source: "recorder", checkedAt: null, markerAt: null, windowMs: live.windowMs, legs: lines};
  } else if (built) {
    const lines = legs.flatMap((symbol) => {
      const s = built.symbols[symbol];
      return s ? [{symbol, ...s, etaMs: null}] : [];
    });
    view = {source: "build", checkedAt: built.checkedAt, markerAt: built.markerAt ?? null, windowMs: built.windowMs, legs: lines};
  }
  return view && view.legs.some(loading) ? view : null;
}

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/** One leg; `stopped`: no recorder is loading it (built from the lake's marker). */
function legText(l: LegHistoryLine, stopped: boolean): string {
  if (l.state === "done") return `${l.symbol}: loaded`;
  if (l.state === "failed") return `${l.symbol}: stopped (${l.detail ?? "failed"})`;
  if (l.coveredFrom === null) return `${l.symbol}: ${stopped ? "no trades in the lake" : "waiting for its first trade"}`;
  const held = l.coveredTo === null ? `covered from ${utc(l.coveredFrom)} UTC` : `holds ${utc(l.coveredFrom)} – ${utc(l.coveredTo)} UTC`;
  const left = `${duration(Math.max(0, l.coveredFrom - l.windowStart))} of the window ${stopped ? "never loaded" : "still to load"}`;
  return `${l.symbol}: ${held}, ${left}${l.etaMs === null ? "" : `, ${timeLeft(l.etaMs)}`}`;
}

/** The notice's first sentence: loading now, or (built from the lake's marker) stopped before it was done. */
function headline(view: LegHistoryView): string {
  const window = `the last ${duration(view.windowMs)}`;
  if (view.markerAt !== null)
    return `History did not finish loading: the last run of the recorder with --history, filling ${window} newest first, stopped before it was done (its progress as last written, at ${utc(view.markerAt)} UTC; no recorder was loading it when this page was built${view.checkedAt === null ? "" : `, at ${utc(view.checkedAt)} UTC`}).`;
  const when = view.checkedAt === null ? "" : ` (as the build at ${utc(view.checkedAt)} UTC saw it)`;
  return `History is still loading${when}: the recorder fills ${window}, newest first.`;
}

/** Fills `box` (`#history-notice`, data-state "loading" or "none", data-source "build" or "recorder") with `view`. */
export function renderLegHistory(box: HTMLElement, view: LegHistoryView | null, live: boolean): void {
  box.dataset.state = view ? "loading" : "none";
  box.hidden = view === null;
  box.className = view ? "pb-status" : ""; // .pb-status sets display, which would override [hidden]
  if (!view) return void (box.replaceChildren(), delete box.dataset.source);
  box.dataset.source = view.source;
  const stopped = view.markerAt !== null;
  const next = stopped
    ? "the recorder started again with --history loads the rest"
    : live
      ? "a preview refreshes it as they arrive"
      : "a new build shows more";
  box.replaceChildren(
    html`${headline(view)}
    ${view.legs.map((l, i) => html`${i ? "; " : ""}<span class="pb-history-leg" data-symbol=${l.symbol} data-state=${l.state}>${legText(l, stopped)}</span>`)}.
    This page shows the trades the lake held when it was built; ${next}.`,
  );
}

/**
 * The notice for a page of `legs`: as built, then every `everyMs` from the recorder's /health while the page
 * is live, until `invalidation` settles (the page's cell is disposed).
 *
 *   display(legHistoryNotice(file.meta.history ?? null, [A, B], settings, invalidation))
 */
export function legHistoryNotice(
  built: HistoryStatus | null,
  legs: readonly string[],
  live: {enabled: boolean; url: string},
  invalidation?: Promise<unknown>,
  everyMs = 5000,
): HTMLElement {
  const box: HTMLElement = html`<div id="history-notice"></div>`;
  renderLegHistory(box, legHistoryView(built, undefined, legs), live.enabled);
  if (!live.enabled) return box;
  let timer: ReturnType<typeof setTimeout> | undefined,
    stopped = false;
  const poll = async () => {
    const state = await fetchHealth(live.url);
    if (stopped) return;
    // No answer: keep what the build saw; an answer replaces it (null history: not loading).
    renderLegHistory(box, legHistoryView(built, state.ok ? (state.health.history ?? null) : undefined, legs), true);
    timer = setTimeout(() => void poll(), everyMs);
  };
  void poll();
  void invalidation?.then(() => ((stopped = true), clearTimeout(timer)));
  return box;
}
