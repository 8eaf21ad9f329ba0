/** Rows read back from a TradeHistory, one column per field, in id order. */
export interface TradeRows {
  readonly length: number;
  readonly id: Float64Array;
  readonly time: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly isBuyerMaker: Uint8Array;
}

/**
 * Every trade of one symbol, kept for historicalTrades backfills: columnar (33 bytes a trade), grown
 * by doubling up to `capacity`, then a ring that drops the oldest. Ids strictly increase but may
 * jump: an exchange-side hole (ids that never existed) is simply absent, as on Binance.
 * append is O(1) amortized; read is O(log n + limit).
 */
export class TradeHistory {
  private id: Float64Array;
  private time: Float64Array;
  private price: Float64Array;
  private qty: Float64Array;
  private isBuyerMaker: Uint8Array;
  private head = 0; // slot of the oldest trade
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`TradeHistory: invalid capacity ${capacity} (expected an integer ≥ 1)`);
    const n = Math.min(capacity, 1 << 16);
    this.id = new Float64Array(n);
    this.time = new Float64Array(n);
    this.price = new Float64Array(n);
    this.qty = new Float64Array(n);
    this.isBuyerMaker = new Uint8Array(n);
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

  /** Appends the next trade; throws RangeError unless `id` is above the newest id. */
  append(id: number, time: number, price: number, qty: number, isBuyerMaker: number): void {
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
  }

  /**
   * Up to `limit` trades in id order: from the first id ≥ `fromId`, or the most recent ones when
   * fromId is undefined. Empty when fromId is past the newest.
   */
  read(fromId: number | undefined, limit: number): TradeRows {
    const first = fromId === undefined ? Math.max(0, this.size - limit) : this.rank(fromId);
    const length = Math.max(0, Math.min(limit, this.size - first));
    const rows = {
      length,
      id: new Float64Array(length),
      time: new Float64Array(length),
      price: new Float64Array(length),
      qty: new Float64Array(length),
      isBuyerMaker: new Uint8Array(length),
    };
    for (let i = 0; i < length; ++i) {
      const slot = (this.head + first + i) % this.time.length;
      rows.id[i] = this.id[slot];
      rows.time[i] = this.time[slot];
      rows.price[i] = this.price[slot];
      rows.qty[i] = this.qty[slot];
      rows.isBuyerMaker[i] = this.isBuyerMaker[slot];
    }
    return rows;
  }

  /** Number of kept trades with an id below `id` (binary search over the ring). */
  private rank(id: number): number {
    let lo = 0,
      hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.id[(this.head + mid) % this.id.length] < id) lo = mid + 1;
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
  }
}
