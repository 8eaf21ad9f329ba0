// The pair stream's rows: one growable Float64Array per series, each holding the same rows. Every buffer is
// stamped (./writeStamps.ts) when it comes in (a copy of a column's rows with that column's stamp) and,
// by the stages, when rows are written into it.
import {stampCopy, stampNew} from "./writeStamps.js";

export const rowColumns = [
  "time",
  "a",
  "b",
  "la",
  "lb",
  "alpha",
  "beta",
  "spread",
  "mean",
  "std",
  "z",
  "upper",
  "lower",
  "retA",
  "retB",
  "corr",
  "pnl",
  "position",
  "equity",
  "drawdown",
] as const;
export type RowColumn = (typeof rowColumns)[number];

/**
 * The rows of a `PairStream`: the view's columns (time, a, b) and every series derived from them, in
 * buffers that grow as rows are added. `data` holds the whole buffers (written by the stages); `column`
 * the rows so far.
 */
export class StreamColumns {
  /** Rows so far. */
  length = 0;
  readonly data = {} as Record<RowColumn, Float64Array>;
  private capacity = 0;

  constructor(capacity = 1024) {
    this.allocate(capacity);
  }

  /** A column's rows (a view on the growing buffer, valid until the buffers grow). */
  column(name: RowColumn): Float64Array {
    return this.data[name].subarray(0, this.length);
  }

  /** Makes room for `rows` rows in all, growing the buffers by at least half again as needed. */
  reserve(rows: number): void {
    if (rows > this.capacity) this.allocate(Math.max(2 * this.capacity, Math.ceil(rows * 1.25)));
  }

  /**
   * Takes `columns` (buffers of `capacity` rows each, e.g. a worker's) as those columns; the others keep
   * their buffers and rows so far (not copied: the page's first fit takes the derived columns of a
   * worker while its time, a and b stay), the capacity then that of the shortest buffer. RangeError
   * when `capacity` is below the rows so far.
   */
  adopt(columns: Partial<Record<RowColumn, Float64Array>>, capacity: number): void {
    if (capacity < this.length) throw new RangeError(`StreamColumns.adopt: capacity ${capacity} below the ${this.length} rows`);
    let least = capacity;
    for (const name of rowColumns) {
      const given = columns[name];
      if (given && given.length !== capacity)
        throw new RangeError(`StreamColumns.adopt: ${name} has ${given.length} rows, not ${capacity}`);
      if (given) (stampNew(given), (this.data[name] = given));
      else least = Math.min(least, this.data[name].length);
    }
    this.capacity = least;
  }

  /** Grows every column to `capacity` rows, keeping the rows so far. */
  private allocate(capacity: number): void {
    for (const name of rowColumns) {
      const x = new Float64Array(capacity);
      if (this.data[name]) (x.set(this.data[name].subarray(0, this.length)), stampCopy(this.data[name], x));
      else stampNew(x);
      this.data[name] = x;
    }
    this.capacity = capacity;
  }
}
