// Binance's REST limits, kept on the client side: request weight per minute as the server counts it
// (X-MBX-USED-WEIGHT-1M), a server-set pause after HTTP 429/418 (Retry-After), and plain request
// counts per sliding window (fapi's fundingRate: 500 requests per 5 minutes per IP).

/** The clock and the wait a budget uses; tests pass fakes. */
export interface BudgetClock {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Request weight per UTC minute under `budget` (spot 6000, USD-M 2400, less a margin). The server's
 * `X-MBX-USED-WEIGHT-1M` overrides the local count after each answer (other processes on the IP count
 * too); after HTTP 429/418 nothing is sent until `Retry-After` (seconds; 60 s when absent) has passed.
 */
export class WeightBudget {
  usedWeight = 0;
  private minute = 0;
  blockedUntil = 0;

  constructor(
    readonly budget: number,
    private readonly clock: BudgetClock = {},
  ) {}

  /** Waits until a request of `weight` fits: past any Retry-After, and within this minute's budget. */
  async take(weight: number, signal?: AbortSignal): Promise<void> {
    const {now = Date.now, sleep = defaultSleep} = this.clock;
    for (;;) {
      const t = now();
      if (t < this.blockedUntil) await sleep(this.blockedUntil - t, signal);
      else if (Math.floor(t / 60_000) === this.minute && this.usedWeight + weight > this.budget)
        await sleep(60_000 - (t % 60_000) + 50, signal);
      else return;
      if (signal?.aborted) throw new Error("aborted");
    }
  }

  /** Weight still free this minute (0 while a Retry-After pause lasts): background work (history) takes only a share of it. */
  spare(): number {
    const t = (this.clock.now ?? Date.now)();
    if (t < this.blockedUntil) return 0;
    return this.budget - (Math.floor(t / 60_000) === this.minute ? this.usedWeight : 0);
  }

  /**
   * Counts an answer: its used-weight header (else `weight` more than before). For 429/418 starts the
   * pause and returns its length in ms; returns 0 otherwise.
   */
  record(response: Response, weight: number): number {
    const now = (this.clock.now ?? Date.now)();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) ((this.minute = minute), (this.usedWeight = 0));
    const used = Number(response.headers.get("x-mbx-used-weight-1m"));
    this.usedWeight = Number.isFinite(used) && used > 0 ? used : this.usedWeight + weight;
    if (response.status !== 429 && response.status !== 418) return 0;
    const retryAfter = Number(response.headers.get("retry-after"));
    const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000;
    this.blockedUntil = now + wait;
    this.usedWeight = 0; // Retry-After is the server's word on when to resume; the next answer's header tells the rest
    return wait;
  }
}

/** At most `limit` requests per sliding `windowMs`, counted when taken. */
export class WindowLimit {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: BudgetClock = {},
  ) {
    if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError(`WindowLimit: invalid limit ${limit} (expected an integer > 0)`);
  }

  /** Waits until a request is allowed, then counts it. */
  async take(signal?: AbortSignal): Promise<void> {
    const {now = Date.now, sleep = defaultSleep} = this.clock;
    for (;;) {
      const t = now();
      while (this.times.length && this.times[0] <= t - this.windowMs) this.times.shift();
      if (this.times.length < this.limit) return void this.times.push(t);
      await sleep(this.times[0] + this.windowMs - t, signal);
      if (signal?.aborted) throw new Error("aborted");
    }
  }
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // The abort listener goes when the timer fires: a poll loop (history's gate) would pile them up.
    const onAbort = () => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), ms);
    signal?.addEventListener("abort", onAbort, {once: true});
  });
}
