// The history loaders of one market take turns at REST, newest first: each turn goes to the loader
// whose covered range reaches least far back, so every symbol's most recent hours arrive before any
// symbol's older ones (a busy symbol takes more pages per hour than a quiet one, so turns follow time,
// not a fixed rotation). One history request of the market is in flight at a time, as when the
// symbols loaded one after another; the weight budget and live gaps are the gate's (historyGate.ts).

interface Member {
  /** Time (ms) of the oldest trade the loader has fetched; Infinity before it knows its bottom. */
  at: number;
  /** pending: waiting for its first stored trade; active: loading from REST; away: archive import or done. */
  state: "pending" | "active" | "away";
  /** Set while it waits for a turn. */
  grant?: () => void;
}

export interface HistoryTurnsOptions {
  /** How long a loader still waiting for its first stored trade holds the others back (ms, default 5000): long enough for every live stream's first publish, short enough that a quiet symbol does not stall the rest. */
  graceMs?: number;
}

export class HistoryTurns {
  private readonly members = new Map<string, Member>();
  private busy = false;
  private graceOver = false;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    symbols: readonly string[],
    private readonly options: HistoryTurnsOptions = {},
  ) {
    for (const symbol of symbols) this.members.set(symbol, {at: Infinity, state: "pending"});
  }

  /** `symbol` has fetched (or the lake holds) trades back to `time` (ms), and loads on from REST. */
  at(symbol: string, time: number): void {
    const m = this.member(symbol);
    m.at = m.state === "pending" ? time : Math.min(m.at, time);
    m.state = "active";
    this.pump();
  }

  /** `symbol` does not ask REST for a while (an archive import) or ever again (done): the others go on without it. */
  away(symbol: string): void {
    const m = this.member(symbol);
    m.state = "away";
    m.grant = undefined;
    this.pump();
  }

  /**
   * Resolves with a release function once it is `symbol`'s turn: no other loader stands nearer to now
   * (and none is still waiting for its first trade, for `graceMs`). Rejects once `signal` aborts.
   */
  take(symbol: string, signal: AbortSignal): Promise<() => void> {
    const m = this.member(symbol);
    if (m.state !== "active") throw new Error(`HistoryTurns: ${symbol} takes a turn before its position is known`);
    this.startGrace();
    return new Promise((resolve, reject) => {
      const onAbort = () => ((m.grant = undefined), reject(new Error("aborted")), this.pump());
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, {once: true});
      m.grant = () => {
        signal.removeEventListener("abort", onAbort);
        m.grant = undefined;
        this.busy = true;
        let released = false;
        resolve(() => {
          if (released) return;
          ((released = true), (this.busy = false), this.pump());
        });
      };
      this.pump();
    });
  }

  private member(symbol: string): Member {
    const m = this.members.get(symbol);
    if (!m) throw new RangeError(`HistoryTurns: unknown symbol ${symbol}`);
    return m;
  }

  private startGrace(): void {
    if (this.graceOver || this.graceTimer) return;
    this.graceTimer = setTimeout(() => ((this.graceOver = true), this.pump()), this.options.graceMs ?? 5000);
    this.graceTimer.unref?.();
  }

  /** Grants the turn to the waiting loader nearest to now, unless an active one stands nearer still. */
  private pump(): void {
    if (this.busy) return;
    const members = [...this.members.values()];
    if (!this.graceOver && members.some((m) => m.state === "pending")) return;
    let newest: Member | undefined;
    for (const m of members) if (m.state === "active" && (!newest || m.at > newest.at)) newest = m;
    // The newest of the active loaders goes, once it asks; a waiting loader of the same position also may.
    const next = members.find((m) => m.state === "active" && m.grant && m.at >= newest!.at);
    if (next) {
      if (this.graceTimer && !members.some((m) => m.state === "pending")) clearTimeout(this.graceTimer);
      next.grant!();
    }
  }
}
