/**
 * Binance's REST request-weight budget: weights add up within fixed one-minute windows aligned to the
 * server clock (reported as X-MBX-USED-WEIGHT-1M), and a request that would exceed the limit gets
 * HTTP 429 instead. One budget for the whole server: every client here is the same local "IP".
 */
export class RequestWeight {
  private window = NaN;
  private used = 0;

  constructor(readonly limitPerMinute = 6000) {}

  /** Charges `weight` at `nowMs`; false (and nothing charged) when the budget would be exceeded. */
  charge(weight: number, nowMs: number): boolean {
    this.roll(nowMs);
    if (this.used + weight > this.limitPerMinute) return false;
    this.used += weight;
    return true;
  }

  /** Weight used in the window containing `nowMs`. */
  usedAt(nowMs: number): number {
    this.roll(nowMs);
    return this.used;
  }

  /** Whole seconds until the current window ends (Retry-After). */
  retryAfterSeconds(nowMs: number): number {
    return Math.max(1, Math.ceil((60_000 - (nowMs % 60_000)) / 1000));
  }

  private roll(nowMs: number): void {
    const window = Math.floor(nowMs / 60_000);
    if (window !== this.window) ((this.window = window), (this.used = 0));
  }
}
