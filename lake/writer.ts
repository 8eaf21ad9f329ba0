import type {DuckDBConnection, DuckDBInstance as Instance} from "@duckdb/node-api";
import {DuckDBInstance} from "@duckdb/node-api";
import {mkdir, open, readdir, rename, rm} from "node:fs/promises";
import {join} from "node:path";
import type {Trade} from "../src/lib/bars.js";
import {quotedString} from "./duckdb.js";
import {batchFileName, partitionDir, utcDate} from "./layout.js";

/** What the writer did with a trade handed to `add`. */
export type AddResult = "accepted" | "duplicate";

export interface FlushResult {
  readonly files: readonly string[];
  readonly trades: number;
}

interface Buffer {
  id: number[];
  time: number[];
  price: number[];
  qty: number[];
  isBuyerMaker: boolean[];
}

const emptyBuffer = (): Buffer => ({id: [], time: [], price: [], qty: [], isBuyerMaker: []});

/**
 * Buffers trades per symbol and publishes them into the lake as Parquet files, one per symbol-day and
 * flush, atomically: written to a hidden temp file in the partition, fsynced, then renamed. A trade
 * whose id is not above the last id stored for its symbol is a duplicate and is dropped.
 */
export class LakeWriter {
  private readonly buffers = new Map<string, Buffer>();
  private readonly lastIds = new Map<string, number>();
  private flushing: Promise<FlushResult> = Promise.resolve({files: [], trades: 0});
  private closed = false;
  filesPublished = 0;
  tradesPublished = 0;

  private constructor(readonly lake: string, private readonly instance: Instance, private readonly connection: DuckDBConnection) {}

  /** Opens a writer on `lake`, learning each symbol's last stored trade id from the published file names. */
  static async open(lake: string, symbols: readonly string[]): Promise<LakeWriter> {
    const instance = await DuckDBInstance.create(":memory:", {threads: "1"});
    const connection = await instance.connect();
    await connection.run("CREATE TABLE staging (trade_id BIGINT, time_ms BIGINT, price DOUBLE, qty DOUBLE, is_buyer_maker BOOLEAN)");
    const writer = new LakeWriter(lake, instance, connection);
    for (const symbol of symbols) {
      const last = await lastStoredId(lake, symbol);
      if (last !== undefined) writer.lastIds.set(symbol, last);
    }
    return writer;
  }

  /** The highest trade id accepted for `symbol` (stored or buffered), if any. */
  lastId(symbol: string): number | undefined {
    return this.lastIds.get(symbol);
  }

  /** Number of trades accepted but not yet published. */
  get pending(): number {
    let n = 0;
    for (const buffer of this.buffers.values()) n += buffer.id.length;
    return n;
  }

  add(symbol: string, trade: Trade): AddResult {
    if (this.closed) throw new Error("LakeWriter: add after close");
    const last = this.lastIds.get(symbol);
    if (last !== undefined && trade.id <= last) return "duplicate";
    this.lastIds.set(symbol, trade.id);
    let buffer = this.buffers.get(symbol);
    if (!buffer) this.buffers.set(symbol, (buffer = emptyBuffer()));
    buffer.id.push(trade.id);
    buffer.time.push(trade.time);
    buffer.price.push(trade.price);
    buffer.qty.push(trade.qty);
    buffer.isBuyerMaker.push(trade.isBuyerMaker);
    return "accepted";
  }

  /** Publishes everything buffered so far. Flushes run one at a time, in call order. */
  flush(): Promise<FlushResult> {
    return (this.flushing = this.flushing.then(() => this.publishAll(), () => this.publishAll()));
  }

  /** Publishes what is left and releases DuckDB. */
  async close(): Promise<FlushResult> {
    const result = await this.flush();
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
    return result;
  }

  private async publishAll(): Promise<FlushResult> {
    const files: string[] = [];
    let trades = 0;
    for (const [symbol, buffer] of this.buffers) {
      if (buffer.id.length === 0) continue;
      this.buffers.set(symbol, emptyBuffer());
      try {
        for (const [date, rows] of splitByDate(buffer)) {
          files.push(await this.publish(symbol, date, buffer, rows));
          trades += rows.length;
        }
      } catch (error) {
        // Keep the batch (ahead of anything newer) so nothing is lost; the next flush retries.
        const newer = this.buffers.get(symbol)!;
        for (const key of Object.keys(buffer) as (keyof Buffer)[]) (buffer[key] as unknown[]).push(...newer[key]);
        this.buffers.set(symbol, buffer);
        throw error;
      }
    }
    this.filesPublished += files.length;
    this.tradesPublished += trades;
    return {files, trades};
  }

  private async publish(symbol: string, date: string, buffer: Buffer, rows: number[]): Promise<string> {
    const dir = partitionDir(this.lake, symbol, date);
    await mkdir(dir, {recursive: true});
    const name = batchFileName(buffer.id[rows[0]], buffer.id[rows[rows.length - 1]]);
    const path = join(dir, name), temp = join(dir, `.${name}.tmp`);
    await this.connection.run("DELETE FROM staging");
    const appender = await this.connection.createAppender("staging");
    for (const i of rows) {
      appender.appendBigInt(BigInt(buffer.id[i]));
      appender.appendBigInt(BigInt(buffer.time[i]));
      appender.appendDouble(buffer.price[i]);
      appender.appendDouble(buffer.qty[i]);
      appender.appendBoolean(buffer.isBuyerMaker[i]);
      appender.endRow();
    }
    appender.closeSync();
    try {
      await this.connection.run(
        `COPY (SELECT trade_id, epoch_ms(time_ms) AS time, price, qty, is_buyer_maker FROM staging ORDER BY trade_id)
         TO ${quotedString(temp)} (FORMAT parquet, COMPRESSION zstd)`
      );
      await fsync(temp);
      await rename(temp, path);
      await fsync(dir);
    } catch (error) {
      await rm(temp, {force: true});
      throw error;
    }
    return path;
  }
}

/** Row indices of a buffer grouped by the UTC date of their trade time (ids ascending within a batch). */
function splitByDate(buffer: Buffer): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < buffer.id.length; ++i) {
    const date = utcDate(buffer.time[i]);
    let rows = groups.get(date);
    if (!rows) groups.set(date, (rows = []));
    rows.push(i);
  }
  return groups;
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The last trade id stored for a symbol, read from published file names (`<first>-<last>.parquet`). */
export async function lastStoredId(lake: string, symbol: string): Promise<number | undefined> {
  const root = join(lake, "ticks", `symbol=${symbol}`);
  let last: number | undefined;
  let dates: string[];
  try {
    dates = (await readdir(root)).filter((d) => d.startsWith("date=")).sort();
  } catch {
    return undefined;
  }
  for (const date of dates.reverse()) {
    for (const file of await readdir(join(root, date))) {
      const match = /^(\d+)-(\d+)\.parquet$/.exec(file);
      if (match && (last === undefined || Number(match[2]) > last)) last = Number(match[2]);
    }
    if (last !== undefined) return last;
  }
  return last;
}
