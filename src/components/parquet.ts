// A minimal Parquet writer for the Data page's downloads: one row group, required columns of DOUBLE or
// INT64 timestamps (ms), PLAIN encoding, no compression. Enough for DuckDB, pandas/pyarrow and
// hyparquet to read; the footer is Thrift compact protocol written by hand.

export interface ParquetColumn {
  name: string;
  type: "double" | "timestamp_ms";
  values: ArrayLike<number>;
}

// Thrift compact protocol type ids.
const I32 = 5,
  I64 = 6,
  BINARY = 8,
  LIST = 9,
  STRUCT = 12;

class ThriftWriter {
  bytes: number[] = [];
  private last: number[] = [0];

  private varint(v: bigint): void {
    let x = v;
    while (x >= 0x80n) (this.bytes.push(Number((x & 0x7fn) | 0x80n)), (x >>= 7n));
    this.bytes.push(Number(x));
  }
  private zigzag(v: number | bigint): void {
    const x = BigInt(v);
    this.varint(x >= 0n ? x << 1n : (-x << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else (this.bytes.push(type), this.zigzag(id));
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    return (this.header(id, I32), this.zigzag(v), this);
  }
  i64(id: number, v: number): this {
    return (this.header(id, I64), this.zigzag(v), this);
  }
  string(id: number, s: string): this {
    this.header(id, BINARY);
    const b = new TextEncoder().encode(s);
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private listHeader(id: number, type: number, size: number): void {
    this.header(id, LIST);
    if (size < 15) this.bytes.push((size << 4) | type);
    else (this.bytes.push(0xf0 | type), this.varint(BigInt(size)));
  }
  listI32(id: number, values: readonly number[]): this {
    this.listHeader(id, I32, values.length);
    for (const v of values) this.zigzag(v);
    return this;
  }
  listString(id: number, values: readonly string[]): this {
    this.listHeader(id, BINARY, values.length);
    for (const s of values) {
      const b = new TextEncoder().encode(s);
      this.varint(BigInt(b.length));
      for (const x of b) this.bytes.push(x);
    }
    return this;
  }
  listStruct<T>(id: number, items: readonly T[], write: (w: this, item: T) => void): this {
    this.listHeader(id, STRUCT, items.length);
    for (const item of items) (this.last.push(0), write(this, item), this.bytes.push(0), this.last.pop());
    return this;
  }
  struct(id: number, write: (w: this) => void): this {
    this.header(id, STRUCT);
    this.last.push(0);
    write(this);
    this.bytes.push(0);
    this.last.pop();
    return this;
  }
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

const PLAIN = 0,
  RLE = 3,
  DOUBLE = 5,
  INT64 = 2,
  TIMESTAMP_MILLIS = 9;

/** Writes columns of equal length as a Parquet file. RangeError for unequal lengths. O(rows · columns). */
export function writeParquet(columns: readonly ParquetColumn[]): Uint8Array {
  const n = columns[0]?.values.length ?? 0;
  for (const c of columns)
    if (c.values.length !== n) throw new RangeError(`writeParquet: column ${c.name} has ${c.values.length} rows, expected ${n}`);
  const parts: Uint8Array[] = [new TextEncoder().encode("PAR1")];
  let offset = 4;
  const chunks: {column: ParquetColumn; offset: number; size: number}[] = [];
  for (const column of columns) {
    const data = new Uint8Array(8 * n),
      view = new DataView(data.buffer);
    for (let i = 0; i < n; ++i) {
      if (column.type === "double") view.setFloat64(8 * i, column.values[i], true);
      else view.setBigInt64(8 * i, BigInt(Math.round(column.values[i])), true);
    }
    const header = new ThriftWriter()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (w) => w.i32(1, n).i32(2, PLAIN).i32(3, RLE).i32(4, RLE))
      .end();
    chunks.push({column, offset, size: header.length + data.length});
    parts.push(header, data);
    offset += header.length + data.length;
  }
  const meta = new ThriftWriter()
    .i32(1, 1)
    .listStruct(2, [null, ...columns], (w, c) => {
      if (c === null) w.string(4, "schema").i32(5, columns.length);
      else {
        w.i32(1, c.type === "double" ? DOUBLE : INT64)
          .i32(3, 0)
          .string(4, c.name);
        if (c.type === "timestamp_ms") w.i32(6, TIMESTAMP_MILLIS);
      }
    })
    .i64(3, n)
    .listStruct(4, [null], (w) => {
      w.listStruct(1, chunks, (cw, {column, offset: at, size}) => {
        cw.i64(2, at).struct(3, (m) =>
          m
            .i32(1, column.type === "double" ? DOUBLE : INT64)
            .listI32(2, [PLAIN, RLE])
            .listString(3, [column.name])
            .i32(4, 0)
            .i64(5, n)
            .i64(6, size)
            .i64(7, size)
            .i64(9, at),
        );
      });
      w.i64(
        2,
        chunks.reduce((s, c) => s + c.size, 0),
      ).i64(3, n);
    })
    .string(6, "pairbook")
    .end();
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, meta.length, true);
  tail.set(new TextEncoder().encode("PAR1"), 4);
  parts.push(meta, tail);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) (out.set(p, k), (k += p.length));
  return out;
}
