// A page's bars: the build-time file plus the bars the recorder's live feed sends, per symbol, as
// BarColumns with gap flags. Buckets between the file's end and the first live bar are flagged as a
// gap (their trades are in neither), so no close is carried across that hole; so is every bucket of
// an unfilled gap the feed reports (`addGap`), file rows included, exactly as gapFlags flags the
// lake's gap records in the file.
// Columns grow in place (capacity doubles) and a new live bar writes only its own bucket, so a frame
// costs O(new bars) rather than a copy of the whole day (14 MB per frame at 86,400 bars × 2).
import type {GapRange} from "../lib/gapFlags.js";
import type {BarsFile, SymbolBars} from "../protocol/barsFile.js";
import type {LiveBar, LiveGap} from "../protocol/liveWire.js";

const fields = ["start", "open", "high", "low", "close", "volume", "quoteVolume", "count", "vwap", "takerBuyVolume"] as const;
type Field = (typeof fields)[number];
/** Value of an empty bucket, per column. */
const empty: Record<Field, number> = {
  start: 0,
  open: NaN,
  high: NaN,
  low: NaN,
  close: NaN,
  volume: 0,
  quoteVolume: 0,
  count: 0,
  vwap: NaN,
  takerBuyVolume: 0,
};

/** One symbol's columns with spare capacity: rows [0, length) are valid. */
interface Leg {
  columns: Record<Field, Float64Array>;
  gap: Uint8Array;
  length: number;
  /** Bucket starts received since the columns were last brought up to date. */
  dirty: Set<number>;
  /** firstLive the live rows were laid out for. */
  firstLive: number;
  /** Gap ranges of the symbol already flagged on every row laid out. */
  rangesFlagged: number;
  cached: {version: number; bars: SymbolBars} | null;
}

export class LiveBars {
  private readonly live = new Map<string, Map<number, LiveBar>>();
  private readonly legs = new Map<string, Leg>();
  private readonly end: number;
  /** Bumped on every change; cheap to compare. */
  version = 0;
  /** Buckets after the file's end received from the feed (both legs counted once). */
  liveBuckets = 0;
  private readonly liveStarts = new Set<number>();
  /** Per version, the first bucket start it wrote (a bounded log, for `changedSince`). */
  private readonly changes: {version: number; start: number}[] = [];
  private last = -Infinity;
  private firstLive = Infinity;
  /** Per symbol, the gaps the feed reported, as ranges with known ends (in order of arrival), and the ones seen. */
  private readonly gaps = new Map<string, GapRange[]>();
  private readonly gapsSeen = new Set<string>();

  constructor(readonly file: BarsFile) {
    const {time} = file;
    this.end = time.length ? time[time.length - 1] : -Infinity;
  }

  get interval(): number {
    return this.file.meta.intervalMs;
  }

  /** Records bars of `symbol`; a later update of the same bucket replaces it; bars within the file are ignored. */
  add(symbol: string, bars: readonly LiveBar[]): void {
    let map = this.live.get(symbol);
    if (!map) this.live.set(symbol, (map = new Map<number, LiveBar>()));
    let changed = false,
      first = Infinity;
    for (const bar of bars) {
      if (!(bar.start > this.end) || bar.start % this.interval !== 0) continue;
      map.set(bar.start, bar);
      if (!this.liveStarts.has(bar.start)) (this.liveStarts.add(bar.start), ++this.liveBuckets);
      if (bar.start > this.last) this.last = bar.start;
      if (bar.start < this.firstLive) this.firstLive = bar.start;
      this.legs.get(symbol)?.dirty.add(bar.start);
      changed = true;
      if (bar.start < first) first = bar.start;
    }
    if (!changed) return;
    this.changes.push({version: ++this.version, start: first});
    if (this.changes.length > 4096) this.changes.splice(0, 2048);
  }

  /**
   * Flags every bucket of `symbol` from the one holding `gap.from` to the one holding `gap.to`, in
   * the file's rows and the live ones, now and as they arrive (`gapFlags` on the whole grid). A null
   * `from` (the recorder could not read the lake at restart) starts at the page's last bucket with a
   * trade before the one holding `to`; a null `to` ends at the latest bucket so far. The same gap
   * again changes nothing.
   */
  addGap(symbol: string, gap: LiveGap): void {
    const key = `${symbol}|${gap.from}|${gap.to}`;
    if (this.gapsSeen.has(key)) return;
    this.gapsSeen.add(key);
    const from = gap.from ?? this.lastTradeBefore(symbol, gap.to === null ? Infinity : gap.to - (gap.to % this.interval));
    const to = gap.to ?? Math.max(from, this.last + this.interval - 1);
    if (!(to >= from)) return;
    let list = this.gaps.get(symbol);
    if (!list) this.gaps.set(symbol, (list = []));
    list.push({from, to});
    this.changes.push({version: ++this.version, start: Number.isFinite(from) ? from - (from % this.interval) : -Infinity});
    if (this.changes.length > 4096) this.changes.splice(0, 2048);
  }

  /** Start of the symbol's last bucket with a trade that starts before `t` (file or live), or -Infinity. */
  private lastTradeBefore(symbol: string, t: number): number {
    let best = -Infinity;
    for (const [start, bar] of this.live.get(symbol) ?? []) if (start < t && start > best && bar.count > 0) best = start;
    if (Number.isFinite(best)) return best;
    const base = this.file.symbols.get(symbol);
    if (!base) return -Infinity;
    const {start, count} = base.bars;
    for (let i = start.length - 1; i >= 0; --i) if (start[i] < t && count[i] > 0) return start[i];
    return -Infinity;
  }

