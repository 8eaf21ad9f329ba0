/** Rows read back from a TradeHistory, one column per field (ids are consecutive from `firstId`). */
export interface TradeRows {
  readonly firstId: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly isBuyerMaker: Uint8Array;
}

/**
 * Every trade of one symbol, kept for historicalTrades backfills: columnar (25 bytes a trade), grown
 * by doubling up to `capacity`, then a ring that drops the oldest. Ids are consecutive, so only the
 * oldest id is stored. append is O(1) amortized; read is O(limit).
 */
export class TradeHistory {
  private time: Float64Array;
  private price: Float64Array;
  private qty: Float64Array;
  private isBuyerMaker: Uint8Array;
  private head = 0; // slot of the oldest trade
  private size = 0;
  private oldest = NaN;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`TradeHistory: invalid capacity ${capacity} (expected an integer ≥ 1)`);
    const n = Math.min(capacity, 1 << 16);
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
    return this.oldest;
  }

  /** Id of the newest trade; NaN when empty. */
  get newestId(): number {
    return this.oldest + this.size - 1;
  }

  /** Appends the next trade; throws RangeError unless `id` follows the newest id. */
  append(id: number, time: number, price: number, qty: number, isBuyerMaker: number): void {
    if (this.size === 0) this.oldest = id;
    else if (id !== this.oldest + this.size) throw new RangeError(`TradeHistory: id ${id} does not follow ${this.newestId}`);
    if (this.size === this.time.length && this.size < this.capacity) this.grow();
    let slot: number;
    if (this.size === this.capacity) {
      slot = this.head;
      this.head = (this.head + 1) % this.capacity;
      this.oldest += 1;
    } else {
      slot = (this.head + this.size) % this.time.length;
      this.size += 1;
    }
    this.time[slot] = time;
    this.price[slot] = price;
    this.qty[slot] = qty;
    this.isBuyerMaker[slot] = isBuyerMaker;
  }

  /**
   * Up to `limit` trades in id order: from `fromId` (or from the oldest kept trade when fromId is
   * older), or the most recent ones when fromId is undefined. Empty when fromId is past the newest.
   */
  read(fromId: number | undefined, limit: number): TradeRows {
    let first: number;
    if (this.size === 0) first = 0;
    else if (fromId === undefined) first = Math.max(0, this.size - limit);
    else first = Math.min(this.size, Math.max(0, fromId - this.oldest));
    const length = Math.max(0, Math.min(limit, this.size - first));
    const rows = {
      firstId: this.size === 0 ? (fromId ?? 0) : this.oldest + first,
      length,
      time: new Float64Array(length),
      price: new Float64Array(length),
      qty: new Float64Array(length),
      isBuyerMaker: new Uint8Array(length)
    };
    for (let i = 0; i < length; ++i) {
      const slot = (this.head + first + i) % this.time.length;
      rows.time[i] = this.time[slot];
      rows.price[i] = this.price[slot];
      rows.qty[i] = this.qty[slot];
      rows.isBuyerMaker[i] = this.isBuyerMaker[slot];
    }
    return rows;
  }

  // Before the ring wraps the oldest trade sits in slot 0, so growing is a plain copy.
  private grow(): void {
    const n = Math.min(this.capacity, this.time.length * 2);
    const time = new Float64Array(n), price = new Float64Array(n), qty = new Float64Array(n), isBuyerMaker = new Uint8Array(n);
    time.set(this.time), price.set(this.price), qty.set(this.qty), isBuyerMaker.set(this.isBuyerMaker);
    this.time = time, this.price = price, this.qty = qty, this.isBuyerMaker = isBuyerMaker;
  }
}
