// The bars alert rules read: per symbol and interval, bars built with src/lib/bars.ts (barOf,
// addTrade: open and close by (time, id), whatever the arrival order), the same bars the pages resample
// from the lake. A bucket without trades holds no bar and reads as the previous close, as the pages'
// alignment (alignBars) carries it; the buckets of a recorded unfilled gap are flagged as gapFlags flags
// them, and a window that holds one (or carries a close across one) is not evaluated. Built on the trade
// path, so every call here is cheap (amortized O(1) per trade; alignment O(pair rules) per closed
// bucket); rules read them later, off it.
import {addTrade, type Bar, barOf, bucketStart, type Trade} from "../../src/lib/bars.js";
import type {GapRange} from "../../src/lib/gapFlags.js";
import type {GapRecord} from "../../src/protocol/gaps.js";
// The same bound as the live hub keeps for its snapshots: the latest unfilled gaps per symbol.
import {maxGapsKept} from "../liveSnapshots.js";

/** Closed bars of one symbol at one interval. */
interface Series {
  readonly interval: number;
  /** Start of the bucket of bars[0]. */
  start: number;
  /** Closed buckets, oldest first; null for a bucket without trades. */
  bars: (Bar | null)[];
  /** The close carried into bars[0] (from trimmed bars) and the start of its bar; NaN when none. */
  carry: number;
  carryAt: number;
  /** The bucket still open, and its bar so far (null until a trade falls in it). */
  current: number;
  open: Bar | null;
}

export class AlertBars {
  private readonly series = new Map<string, Series>(); // "SYMBOL|interval ms"
  private readonly gaps = new Map<string, GapRange[]>(); // per symbol, oldest first
  private readonly lastTime = new Map<string, number>(); // per symbol, the latest trade time folded in

  /** `keep(interval)`: bars a series must keep (the largest window plus the allowed backlog). */
  constructor(private readonly keep: (interval: number) => number) {}

  /** Folds a trade in; true when it closed the open bucket (and maybe quiet ones after it). */
  add(symbol: string, interval: number, trade: Trade): boolean {
    if (trade.time > (this.lastTime.get(symbol) ?? -Infinity)) this.lastTime.set(symbol, trade.time);
    const key = `${symbol}|${interval}`;
    const b = bucketStart(trade.time, interval);
    const s = this.series.get(key);
    if (!s) {
      this.series.set(key, {interval, start: b, bars: [], carry: NaN, carryAt: NaN, current: b, open: barOf(trade, interval)});
      return false;
    }
    if (b === s.current) {
      s.open = s.open ? addTrade(s.open, trade) : barOf(trade, interval);
      return false;
    }
    if (b < s.current) {
      // A trade for a bucket already closed (rare: Binance's ids follow time): it corrects the bar for
      // the windows still to be evaluated, as the lake's bars have it; one older than the bars kept is dropped.
      const i = (b - s.start) / interval;
      if (i >= 0) s.bars[i] = s.bars[i] ? addTrade(s.bars[i], trade) : barOf(trade, interval);
      return false;
    }
    this.advance(s, b);
    s.open = barOf(trade, interval);
    return true;
  }

  /**
   * Records an unfilled gap of `symbol`: the buckets from the one holding `fromTime` to the one holding
   * `toTime` are flagged. An unknown end stands for no trade known on that side (GapRange): an unknown
   * start reaches back over every bar kept, an unknown end reaches to the latest trade so far.
   */
  addGap(gap: Pick<GapRecord, "symbol" | "fromTime" | "toTime" | "filled">): void {
    if (gap.filled) return;
    const from = gap.fromTime ?? -Infinity;
    const to = gap.toTime ?? Math.max(from, this.lastTime.get(gap.symbol) ?? from);
    if (!(to >= from)) return;
    let list = this.gaps.get(gap.symbol);
    if (!list) this.gaps.set(gap.symbol, (list = []));
    list.push({from, to});
    if (list.length > maxGapsKept) list.shift();
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

  /** The first bar that has `window` bars on every leg (NaN when a leg has no series yet). */
  firstFull(legs: readonly string[], interval: number, window: number): number {
    let first = -Infinity;
    for (const leg of legs) {
      const s = this.get(leg, interval);
      if (!s) return NaN;
      first = Math.max(first, s.start + (window - 1) * interval);
    }
    return first;
  }

  /** Closes of `symbol` for the `window` bars ending with the bar starting at `bar` (quiet buckets carry the close before them), or null if not all kept. */
  window(symbol: string, interval: number, bar: number, window: number): Float64Array | null {
    const s = this.get(symbol, interval);
    if (!s) return null;
    const last = (bar - s.start) / interval,
      first = last - window + 1;
    if (first < 0 || last >= s.bars.length) return null;
    const out = new Float64Array(window);
    let close = this.carryInto(s, first).close;
    for (let i = 0; i < window; ++i) out[i] = close = s.bars[first + i]?.close ?? close;
    return out;
  }

  /**
   * A recorded gap of `symbol` whose flagged buckets meet the window of `window` bars ending at `bar`,
   * or the stretch its first close is carried across; null when there is none (or the bars are not kept).
   */
  gapIn(symbol: string, interval: number, bar: number, window: number): GapRange | null {
    const s = this.get(symbol, interval),
      gaps = this.gaps.get(symbol);
    if (!s || !gaps) return null;
    const first = (bar - s.start) / interval - window + 1;
    if (first < 0) return null;
    const carryAt = this.carryInto(s, first).at;
    const lo = Number.isNaN(carryAt) ? s.start + first * interval : carryAt;
    // gapFlags flags the buckets from the one holding `from` to the one holding `to`.
    for (const gap of gaps) if (bucketStart(gap.from, interval) <= bar && bucketStart(gap.to, interval) >= lo) return gap;
    return null;
  }

  private get(symbol: string, interval: number): Series | undefined {
    return this.series.get(`${symbol}|${interval}`);
  }

  /** The close that bar `i` starts from, and the start of the bar it comes from: bar i itself when it has trades. */
  private carryInto(s: Series, i: number): {close: number; at: number} {
    for (let k = i; k >= 0; --k) if (s.bars[k]) return {close: s.bars[k]!.close, at: s.start + k * s.interval};
    return {close: s.carry, at: s.carryAt};
  }

  /** Closes the open bucket and any quiet ones up to `to`. */
  private advance(s: Series, to: number): void {
    const keep = this.keep(s.interval);
    s.bars.push(s.open);
    s.open = null;
    s.current += s.interval;
    const quiet = (to - s.current) / s.interval;
    if (quiet > keep) {
      // Only the last `keep` quiet buckets would be kept anyway.
      this.trim(s, s.bars.length);
      s.start = s.current = to - keep * s.interval;
    }
    for (; s.current < to; s.current += s.interval) s.bars.push(null);
    // Trim in batches, so that the copy is amortized over many bars.
    if (s.bars.length > keep + Math.max(64, keep >> 2)) this.trim(s, s.bars.length - keep);
  }

  /** Drops the oldest `drop` bars, keeping the close they carry. */
  private trim(s: Series, drop: number): void {
    for (let k = drop - 1; k >= 0; --k) {
      const bar = s.bars[k];
      if (bar) {
        ((s.carry = bar.close), (s.carryAt = s.start + k * s.interval));
        break;
      }
    }
    s.bars.splice(0, drop);
    s.start += drop * s.interval;
  }
}
