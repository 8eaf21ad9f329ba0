// A live subscription's bars: both legs' lake bars (the seed, on one UTC grid) followed by the bars the
// recorder's live feed sends, in columns that grow in place, with gap flags — the rules of the pages'
// src/client/liveBars.ts on the serve side: a live bar replaces the lake's last bucket (published
// mid-bucket) and fills those after it; buckets after the lake's end that the feed has not covered
// for a leg (before its first live bar) are flagged, so no close is carried across that hole; so is
// every bucket of an unfilled gap the feed reports.
import {barColumnNames, type BarColumns, type SymbolBars} from "../src/lib/bars.js";
import type {BarsLeg} from "../src/protocol/barsFile.js";
import type {LiveBar, LiveGap} from "../src/protocol/liveWire.js";

type Field = (typeof barColumnNames)[number];

interface Leg {
  columns: Record<Field, Float64Array>;
  gap: Uint8Array;
  /** Earliest bucket start the feed has sent a bar of (Infinity: none yet). */
  covered: number;
  /** Unfilled gaps the feed reported, as bucket-start ranges [from, to]. */
  ranges: {from: number; to: number}[];
  /** First lake row after the leg's last lake trade: flagged (as the report cuts them) until a live bar fills one. */
  tail: number;
  /** The lake's own gap flags of rows from `tail` on. */
  tailGap: Uint8Array;
}

export class LiveLegs {
  readonly interval: number;
  /** Rows of both legs. */
  length: number;
  private readonly start0: number;
  private readonly seedLast: number;
  private readonly legs: Leg[];
  /** First bucket start changed since the last `takeChanges` (Infinity: none). */
  private changed = Infinity;

  /** Seeds from the lake's legs (same grid, at least one bucket). */
  constructor(seed: readonly [BarsLeg, BarsLeg]) {
    const n = seed[0].bars.start.length;
    this.interval = seed[0].bars.interval;
    this.length = n;
    this.start0 = seed[0].bars.start[0];
    this.seedLast = this.start0 + (n - 1) * this.interval;
    this.legs = seed.map(({bars, gap}) => {
      const columns = {} as Record<Field, Float64Array>;
      for (const f of barColumnNames) ((columns[f] = new Float64Array(n + 1024)), columns[f].set(bars[f]));
      const g = new Uint8Array(n + 1024);
      g.set(gap);
      // No close is carried past a leg's last trade in the lake (serve/pairSeries.ts tradedSpan).
      let tail = n;
      while (tail > 0 && !(bars.count[tail - 1] > 0)) --tail;
      const tailGap = g.slice(tail, n);
      g.fill(1, tail, n);
      return {columns, gap: g, covered: Infinity, ranges: [], tail, tailGap};
    });
  }

  /** Leg 0 or 1 as SymbolBars (views on the growing columns, valid until the next change). */
  bars(leg: 0 | 1): SymbolBars {
    const {columns, gap} = this.legs[leg];
    const view = (x: Float64Array) => x.subarray(0, this.length);
    const bars = {interval: this.interval} as Record<string, unknown>;
    for (const f of barColumnNames) bars[f] = view(columns[f]);
    return {bars: bars as unknown as BarColumns, gap: gap.subarray(0, this.length)};
  }

  /** The first bucket start changed since the previous call (Infinity: none), and resets it. */
  takeChanges(): number {
    const c = this.changed;
    this.changed = Infinity;
    return c;
  }

