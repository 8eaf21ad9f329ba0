// The pair and symbol pages' notice while the recorder still loads their legs' history (`record
// --history`): as the build saw it (the bars file's `history`, loaders/historyStatus.ts), then, while the
// page is live, as the recorder's /health says every 5 s (with the ETA). Hidden once every leg is done.
import {html} from "htl";
import {fetchHealth} from "../client/health.js";
import type {HistoryHealth} from "../protocol/health.js";
import type {HistoryStatus} from "../protocol/historyStatus.js";
import {duration} from "./historyProgress.js";

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
  windowMs: number;
  legs: LegHistoryLine[];
}

const loading = (l: LegHistoryLine) => l.state === "waiting" || l.state === "loading";

/**
 * The legs' history: from the live /health when it answered (`live`: its `history`, null for a recorder
 * without --history), else as built (`live` undefined: static page, or no recorder answering); null
 * once none of `legs` is waiting or loading.
 */
export function legHistoryView(
  built: HistoryStatus | null,
  live: HistoryHealth | null | undefined,
  legs: readonly string[],
): LegHistoryView | null {
  let view: LegHistoryView | null = null;
  if (live !== undefined) {
    if (live === null) return null;
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
    view = {source: "recorder", checkedAt: null, windowMs: live.windowMs, legs: lines};
  } else if (built) {
    const lines = legs.flatMap((symbol) => {
      const s = built.symbols[symbol];
      return s ? [{symbol, ...s, etaMs: null}] : [];
    });
    view = {source: "build", checkedAt: built.checkedAt, windowMs: built.windowMs, legs: lines};
  }
  return view && view.legs.some(loading) ? view : null;
}

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

function legText(l: LegHistoryLine): string {
  if (l.state === "done") return `${l.symbol}: loaded`;
  if (l.state === "failed") return `${l.symbol}: stopped (${l.detail ?? "failed"})`;
  if (l.coveredFrom === null) return `${l.symbol}: waiting for its first trade`;
  const held = l.coveredTo === null ? `covered from ${utc(l.coveredFrom)} UTC` : `holds ${utc(l.coveredFrom)} – ${utc(l.coveredTo)} UTC`;
  const left = Math.max(0, l.coveredFrom - l.windowStart);
  return `${l.symbol}: ${held}, ${duration(left)} of the window still to load${l.etaMs === null ? "" : `, about ${duration(l.etaMs)} left`}`;
}

/** Fills `box` (`#history-notice`, data-state "loading" or "none", data-source "build" or "recorder") with `view`. */
export function renderLegHistory(box: HTMLElement, view: LegHistoryView | null, live: boolean): void {
  box.dataset.state = view ? "loading" : "none";
  box.hidden = view === null;
  box.className = view ? "pb-status" : ""; // .pb-status sets display, which would override [hidden]
  if (!view) return void (box.replaceChildren(), delete box.dataset.source);
  box.dataset.source = view.source;
  const when = view.checkedAt === null ? "" : ` (as the build at ${utc(view.checkedAt)} UTC saw it)`;
  box.replaceChildren(
    html`History is still loading${when}: the recorder fills the last ${duration(view.windowMs)}, newest first.
    ${view.legs.map((l, i) => html`${i ? "; " : ""}<span class="pb-history-leg" data-symbol=${l.symbol} data-state=${l.state}>${legText(l)}</span>`)}.
    This page shows the trades the lake held when it was built; ${live ? "a preview refreshes it as they arrive" : "a new build shows more"}.`,
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
