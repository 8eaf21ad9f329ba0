// What a page gets when it subscribes to the live feed: the recent bars of each symbol and interval
// (src/lib/bars.ts, the loaders' definition), folded from the stored trades, and the symbol's latest
// unfilled gaps (`maxGapsKept`), so pages flag their buckets as the loaders flag the lake's gap records,
// and a perpetual's latest stored funding events (`maxFundingKept`), so they charge them as the lake's.
import {type Bar, intervalMs, type Trade} from "../src/lib/bars.js";
import {mergeLiveFunding} from "../src/protocol/liveFunding.js";
import type {LiveFunding, LiveGap} from "../src/protocol/liveWire.js";
import {fromSeconds, upsert} from "./barSeries.js";

/** Unfilled gaps kept per symbol for snapshots (the latest; older ones are still in the lake's gap records). */
export const maxGapsKept = 100;
/** Funding events kept per perpetual for snapshots (the latest: a month at Binance's 8 h; older ones are in every build). */
export const maxFundingKept = 100;

export class LiveSnapshots {
  private readonly bars = new Map<string, Bar[]>(); // "SYMBOL|interval" → recent bars, by start
  private readonly bySymbol = new Map<string, {key: string; list: Bar[]; interval: number}[]>(); // the same, per symbol, for the hot path
  private readonly gaps = new Map<string, LiveGap[]>(); // per symbol, unfilled gaps recorded since start, oldest first
  private readonly funding = new Map<string, readonly LiveFunding[]>(); // per perpetual, latest stored funding events by time

  /** `maxBars`: recent bars kept per symbol and interval. 1-second bars are always kept, so the first subscriber already gets a snapshot. */
  constructor(
    symbols: readonly string[],
    private readonly maxBars: number,
  ) {
    for (const symbol of symbols) this.series(symbol, "1s");
  }

  /** Recent bars of a symbol and interval, created (from the 1 s bars) on first use. */
  series(symbol: string, interval: string): Bar[] {
    const key = `${symbol}|${interval}`;
    let list = this.bars.get(key);
    if (!list) {
      this.bars.set(key, (list = interval === "1s" ? [] : fromSeconds(this.bars.get(`${symbol}|1s`) ?? [], intervalMs(interval))));
      let entries = this.bySymbol.get(symbol);
      if (!entries) this.bySymbol.set(symbol, (entries = []));
      entries.push({key, list, interval: intervalMs(interval)});
    }
    return list;
  }

  /** Folds a trade into every series of its symbol; `changed` gets each series' key ("SYMBOL|interval") and the bar the trade changed. */
  add(symbol: string, trade: Trade, changed: (key: string, bar: Bar) => void): void {
    const series = this.bySymbol.get(symbol);
    if (!series) return;
    for (const {key, list, interval} of series) {
      const bar = upsert(list, trade, interval, this.maxBars);
      if (bar) changed(key, bar);
    }
  }

  /** Keeps an unfilled gap of `symbol` for the next snapshots (the latest `maxGapsKept`). */
  addGap(symbol: string, gap: LiveGap): void {
    let list = this.gaps.get(symbol);
    if (!list) this.gaps.set(symbol, (list = []));
    list.push(gap);
    if (list.length > maxGapsKept) list.shift();
  }

  /** The kept unfilled gaps of a symbol, oldest first. */
  gapsOf(symbol: string): readonly LiveGap[] {
    return this.gaps.get(symbol) ?? [];
  }

  /** Merges stored funding events of a perpetual (liveFunding.ts rules); returns whether any changed what is kept. */
  addFunding(symbol: string, events: readonly LiveFunding[]): boolean {
    const held = this.funding.get(symbol) ?? [];
    const merged = mergeLiveFunding(held, events, maxFundingKept);
    this.funding.set(symbol, merged);
    return merged !== held;
  }

  /** The kept funding events of a perpetual, oldest first; undefined for a symbol with none (spot). */
  fundingOf(symbol: string): readonly LiveFunding[] | undefined {
    return this.funding.get(symbol);
  }
}
