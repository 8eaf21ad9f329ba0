/**
 * The one definition of a bar, shared by the recorder's live hub and the notebook's loaders.
 *
 * Buckets are aligned to the UTC epoch: a trade at time t (ms) belongs to the bucket starting at
 * floor(t / interval) · interval. Open and close are the first and last trade ordered by
 * (time, trade id), so trades that arrive out of order (a backfill) still give the same bar.
 */

/** A normalized trade: what the recorder stores and the bars are made of. */
export interface Trade {
  readonly id: number;
  /** Trade time, milliseconds since the UTC epoch. */
  readonly time: number;
  readonly price: number;
  readonly qty: number;
  /** True when the buyer was the maker, i.e. the taker sold. */
  readonly isBuyerMaker: boolean;
}

export interface Bar {
  /** Bucket start, milliseconds since the UTC epoch. */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  count: number;
  /** Quote volume / volume; NaN for an empty bucket. */
  vwap: number;
  /** Base volume bought by takers (trades with isBuyerMaker false). */
  takerBuyVolume: number;
  firstId: number;
  lastId: number;
  /** Time and id of the opening and closing trades, to keep (time, id) ordering exact. */
  openTime: number;
  closeTime: number;
}

export const intervals = {"1s": 1_000, "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000} as const;
export type Interval = keyof typeof intervals;

/** Milliseconds in an interval name; RangeError for anything but 1s, 1m, 5m, 15m or 1h. */
export function intervalMs(interval: string): number {
  if (!Object.hasOwn(intervals, interval))
    throw new RangeError(`invalid interval: ${JSON.stringify(interval)} (expected one of ${Object.keys(intervals).join(", ")})`);
  return intervals[interval as Interval];
}

export function bucketStart(time: number, interval: number): number {
  return Math.floor(time / interval) * interval;
}

/** A bar holding one trade. */
export function barOf(trade: Trade, interval: number): Bar {
  const {price, qty} = trade;
  return {
    start: bucketStart(trade.time, interval),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: qty,
    quoteVolume: price * qty,
    count: 1,
    vwap: price,
    takerBuyVolume: trade.isBuyerMaker ? 0 : qty,
    firstId: trade.id,
    lastId: trade.id,
    openTime: trade.time,
    closeTime: trade.time,
  };
}

/** Adds a trade of the same bucket to `bar`, in place. Order of calls does not matter. */
export function addTrade(bar: Bar, trade: Trade): Bar {
  const {price, qty, time, id} = trade;
  if (time < bar.openTime || (time === bar.openTime && id < bar.firstId)) ((bar.open = price), (bar.openTime = time), (bar.firstId = id));
  if (time > bar.closeTime || (time === bar.closeTime && id > bar.lastId)) ((bar.close = price), (bar.closeTime = time), (bar.lastId = id));
  if (price > bar.high) bar.high = price;
  if (price < bar.low) bar.low = price;
  bar.volume += qty;
  bar.quoteVolume += price * qty;
  bar.count += 1;
  bar.vwap = bar.quoteVolume / bar.volume;
  if (!trade.isBuyerMaker) bar.takerBuyVolume += qty;
  return bar;
}

/** Columnar bars: one entry per bucket, empty buckets kept with count 0 and NaN prices. */
export interface BarColumns {
  readonly interval: number;
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly count: Float64Array;
  readonly vwap: Float64Array;
  readonly takerBuyVolume: Float64Array;
}

/** One symbol's bars with their gap flags (1: the bar may be missing trades; see `gapFlags`). */
export interface SymbolBars {
  bars: BarColumns;
  gap: Uint8Array;
}

export const barColumnNames = [
  "start",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quoteVolume",
  "count",
  "vwap",
  "takerBuyVolume",
] as const;

/** Trades as parallel columns, as read from the lake. */
export interface TradeColumns {
  readonly id: ArrayLike<number>;
  readonly time: ArrayLike<number>;
  readonly price: ArrayLike<number>;
  readonly qty: ArrayLike<number>;
  readonly isBuyerMaker: ArrayLike<boolean | number>;
}

/**
 * Resamples trades to bars of `interval` ms covering [from, to) — by default the buckets from the
 * first to the last trade — with empty buckets kept (count 0). Trades outside the range are ignored.
 * O(n + buckets); trades need not be sorted.
 *
 *   resample({id, time, price, qty, isBuyerMaker}, 1000).close
 */
export function resample(trades: TradeColumns, interval: number, {from, to}: {from?: number; to?: number} = {}): BarColumns {
  if (!(interval > 0)) throw new RangeError(`resample: invalid interval ${interval}`);
  const n = trades.time.length;
  for (const key of ["id", "price", "qty", "isBuyerMaker"] as const) {
    if (trades[key].length !== n) throw new RangeError(`resample: column ${key} has ${trades[key].length} rows, time has ${n}`);
  }
  let lo = from === undefined ? Infinity : bucketStart(from, interval);
  let hi = to === undefined ? -Infinity : to;
  if (from === undefined || to === undefined) {
    let tmin = Infinity,
      tmax = -Infinity;
    for (let i = 0; i < n; ++i) {
      const t = trades.time[i];
      if (t < tmin) tmin = t;
      if (t > tmax) tmax = t;
    }
    if (from === undefined) lo = bucketStart(tmin, interval);
    if (to === undefined) hi = bucketStart(tmax, interval) + interval;
  }
  const m = n === 0 && (from === undefined || to === undefined) ? 0 : Math.max(0, Math.ceil((hi - lo) / interval));
  const bars = emptyBars(interval, lo, m);
  const openTime = new Float64Array(m).fill(Infinity),
    openId = new Float64Array(m);
  const closeTime = new Float64Array(m).fill(-Infinity),
    closeId = new Float64Array(m);
  for (let i = 0; i < n; ++i) {
    const t = trades.time[i];
    if (!(t >= lo && t < hi)) continue;
    const k = Math.floor((t - lo) / interval);
    const p = trades.price[i],
      q = trades.qty[i],
      id = trades.id[i];
    if (bars.count[k] === 0) ((bars.high[k] = p), (bars.low[k] = p));
    else {
      if (p > bars.high[k]) bars.high[k] = p;
      if (p < bars.low[k]) bars.low[k] = p;
    }
    if (t < openTime[k] || (t === openTime[k] && id < openId[k])) ((bars.open[k] = p), (openTime[k] = t), (openId[k] = id));
    if (t > closeTime[k] || (t === closeTime[k] && id > closeId[k])) ((bars.close[k] = p), (closeTime[k] = t), (closeId[k] = id));
    bars.volume[k] += q;
    bars.quoteVolume[k] += p * q;
    bars.count[k] += 1;
    if (!trades.isBuyerMaker[i]) bars.takerBuyVolume[k] += q;
  }
  for (let k = 0; k < m; ++k) if (bars.count[k] > 0) bars.vwap[k] = bars.quoteVolume[k] / bars.volume[k];
  return bars;
}

/** Bars of `interval` ms from `from`, `m` buckets, all empty (count 0, NaN prices): what `resample` and `rebucket` fill. */
export function emptyBars(interval: number, from: number, m: number): BarColumns {
  const nan = () => new Float64Array(m).fill(NaN);
  const start = new Float64Array(m);
  for (let k = 0; k < m; ++k) start[k] = from + k * interval;
  return {
    interval,
    start,
    open: nan(),
    high: nan(),
    low: nan(),
    close: nan(),
    volume: new Float64Array(m),
    quoteVolume: new Float64Array(m),
    count: new Float64Array(m),
    vwap: nan(),
    takerBuyVolume: new Float64Array(m),
  };
}
