// Turns a log-format CSV (a write-ahead log segment, or the trades of a hole being filled) into
// Parquet lake files, one per UTC day, each published atomically (lake/publish.ts).
import type {DuckDBConnection} from "@duckdb/node-api";
import {quotedString} from "./duckdb.js";
import {tickFileOptions, utcTimestamp} from "./lakeFormat.js";
import {batchFileName, partitionDir} from "./layout.js";
import {publishFile, UnsyncedPublishError} from "./publish.js";
import {walSource, walTimes} from "./wal.js";
import {parseMarketSymbol} from "../src/protocol/symbol.js";

/** A lake file just published from the log. */
export interface PublishedFile {
  readonly path: string;
  readonly day: string;
  readonly last: number;
  readonly count: number;
}

/**
 * Publishes the rows of `csv` with ids above `after`, one file per UTC day, in id order, calling
 * `published` for each file as soon as it is in place, so a retry after a failure on a later day
 * does not publish the earlier ones again. Throws on the first failure; an `UnsyncedPublishError`
 * (in place, its folder not fsynced) is reported to `published` before it is thrown.
 */
export async function publishLog(
  connection: DuckDBConnection,
  lake: string,
  symbol: string,
  csv: string,
  after: number,
  published: (file: PublishedFile) => void,
): Promise<void> {
  const source = walSource(quotedString(csv));
  const aggregate = parseMarketSymbol(symbol).market === "usdm" ? ", first_trade_id, last_trade_id" : "";
  const days = (
    await connection.runAndReadAll(
      `SELECT strftime(epoch_ms("time"), '%Y-%m-%d') AS day, min(id)::DOUBLE, max(id)::DOUBLE, count(*)::DOUBLE
     FROM ${source} WHERE id > ${after} GROUP BY day ORDER BY day`,
    )
  ).getRows() as [string, number, number, number][];
  for (const [day, first, last, count] of days) {
    let path: string;
    try {
      path = await publishFile(partitionDir(lake, symbol, day), batchFileName(first, last), (temp) =>
        connection
          .run(
            `COPY (SELECT id AS trade_id, ${utcTimestamp('"time"')} AS "time", price, qty, maker AS is_buyer_maker,
                   ${utcTimestamp(walTimes.event)} AS event_time, ${utcTimestamp(walTimes.receive)} AS receive_time${aggregate} FROM ${source}
                 WHERE id > ${after} AND strftime(epoch_ms("time"), '%Y-%m-%d') = ${quotedString(day)})
           TO ${quotedString(temp)} ${tickFileOptions(symbol)}`,
          )
          .then(() => {}),
      );
    } catch (error) {
      if (error instanceof UnsyncedPublishError) published({path: error.path, day, last, count});
      throw error;
    }
    published({path, day, last, count});
  }
}
