// Progress of `record --history` per symbol: what /health and `pairbook status` show, and the few log
// lines a person reads (start, each archive day, a line every `logEveryMs` at most, the end).
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";

const hours = (ms: number) => (ms >= 7_200_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`);
const stamp = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

/**
 * Wall time per unit of work, from what a symbol has done so far: REST pages (wall ms per ms of market
 * time they covered, waits for turns and the budget included) and archive days (wall ms per day, the
 * import queue's wait included). The two differ by orders of magnitude (a day from the archive in
 * seconds, the same day from REST in hours), so each part of what remains is priced at its own rate.
 */
interface Rates {
  restWall: number;
  restSpan: number;
  archiveWall: number;
  archiveDays: number;
}

export class SymbolProgress {
  readonly state: SymbolHistory;
  private loggedAt = 0;
  private readonly rates: Rates = {restWall: 0, restSpan: 0, archiveWall: 0, archiveDays: 0};
  /** What the loader is doing since when: paging REST (down from `from`) or importing an archive day. */
  private phase: {kind: "rest"; since: number; from: number} | {kind: "archive"; since: number} | null = null;
  /**
   * The REST stretch under way goes down to here: the start of today (or of the window) at first, the
   * start of a day that fell back to REST after that; archive days hold the window below it.
   */
  private restBottom: number;

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
    this.restBottom = Math.max(windowStart, archiveTotal > 0 ? Math.floor(now() / 86_400_000) * 86_400_000 : windowStart);
    this.state = {
      state: "waiting",
      windowStart,
      coveredFrom: null,
      remainingMs: 0,
      etaMs: null, // never kept: derived from the clock when read (`eta`, historyHealth)
      trades: 0,
      requests: 0,
      archiveDays: {total: archiveTotal, imported: [], fellBack: []},
      detail: "waiting for the first trade in the lake",
    };
  }

  /**
   * The oldest trade held in the window is now at `time` (ms); `detail` "REST" or "archive <date>" says
   * what the loader does from here on.
   */
  covered(time: number, detail?: string): void {
    const s = this.state,
      now = this.now(),
      was = [s.state, s.detail];
    if (s.state === "waiting") s.state = "loading";
    s.coveredFrom = s.coveredFrom === null ? time : Math.min(s.coveredFrom, time);
    s.remainingMs = Math.max(0, s.coveredFrom - s.windowStart);
    const phase = this.phase;
    if (phase?.kind === "rest" && s.coveredFrom < phase.from) {
      this.rates.restWall += now - phase.since;
      this.rates.restSpan += phase.from - s.coveredFrom;
    }
    if (detail?.startsWith("archive")) this.phase = {kind: "archive", since: now};
    else if (detail !== undefined || phase?.kind === "rest") this.phase = {kind: "rest", since: now, from: s.coveredFrom};
    if (detail !== undefined) s.detail = detail;
    if (s.state !== was[0] || s.detail !== was[1]) this.changed();
    const eta = this.eta(now);
    if (now - this.loggedAt >= this.logEveryMs && s.remainingMs >= 60_000) {
      this.loggedAt = now;
      this.log(
        `${this.symbol}: history from ${stamp(s.coveredFrom)} UTC, ${hours(s.remainingMs)} to go${eta === null ? "" : ` (about ${hours(eta)})`}; ${s.trades} trades, ${s.requests} REST requests`,
      );
    }
  }

  /**
   * Wall ms until done at `now`: the REST part of what remains at the REST rate so far, the archive days
   * left at the time a day took so far, less what the step under way has already taken. Null while a
   * part that remains has no rate yet (before the first REST page, or the first archive day).
   */
  eta(now: number = this.now()): number | null {
    const s = this.state;
    if (s.state === "done") return 0;
    if (s.state !== "loading" || s.coveredFrom === null) return null;
    const r = this.rates,
      restLeft = Math.max(0, s.coveredFrom - this.restBottom),
      daysLeft = s.archiveDays.total - s.archiveDays.imported.length - s.archiveDays.fellBack.length;
    if ((restLeft > 0 && r.restSpan === 0) || (daysLeft > 0 && r.archiveDays === 0)) return null;
    const restMs = restLeft > 0 ? (restLeft * r.restWall) / r.restSpan : 0,
      dayMs = daysLeft > 0 ? r.archiveWall / r.archiveDays : 0,
      under = this.phase ? now - this.phase.since : 0;
    // The step under way has run `under` ms of its share (its rate's estimate of it, at most).
    const eta =
      this.phase?.kind === "archive" && daysLeft > 0
        ? restMs + dayMs * (daysLeft - 1) + Math.max(0, dayMs - under)
        : Math.max(0, restMs - under) + dayMs * daysLeft;
    return Math.round(eta);
  }
  stored(trades: number): void {
    this.state.trades += trades;
  }

  requested(): void {
    this.state.requests++;
  }

  archiveDay(date: string, outcome: "imported" | "fell back", why?: string): void {
    const days = this.state.archiveDays;
    // Only imported days price the days left (one that fell back failed fast: its REST pages count as REST).
    if (this.phase?.kind === "archive" && outcome === "imported")
      ((this.rates.archiveWall += this.now() - this.phase.since), this.rates.archiveDays++);
    if (outcome === "fell back") this.restBottom = Math.max(this.state.windowStart, Date.parse(`${date}T00:00:00Z`));
    this.phase = null;
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
    this.phase = null;
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
          etaMs: p.eta(),
          archiveDays: {...p.state.archiveDays, imported: [...p.state.archiveDays.imported], fellBack: [...p.state.archiveDays.fellBack]},
        },
      ]),
    ),
  };
}
