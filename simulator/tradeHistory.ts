/** Rows read back from a TradeHistory, one column per field, in id order. */
export interface TradeRows {
  readonly length: number;
  readonly id: Float64Array;
  readonly time: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly isBuyerMaker: Uint8Array;
  /** Aggregate trades only (a history made with `tradeIds`): first and last trade id; empty otherwise. */
  readonly first: Float64Array;
  readonly last: Float64Array;
}

/**
 * Every trade of one symbol, kept for historicalTrades backfills: columnar (33 bytes a trade), grown
 * by doubling up to `capacity`, then a ring that drops the oldest. Ids strictly increase but may
 * jump: an exchange-side hole (ids that never existed) is simply absent, as on Binance. With
 * `tradeIds` it keeps USD-M aggregate trades instead (id = aggregate id `a`), with each one's first
 * and last trade id (16 more bytes a row). append is O(1) amortized; read is O(log n + limit).
 */
export class TradeHistory {
  private id: Float64Array;
  private time: Float64Array;
  private price: Float64Array;
  private qty: Float64Array;
  private isBuyerMaker: Uint8Array;
  private first: Float64Array;
  private last: Float64Array;
  private head = 0; // slot of the oldest trade
  private size = 0;

  constructor(
    readonly capacity: number,
    readonly tradeIds = false,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`TradeHistory: invalid capacity ${capacity} (expected an integer ≥ 1)`);
    const n = Math.min(capacity, 1 << 16);
    this.id = new Float64Array(n);
    this.time = new Float64Array(n);
    this.price = new Float64Array(n);
    this.qty = new Float64Array(n);
    this.isBuyerMaker = new Uint8Array(n);
    this.first = new Float64Array(tradeIds ? n : 0);
    this.last = new Float64Array(tradeIds ? n : 0);
  }

  get length(): number {
    return this.size;
  }

  /** Id of the oldest kept trade; NaN when empty. */
  get oldestId(): number {
    return this.size === 0 ? NaN : this.id[this.head];
  }

  /** Id of the newest trade; NaN when empty. */
  get newestId(): number {
    return this.size === 0 ? NaN : this.id[(this.head + this.size - 1) % this.id.length];
  }

  /** Price of the newest trade in 1e-8 units; NaN when empty. */
  get newestPrice(): number {
    return this.size === 0 ? NaN : this.price[(this.head + this.size - 1) % this.id.length];
  }

  /**
   * Appends the next trade (`first`/`last`: its trade ids, kept with `tradeIds`); throws RangeError
   * unless `id` is above the newest id.
   */
  append(id: number, time: number, price: number, qty: number, isBuyerMaker: number, first = NaN, last = NaN): void {
    if (this.size > 0 && !(id > this.newestId)) throw new RangeError(`TradeHistory: id ${id} is not above ${this.newestId}`);
    if (this.size === this.time.length && this.size < this.capacity) this.grow();
    let slot: number;
    if (this.size === this.capacity) {
      slot = this.head;
      this.head = (this.head + 1) % this.capacity;
    } else {
      slot = (this.head + this.size) % this.time.length;
      this.size += 1;
    }
    this.id[slot] = id;
    this.time[slot] = time;
    this.price[slot] = price;
    this.qty[slot] = qty;
    this.isBuyerMaker[slot] = isBuyerMaker;
    if (this.tradeIds) ((this.first[slot] = first), (this.last[slot] = last));
  }

  /**
   * Up to `limit` trades in id order: from the first id ≥ `fromId`, or the most recent ones when
   * fromId is undefined. Empty when fromId is past the newest.
   */
  read(fromId: number | undefined, limit: number): TradeRows {
    return this.slice(fromId === undefined ? Math.max(0, this.size - limit) : this.rank(fromId, this.id), limit);
  }

  /**
   * Up to `limit` trades with a trade time in [startMs, endMs], oldest first (times never decrease
   * within a symbol), as Binance's aggTrades answers startTime/endTime.
   */
  readTimes(startMs: number, endMs: number, limit: number): TradeRows {
    const from = this.rank(startMs, this.time);
    return this.slice(from, Math.min(limit, this.rank(endMs + 1, this.time) - from));
  }

  private slice(first: number, limit: number): TradeRows {
    const length = Math.max(0, Math.min(limit, this.size - first));
    const width = this.tradeIds ? length : 0;
    const rows = {
      length,
      id: new Float64Array(length),
      time: new Float64Array(length),
      price: new Float64Array(length),
      qty: new Float64Array(length),
      isBuyerMaker: new Uint8Array(length),
      first: new Float64Array(width),
      last: new Float64Array(width),
    };
    for (let i = 0; i < length; ++i) {
      const slot = (this.head + first + i) % this.time.length;
      rows.id[i] = this.id[slot];
      rows.time[i] = this.time[slot];
      rows.price[i] = this.price[slot];
      rows.qty[i] = this.qty[slot];
      rows.isBuyerMaker[i] = this.isBuyerMaker[slot];
      if (width > 0) ((rows.first[i] = this.first[slot]), (rows.last[i] = this.last[slot]));
    }
    return rows;
  }

  /** Number of kept trades whose `column` value (id or time, both non-decreasing) is below `value`. */
  private rank(value: number, column: Float64Array): number {
    let lo = 0,
      hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (column[(this.head + mid) % this.id.length] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Before the ring wraps the oldest trade sits in slot 0, so growing is a plain copy.
  private grow(): void {
    const n = Math.min(this.capacity, this.time.length * 2);
    const ids = new Float64Array(n);
    (ids.set(this.id), (this.id = ids));
    const time = new Float64Array(n),
      price = new Float64Array(n),
      qty = new Float64Array(n),
      isBuyerMaker = new Uint8Array(n);
    (time.set(this.time), price.set(this.price), qty.set(this.qty), isBuyerMaker.set(this.isBuyerMaker));
    ((this.time = time), (this.price = price), (this.qty = qty), (this.isBuyerMaker = isBuyerMaker));
    if (this.tradeIds) {
      const first = new Float64Array(n),
        last = new Float64Array(n);
      (first.set(this.first), last.set(this.last), (this.first = first), (this.last = last));
    }
  }
}
