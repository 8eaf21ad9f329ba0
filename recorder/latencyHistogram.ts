// Receive → send latency of the live feed's updates: a histogram of 0.01 ms buckets up to 100 ms (the
// last bucket holds the overflow), so recording is O(1) on the send path and quantiles are exact to
// the bucket.

export class LatencyHistogram {
  private readonly counts = new Float64Array(10_000);
  private max = 0;

  /** Records one latency, ms. */
  record(ms: number): void {
    this.counts[Math.min(this.counts.length - 1, Math.floor(ms * 100))]++;
    if (ms > this.max) this.max = ms;
  }

  /** {count, p50, p99, max} in ms since the last reset (NaN quantiles when empty); `reset` starts anew. */
  summary(reset = false): {count: number; p50: number; p99: number; max: number} {
    const h = this.counts;
    const count = h.reduce((a, b) => a + b, 0);
    const quantile = (q: number) => {
      let seen = 0;
      for (let i = 0; i < h.length; ++i) if ((seen += h[i]) >= q * count) return (i + 1) / 100;
      return Infinity;
    };
    const result = {count, p50: count ? quantile(0.5) : NaN, p99: count ? quantile(0.99) : NaN, max: this.max};
    if (reset) (h.fill(0), (this.max = 0));
    return result;
  }
}
