// Runs queued work in short slices on the main thread, yielding to the event loop between them, so
// the write-ahead log's fsync timer, socket reads, /health and signals are never held up for more
// than one slice; and at most `share` of the thread's time, so the recorder keeps the rest.

export interface SliceSchedulerOptions {
  /** Target length of one slice, ms. */
  sliceMs: number;
  /** Largest share of wall time spent in slices (0 < share ≤ 1). */
  share: number;
  /** Monotonic clock, ms. */
  now?: () => number;
  /** Called with an exception `run` threw (the work is then treated as done until the next `wake`). */
  onError: (error: Error) => void;
}

export class SliceScheduler {
  /** Longest slice so far, ms (a slice ends after the step that crosses its deadline). */
  maxSliceMs = 0;
  slices = 0;
  private busyMs = 0;
  private windowStart: number;
  private lastShare = 0;
  private pending: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly now: () => number;

  /**
   * `run(deadline)` does work until `now() ≥ deadline` or there is none left, and returns whether
   * some is left. Call `wake()` whenever work is queued.
   */
  constructor(
    private readonly run: (deadline: number) => boolean,
    private readonly options: SliceSchedulerOptions,
  ) {
    if (!(options.share > 0 && options.share <= 1)) throw new RangeError(`invalid share: ${options.share} (expected 0 < share ≤ 1)`);
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
  }

  /** Schedules a slice unless one is scheduled already. */
  wake(): void {
    if (this.pending || this.stopped) return;
    this.pending = setImmediate(() => this.slice());
  }

  /** Resolves once no work is left (at once if none is). */
  idle(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Share of wall time spent in slices over the last complete ~10 s. */
  busyShare(): number {
    this.roll(this.now());
    return this.lastShare;
  }

  /** Runs no more slices; pending `idle()` calls resolve. */
  stop(): void {
    this.stopped = true;
    if (this.pending) (clearTimeout(this.pending as NodeJS.Timeout), clearImmediate(this.pending as NodeJS.Immediate));
    this.pending = undefined;
    this.settle();
  }

  private slice(): void {
    this.pending = undefined;
    const start = this.now();
    let more = false;
    try {
      more = this.run(start + this.options.sliceMs);
    } catch (error) {
      this.options.onError(error as Error);
    } finally {
      const ms = this.now() - start;
      this.slices++;
      this.busyMs += ms;
      this.maxSliceMs = Math.max(this.maxSliceMs, ms);
      this.roll(start + ms);
    }
    if (!more || this.stopped) return this.settle();
    const {share} = this.options;
    const rest = ((this.now() - start) * (1 - share)) / share;
    this.pending = rest >= 1 ? setTimeout(() => this.slice(), rest) : setImmediate(() => this.slice());
  }

  private settle(): void {
    if (this.pending) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private roll(now: number): void {
    if (now - this.windowStart < 10_000) return;
    this.lastShare = this.busyMs / (now - this.windowStart);
    this.busyMs = 0;
    this.windowStart = now;
  }
}
