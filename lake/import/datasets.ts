// Where each archive kind lands in the lake. Spot trades go to the tick lake (`ticks/market=spot`, real
// trade ids); spot aggTrades get their own dataset (`aggtrades/`), never mixed into ticks: an aggregate
// trade is not a trade, and its id is an aggregate id from another sequence. USD-M aggTrades go to the
// tick lake (`ticks/market=usdm`), whose ids are aggregate ids: the recorder stores fstream's @aggTrade
// there, with the same columns.
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import {tickFiles} from "../files.js";
import {batchFileRange, dateOfFolder, partitionDir, symbolDir} from "../layout.js";
import {aggregateColumns, tickColumns} from "../lakeFormat.js";
import type {SymbolMarket} from "../../src/protocol/symbol.js";
import type {ArchiveKind} from "./archiveName.js";

export interface Dataset {
  /** Top folder under the lake. */
  readonly folder: "ticks" | "aggtrades";
  /** Id column: rows are sorted and unique by it per symbol. */
  readonly idColumn: "trade_id" | "agg_id";
  /** Columns of a published file, in order, as DuckDB types. */
  readonly columns: string;
  /** The columns that are never null, comma-separated (declared in each file's key/value metadata). */
  readonly notNull: string;
  /** Extra columns carried from the CSV besides id, time, price, qty, is_buyer_maker. */
  readonly extra: readonly string[];
  /** Column names of a published file in order, when not `columns`' (set by the datasets added with markets). */
  readonly order?: readonly string[];
}

export const ticks: Dataset = {
  folder: "ticks",
  idColumn: "trade_id",
  columns:
    "trade_id BIGINT, time TIMESTAMPTZ, price DOUBLE, qty DOUBLE, is_buyer_maker BOOLEAN, event_time TIMESTAMPTZ, receive_time TIMESTAMPTZ",
  notNull: "trade_id,time,price,qty,is_buyer_maker",
  extra: [],
};

/** `<lake>/aggtrades/market=spot/symbol=<S>/date=<D>/<first agg id>-<last agg id>.parquet`, same rules as ticks. */
export const aggTrades: Dataset = {
  folder: "aggtrades",
  idColumn: "agg_id",
  columns:
    "agg_id BIGINT, time TIMESTAMPTZ, price DOUBLE, qty DOUBLE, first_trade_id BIGINT, last_trade_id BIGINT, is_buyer_maker BOOLEAN, event_time TIMESTAMPTZ, receive_time TIMESTAMPTZ",
  notNull: "agg_id,time,price,qty,first_trade_id,last_trade_id,is_buyer_maker",
  extra: ["first_trade_id", "last_trade_id"],
};

/**
 * `<lake>/ticks/market=usdm/symbol=<S>/…`: USD-M aggregate trades, the columns and order the recorder
 * writes (lake/publishLog.ts): `trade_id` is the aggregate id, first/last trade ids after the times.
 */
export const usdmTicks: Dataset = {
  folder: "ticks",
  idColumn: "trade_id",
  columns:
    "trade_id BIGINT, time TIMESTAMPTZ, price DOUBLE, qty DOUBLE, is_buyer_maker BOOLEAN, event_time TIMESTAMPTZ, receive_time TIMESTAMPTZ, first_trade_id BIGINT, last_trade_id BIGINT",
  notNull: `trade_id,time,price,qty,is_buyer_maker,${aggregateColumns.join(",")}`,
  extra: [...aggregateColumns],
  order: [...tickColumns, ...aggregateColumns],
};

/**
 * The dataset an archive kind of a market lands in. RangeError for USD-M trades: the usdm tick lake
 * holds aggregate ids, and futures trade ids are another sequence.
 */
export function datasetOf(kind: ArchiveKind, market: SymbolMarket = "spot"): Dataset {
  if (market === "usdm") {
    if (kind === "aggTrades") return usdmTicks;
    throw new RangeError("USD-M trades archives are not imported: the lake's usdm ticks are aggregate trades (import aggTrades)");
  }
  return kind === "trades" ? ticks : aggTrades;
}

/** Folder of one symbol-day of a dataset. */
export function datasetPartition(dataset: Dataset, lake: string, symbol: string, date: string): string {
  return partitionDir(lake, symbol, date, dataset.folder);
}

export interface DataFile {
  readonly path: string;
  readonly first: number;
  readonly last: number;
}

/** Published files of one symbol in a dataset with their id ranges from the names, sorted by first id. */
export async function datasetFiles(dataset: Dataset, lake: string, symbol: string): Promise<DataFile[]> {
  if (dataset.folder === "ticks") return tickFiles(lake, symbol);
  const root = symbolDir(lake, symbol, dataset.folder),
    files: DataFile[] = [];
  let dates: string[];
  try {
    dates = (await readdir(root)).filter((d) => dateOfFolder(d) !== null);
  } catch {
    return files;
  }
  for (const dir of dates) {
    for (const name of await readdir(join(root, dir))) {
      const range = batchFileRange(name);
      if (range) files.push({path: join(root, dir, name), ...range});
    }
  }
  return files.sort((a, b) => a.first - b.first);
}
