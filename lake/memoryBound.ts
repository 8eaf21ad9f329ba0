// Bytes of accepted trades the lake writer holds only in memory (the log could not take them yet),
// against a bound: `full` at the bound tells the recorder to stop reading the exchange, and
// `whenRoom` resolves once half of it is free again (hysteresis: no flapping at the edge).

export class MemoryBound {
  /** Bytes held now: grown by each accepted line, set exactly after each log sync. */
  bytes = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly max: number) {
    if (!(max > 0)) throw new RangeError(`MemoryBound: invalid bound ${max} (expected a positive number of bytes)`);
  }

  get full(): boolean {
    return this.bytes >= this.max;
  }

  /** Sets the exact count and wakes the waiters if there is room now. */
  set(bytes: number): void {
    this.bytes = bytes;
    for (const check of [...this.waiters]) check();
  }

  /** Resolves once at most half the bound is held (at once if so), or when `signal` aborts. */
  whenRoom(signal: AbortSignal): Promise<void> {
    const room = () => this.bytes <= this.max / 2;
    if (room() || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(check);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const check = () => void (room() && done());
      this.waiters.add(check);
      signal.addEventListener("abort", done, {once: true});
    });
  }
}
