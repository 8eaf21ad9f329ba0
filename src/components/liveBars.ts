// A page's bars: the build-time file plus the bars the recorder's live feed sends, per symbol, as
// BarColumns with gap flags. Buckets between the file's end and the first live bar are flagged as a
// gap (their trades are in neither), so no close is carried across that hole.
import type {BarColumns} from "../lib/bars.js";
import type {BarsFile, SymbolBars} from "./barsFile.js";
import type {LiveBar} from "./liveFeed.js";

export class LiveBars {
  private readonly live = new Map<string, Map<number, LiveBar>>();
  private readonly cache = new Map<string, {version: number; bars: SymbolBars}>();
  private readonly end: number;
  /** Bumped on every change; cheap to compare. */
  version = 0;
  /** Buckets after the file's end received from the feed (both legs counted once). */
  liveBuckets = 0;
  private readonly liveStarts = new Set<number>();

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
    if (!map) this.live.set(symbol, (map = new Map()));
    let changed = false;
    for (const bar of bars) {
      if (!(bar.start > this.end) || bar.start % this.interval !== 0) continue;
      map.set(bar.start, bar);
      if (!this.liveStarts.has(bar.start)) this.liveStarts.add(bar.start), ++this.liveBuckets;
      changed = true;
    }
    if (changed) ++this.version;
  }

  /** The symbol's bars: the file's followed by live buckets up to the latest live bar of any symbol. */
  bars(symbol: string): SymbolBars {
    const cached = this.cache.get(symbol);
    if (cached && cached.version === this.version) return cached.bars;
    const base = this.file.symbols.get(symbol);
    if (!base) throw new Error(`no bars of ${symbol} in this page's file`);
    let last = -Infinity, firstLive = Infinity;
    for (const map of this.live.values()) for (const t of map.keys()) (last = Math.max(last, t)), (firstLive = Math.min(firstLive, t));
    if (!Number.isFinite(last)) return base;
    const n0 = base.bars.start.length, interval = this.interval;
    const start0 = Number.isFinite(this.end) ? this.end + interval : firstLive;
    const m = Math.round((last - start0) / interval) + 1;
    const map = this.live.get(symbol) ?? new Map<number, LiveBar>();
    const grow = (x: Float64Array, fill: number) => {
      const out = new Float64Array(n0 + m).fill(fill, n0);
      out.set(x);
      return out;
    };
    const b = base.bars;
    const out: BarColumns = {
      interval, start: grow(b.start, 0), open: grow(b.open, NaN), high: grow(b.high, NaN), low: grow(b.low, NaN), close: grow(b.close, NaN),
      volume: grow(b.volume, 0), quoteVolume: grow(b.quoteVolume, 0), count: grow(b.count, 0), vwap: grow(b.vwap, NaN), takerBuyVolume: grow(b.takerBuyVolume, 0)
    };
    const gap = new Uint8Array(n0 + m);
    gap.set(base.gap);
    for (let k = 0; k < m; ++k) {
      const t = start0 + k * interval, i = n0 + k;
      out.start[i] = t;
      if (t < firstLive) gap[i] = 1;
      const bar = map.get(t);
      if (!bar || !(bar.count > 0)) continue;
      out.open[i] = bar.open, out.high[i] = bar.high, out.low[i] = bar.low, out.close[i] = bar.close;
      out.volume[i] = bar.volume, out.count[i] = bar.count;
      out.quoteVolume[i] = bar.quoteVolume ?? bar.close * bar.volume;
      out.vwap[i] = out.quoteVolume[i] / bar.volume;
      out.takerBuyVolume[i] = bar.takerBuyVolume ?? 0;
    }
    const bars = {bars: out, gap};
    this.cache.set(symbol, {version: this.version, bars});
    return bars;
  }
}