  /**
   * The first bucket start written by the versions after `version`: Infinity when none, -Infinity
   * when that is too long ago to tell. Lets a consumer redo only the buckets from there on.
   */
  changedSince(version: number): number {
    if (version >= this.version) return Infinity;
    const log = this.changes;
    if (log.length === 0 || log[0].version > version + 1) return -Infinity;
    let first = Infinity;
    for (let k = log.length - 1; k >= 0 && log[k].version > version; --k) if (log[k].start < first) first = log[k].start;
    return first;
  }

  /** The symbol's bars: the file's followed by live buckets up to the latest live bar of any symbol. */
  bars(symbol: string): SymbolBars {
    const base = this.file.symbols.get(symbol);
    if (!base) throw new Error(`no bars of ${symbol} in this page's file`);
    const gaps = this.gaps.get(symbol) ?? [];
    if (!Number.isFinite(this.last) && gaps.length === 0) return base;
    const leg = this.legFor(symbol, base);
    if (leg.cached?.version === this.version) return leg.cached.bars;
    const n0 = base.bars.start.length,
      interval = this.interval;
    const start0 = Number.isFinite(this.end) ? this.end + interval : this.firstLive;
    const map = this.live.get(symbol) ?? new Map<number, LiveBar>();
    if (leg.firstLive !== this.firstLive) {
      // The first live bucket moved (a snapshot with older bars): lay the live rows out again.
      ((leg.length = n0), (leg.firstLive = this.firstLive));
      for (const t of map.keys()) leg.dirty.add(t);
    }
    const total = Number.isFinite(this.last) ? n0 + Math.round((this.last - start0) / interval) + 1 : n0;
    if (total > leg.gap.length) grow(leg, Math.max(total, Math.ceil(leg.gap.length * 1.5)));
    const fresh = leg.length; // rows from here on are laid out (again) below
    for (let i = leg.length; i < total; ++i) {
      const t = start0 + (i - n0) * interval;
      for (const f of fields) leg.columns[f][i] = empty[f];
      leg.columns.start[i] = t;
      leg.gap[i] = t < this.firstLive ? 1 : 0;
    }
    leg.length = total;
    for (const t of leg.dirty) {
      const bar = map.get(t),
        i = n0 + Math.round((t - start0) / interval);
      if (bar && bar.count > 0) write(leg.columns, i, bar);
      else for (const f of fields) if (f !== "start") leg.columns[f][i] = empty[f];
    }
    leg.dirty.clear();
    // Reported gaps: the new ones on every row, the others on the rows just laid out. O(flagged rows).
    for (let k = 0; k < gaps.length; ++k) flagRange(leg, gaps[k], interval, k < leg.rangesFlagged ? fresh : 0, total);
    leg.rangesFlagged = gaps.length;
    const view = (x: Float64Array) => x.subarray(0, total);
    const c = leg.columns;
    const bars: SymbolBars = {
      bars: {
        interval,
        start: view(c.start),
        open: view(c.open),
        high: view(c.high),
        low: view(c.low),
        close: view(c.close),
        volume: view(c.volume),
        quoteVolume: view(c.quoteVolume),
        count: view(c.count),
        vwap: view(c.vwap),
        takerBuyVolume: view(c.takerBuyVolume),
      },
      gap: leg.gap.subarray(0, total),
    };
    leg.cached = {version: this.version, bars};
    return bars;
  }

  private legFor(symbol: string, base: SymbolBars): Leg {
    let leg = this.legs.get(symbol);
    if (!leg) {
      const n0 = base.bars.start.length;
      leg = {
        columns: {} as Record<Field, Float64Array>,
        gap: new Uint8Array(0),
        length: n0,
        dirty: new Set(this.live.get(symbol)?.keys() ?? []),
        firstLive: this.firstLive,
        rangesFlagged: 0,
        cached: null,
      };
      for (const f of fields) leg.columns[f] = base.bars[f];
      leg.gap = base.gap;
      grow(leg, n0 + 1024);
      this.legs.set(symbol, leg);
    }
    return leg;
  }
}

/** Flags rows [lo, hi) of a leg whose bucket overlaps `range` (gapFlags' rule, on the leg's regular grid). */
function flagRange(leg: Leg, {from, to}: GapRange, interval: number, lo: number, hi: number): void {
  if (hi <= lo) return;
  const first = leg.columns.start[0];
  const a = Math.max(lo, Math.floor((from - first) / interval)),
    b = Math.min(hi - 1, Math.floor((to - first) / interval));
  for (let i = a; i <= b; ++i) leg.gap[i] = 1;
}

/** Reallocates a leg's columns to `capacity` rows, keeping its valid rows. */
function grow(leg: Leg, capacity: number): void {
  for (const f of fields) {
    const x = new Float64Array(capacity);
    x.set(leg.columns[f].subarray(0, leg.length));
    leg.columns[f] = x;
  }
  const gap = new Uint8Array(capacity);
  gap.set(leg.gap.subarray(0, leg.length));
  leg.gap = gap;
}

function write(c: Record<Field, Float64Array>, i: number, bar: LiveBar): void {
  ((c.open[i] = bar.open), (c.high[i] = bar.high), (c.low[i] = bar.low), (c.close[i] = bar.close));
  ((c.volume[i] = bar.volume), (c.count[i] = bar.count));
  c.quoteVolume[i] = bar.quoteVolume ?? bar.close * bar.volume;
  c.vwap[i] = c.quoteVolume[i] / bar.volume;
  c.takerBuyVolume[i] = bar.takerBuyVolume ?? 0;
}
