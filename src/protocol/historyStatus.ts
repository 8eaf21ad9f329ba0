// What a build knows of the recorder's history loading (`pairbook record --history`): read at build time
// by loaders/historyStatus.ts from the recorder's GET /health (src/protocol/health.ts), each leg's covered
// range taken from the lake itself. It goes in the bars files' metadata (src/protocol/barsFile.ts) of the
// pair and symbol pages (shown by src/components/legHistoryNotice.ts) and in the overview file
// (src/protocol/overview.ts; src/components/historyProgress.ts).
import type {SymbolHistory} from "./health.js";

/** One symbol's history as a build saw it. */
export interface LegHistoryStatus {
  /** The recorder's state of this symbol's history (waiting, loading, done, failed). */
  state: SymbolHistory["state"];
  /** The window asked for starts here (ms). */
  windowStart: number;
  /** Oldest and latest trade of the symbol in the lake when built (ms); null when it held none. */
  coveredFrom: number | null;
  coveredTo: number | null;
  /** The recorder's detail ("REST", "archive 2026-11-30", why it failed), or null. */
  detail: string | null;
}

/**
 * The history of a build's symbols: from the /health of a recorder recording this lake with --history;
 * when none answers (or it records without --history), from the progress the last --history run wrote
 * in the lake (`<lake>/history/state.json`, lake/historyMarker.ts), with `markerAt`. A build records
 * null when neither says anything of its symbols.
 */
export interface HistoryStatus {
  /** When the recorder was asked (ms). */
  checkedAt: number;
  /** The window asked for (ms back from the recorder's start). */
  windowMs: number;
  /** Some of these symbols is still waiting or loading. */
  loading: boolean;
  symbols: Record<string, LegHistoryStatus>;
  /**
   * Set when no recorder was loading the history as the build asked: the states are the ones the last
   * --history run wrote in the lake, at this time (ms); one still loading then never finished.
   */
  markerAt?: number;
}
