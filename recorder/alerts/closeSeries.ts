// The closes alert rules read: per symbol and interval, the last price of each bucket in arrival order,
// carried forward over buckets without trades. Built on the trade path, so every call here is cheap
// (amortized O(1) per trade; alignment O(pair rules) per closed bucket); rules read them later, off it.
import {bucketStart, type Trade} from "../../src/lib/bars.js";

/** Closed-bar closes of one symbol at one interval. */
export interface Series {
  readonly interval: number;
  /** Start of the bucket of closes[0]. */
  start: number;
  closes: number[];
  /** The bucket still open, and its close so far. */
  current: number;
  currentClose: number;
}

export class CloseSeries {
  private readonly series = new Map<string, Series>(); // "SYMBOL|interval ms"

  /** `keep(interval)`: closes a series must keep (the largest window plus the allowed backlog). */
  constructor(private readonly keep: (interval: number) => number) {}

  get(symbol: string, interval: number): Series | undefined {
    return this.series.get(`${symbol}|${interval}`);
  }

  /** Folds a trade in; true when it closed the open bucket (and maybe quiet ones after it). */
  add(symbol: string, interval: number, trade: Trade): boolean {
    const key = `${symbol}|${interval}`;
    const b = bucketStart(trade.time, interval);
    const s = this.series.get(key);
    if (!s) {
      this.series.set(key, {interval, start: b, closes: [], current: b, currentClose: trade.price});
      return false;
    }
    if (b < s.current) return false; // late trade for a bar already closed
    if (b === s.current) {
      s.currentClose = trade.price;
      return false;
    }
    this.advance(s, b);
    s.currentClose = trade.price;
    return true;
  }

  /**
   * Carries the legs of each pair (in the given order) up to one bucket before their newest leg:
   * trades arrive in time order, so a leg two buckets behind another had a quiet bucket.
   */
  align(pairs: readonly (readonly string[])[], interval: number): void {
    for (const legs of pairs) {
      const series = legs.map((leg) => this.get(leg, interval));
      if (series.some((s) => !s)) continue;
      const newest = Math.max(...series.map((s) => s!.current));
      for (const s of series) if (s!.current < newest - interval) this.advance(s!, newest - interval);
    }
  }

  /** The last bar closed on every leg (NaN when a leg has no series yet). */
  closedThrough(legs: readonly string[], interval: number): number {
    let through = Infinity;
    for (const leg of legs) {
      const s = this.get(leg, interval);
      if (!s) return NaN;
      through = Math.min(through, s.current - interval);
    }
    return through;
  }

  /** The first bar that has `window` closes on every leg (NaN when a leg has no series yet). */
  firstFull(legs: readonly string[], interval: number, window: number): number {
    let first = -Infinity;
    for (const leg of legs) {
      const s = this.get(leg, interval);
      if (!s) return NaN;
      first = Math.max(first, s.start + (window - 1) * interval);
    }
    return first;
  }

  /** Closes of `symbol` for the `window` bars ending with the bar starting at `bar`, or null if not all kept. */
  window(symbol: string, interval: number, bar: number, window: number): number[] | null {
    const s = this.get(symbol, interval);
    if (!s) return null;
    const last = (bar - s.start) / s.interval, first = last - window + 1;
    if (first < 0 || last >= s.closes.length) return null;
    return s.closes.slice(first, last + 1);
  }

  /** Closes the open bucket and any quiet ones up to `to` (their close carried forward). */
  private advance(s: Series, to: number): void {
    const keep = this.keep(s.interval);
    const quiet = (to - s.current) / s.interval;
    if (quiet > keep) {
      // Only the last `keep` carried closes would be kept anyway.
      s.closes.length = 0;
      s.start = s.current = to - keep * s.interval;
    }
    for (; s.current < to; s.current += s.interval) s.closes.push(s.currentClose);
    // Trim in batches, so that the copy is amortized over many bars.
    if (s.closes.length > keep + Math.max(64, keep >> 2)) {
      const drop = s.closes.length - keep;
      s.closes.splice(0, drop);
      s.start += drop * s.interval;
    }
  }
}