  /** Writes a leg's live bars: those before the lake's last bucket are ignored, later ones fill or replace theirs. */
  add(leg: 0 | 1, bars: readonly LiveBar[]): void {
    const I = this.interval,
      l = this.legs[leg];
    for (const bar of bars) {
      if (!(bar.start >= this.seedLast) || bar.start % I !== 0) continue;
      const i = Math.round((bar.start - this.start0) / I);
      this.layOut(i + 1);
      if (bar.start < l.covered) this.cover(l, bar.start);
      const c = l.columns;
      if (bar.count > 0 && l.tailGap.length > 0 && i >= l.tail) {
        // A trade after the lake's last one: the tail's rows lie between two trades now, back to the lake's flags.
        const end = l.tail + l.tailGap.length;
        l.gap.set(l.tailGap, l.tail);
        for (const r of l.ranges) this.flag(l, r, l.tail, end);
        this.changed = Math.min(this.changed, l.columns.start[l.tail]);
        ((l.tail = end), (l.tailGap = new Uint8Array(0)));
      }
      if (bar.count > 0) {
        ((c.open[i] = bar.open), (c.high[i] = bar.high), (c.low[i] = bar.low), (c.close[i] = bar.close));
        ((c.volume[i] = bar.volume), (c.count[i] = bar.count));
        c.quoteVolume[i] = bar.quoteVolume ?? bar.close * bar.volume;
        c.vwap[i] = c.quoteVolume[i] / bar.volume;
        c.takerBuyVolume[i] = bar.takerBuyVolume ?? 0;
      }
      this.changed = Math.min(this.changed, bar.start);
    }
  }

  /**
   * Flags a leg's buckets from the one holding `gap.from` to the one holding `gap.to`, now and as they
   * are laid out; a null end stands for the other end (a null `to` with a known `from`: to the last bucket so far).
   */
  addGap(leg: 0 | 1, gap: LiveGap): void {
    const I = this.interval,
      last = this.start0 + (this.length - 1) * I;
    const from = gap.from ?? gap.to,
      to = gap.to ?? (gap.from === null ? null : Math.max(gap.from, last));
    if (from === null || to === null || !(to >= from)) return;
    const range = {from: from - (((from % I) + I) % I), to: to - (((to % I) + I) % I)};
    this.legs[leg].ranges.push(range);
    if (this.flag(this.legs[leg], range, 0, this.length)) this.changed = Math.min(this.changed, range.from);
  }

  /** Lays out empty rows up to `n` (flagged where a leg's feed has not covered them yet). */
  private layOut(n: number): void {
    if (n <= this.length) return;
    for (const l of this.legs) {
      if (n > l.gap.length) grow(l, Math.max(n, Math.ceil(l.gap.length * 1.5)));
      for (let i = this.length; i < n; ++i) {
        for (const f of barColumnNames)
          l.columns[f][i] = f === "volume" || f === "quoteVolume" || f === "count" || f === "takerBuyVolume" ? 0 : NaN;
        l.columns.start[i] = this.start0 + i * this.interval;
        l.gap[i] = l.columns.start[i] < l.covered ? 1 : 0;
      }
      for (const r of l.ranges) this.flag(l, r, this.length, n);
    }
    this.changed = Math.min(this.changed, this.start0 + this.length * this.interval);
    this.length = n;
  }

  /** The feed covers a leg from `start` on: the hole flags of its rows from there are lifted (reported gaps kept). */
  private cover(l: Leg, start: number): void {
    const I = this.interval,
      lo = Math.max(0, Math.round((start - this.start0) / I)),
      hi = Math.min(this.length, Number.isFinite(l.covered) ? Math.round((l.covered - this.start0) / I) : this.length);
    l.covered = start;
    for (let i = Math.max(lo, Math.round((this.seedLast - this.start0) / I) + 1); i < hi; ++i) l.gap[i] = 0;
    for (const r of l.ranges) this.flag(l, r, lo, hi);
    this.changed = Math.min(this.changed, start);
  }

  /** Flags rows [lo, hi) of a leg inside `range`; whether any row was. */
  private flag(l: Leg, range: {from: number; to: number}, lo: number, hi: number): boolean {
    const I = this.interval,
      a = Math.max(lo, Math.round((range.from - this.start0) / I)),
      b = Math.min(hi - 1, Math.round((range.to - this.start0) / I));
    for (let i = a; i <= b; ++i) l.gap[i] = 1;
    return a <= b;
  }
}

/** Reallocates a leg's columns to `capacity` rows, keeping the valid ones. */
function grow(l: Leg, capacity: number): void {
  for (const f of barColumnNames) {
    const x = new Float64Array(capacity);
    x.set(l.columns[f].subarray(0, Math.min(l.columns[f].length, capacity)));
    l.columns[f] = x;
  }
  const gap = new Uint8Array(capacity);
  gap.set(l.gap);
  l.gap = gap;
}
