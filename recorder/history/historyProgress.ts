// Progress of `record --history` per symbol: what /health and `pairbook status` show, and the few log
// lines a person reads (start, each archive day, a line every `logEveryMs` at most, the end).
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";

const hours = (ms: number) => (ms >= 7_200_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`);
const stamp = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

export class SymbolProgress {
  readonly state: SymbolHistory;
  private startedAt: number | undefined;
  private coveredAtStart: number | undefined;
  private loggedAt = 0;

  constructor(
    readonly symbol: string,
    windowStart: number,
    archiveTotal: number,
    private readonly log: (line: string) => void,
    private readonly now: () => number,
    private readonly logEveryMs: number,
    /** Called when the state or the detail changes (the lake's marker is rewritten then: a few times per run). */
    private readonly changed: () => void = () => {},
  ) {
    this.state = {
      state: "waiting",
      windowStart,
      coveredFrom: null,
      remainingMs: 0,
      etaMs: null,
      trades: 0,
      requests: 0,
      archiveDays: {total: archiveTotal, imported: [], fellBack: []},
      detail: "waiting for the first trade in the lake",
    };
  }

  /** The oldest trade held in the window is now at `time` (ms). */
  covered(time: number, detail?: string): void {
    const s = this.state,
      now = this.now(),
      was = [s.state, s.detail];
    if (s.state === "waiting") ((s.state = "loading"), (this.startedAt = now), (this.coveredAtStart = time));
    s.coveredFrom = s.coveredFrom === null ? time : Math.min(s.coveredFrom, time);
    s.remainingMs = Math.max(0, s.coveredFrom - s.windowStart);
    if (detail !== undefined) s.detail = detail;
    if (s.state !== was[0] || s.detail !== was[1]) this.changed();
    const loaded = this.coveredAtStart! - s.coveredFrom,
      elapsed = now - this.startedAt!;
    s.etaMs = loaded > 0 && elapsed > 0 ? Math.round((s.remainingMs * elapsed) / loaded) : null;
    if (now - this.loggedAt >= this.logEveryMs && s.remainingMs > 0) {
      this.loggedAt = now;
      this.log(
        `${this.symbol}: history from ${stamp(s.coveredFrom)} UTC, ${hours(s.remainingMs)} to go${s.etaMs === null ? "" : ` (about ${hours(s.etaMs)})`}; ${s.trades} trades, ${s.requests} REST requests`,
      );
    }
  }

  stored(trades: number): void {
    this.state.trades += trades;
  }

  requested(): void {
    this.state.requests++;
  }

  archiveDay(date: string, outcome: "imported" | "fell back", why?: string): void {
    const days = this.state.archiveDays;
    if (outcome === "imported") days.imported.push(date);
    else days.fellBack.push(date);
    this.log(
      outcome === "imported"
        ? `${this.symbol}: history: archive day ${date} imported (${days.imported.length}/${days.total})`
        : `${this.symbol}: history: archive day ${date} ${why}; fetching its trades from REST instead`,
    );
  }

  finished(state: "done" | "failed", detail: string | null): void {
    const s = this.state;
    s.state = state;
    s.detail = detail;
    s.etaMs = state === "done" ? 0 : null;
    if (state === "done") s.remainingMs = 0;
    this.changed();
    this.log(
      state === "done"
        ? `${this.symbol}: history loaded${detail ? ` (${detail})` : ""}: ${s.trades} trades from ${s.coveredFrom === null ? "–" : stamp(s.coveredFrom)} UTC, ${s.archiveDays.imported.length} archive day(s), ${s.requests} REST requests`
        : `${this.symbol}: history stopped: ${detail}`,
    );
  }
}

/** Every symbol's progress, as /health shows it. */
export function historyHealth(windowMs: number, symbols: readonly SymbolProgress[]): HistoryHealth {
  return {
    windowMs,
    loading: symbols.some((p) => p.state.state === "waiting" || p.state.state === "loading"),
    symbols: Object.fromEntries(
      symbols.map((p) => [
        p.symbol,
        {
          ...p.state,
          archiveDays: {...p.state.archiveDays, imported: [...p.state.archiveDays.imported], fellBack: [...p.state.archiveDays.fellBack]},
        },
      ]),
    ),
  };
}
