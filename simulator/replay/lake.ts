import {withDuckDB} from "../../lake/duckdb.js";
import {tickFiles} from "../../lake/files.js";
import {unitsPerWhole} from "../decimal.js";
import {emptySymbolTrades, mergeTrades, type RecordedTrades} from "./recordedTrades.js";

export interface LakeRange {
  /** Inclusive lower bound on trade time, ms since the epoch. */
  readonly from?: number;
  /** Exclusive upper bound on trade time, ms since the epoch. */
  readonly to?: number;
}

/**
 * Reads the trades of `symbols` from the lake's published tick files (`lake/files.ts` tickFiles:
 * compaction leftovers skipped) with DuckDB, within [from, to), merged by trade time. The lake
 * stores no event time, so `E` is the trade time; prices and quantities (DOUBLE in the lake) are
 * rounded to 1e-8. A symbol without files contributes nothing. Memory: every selected trade
 * (≈ 60 bytes a trade while reading).
 *
 *   const trades = await readLake("./data", ["BTCUSDT", "ETHUSDT"], {from: Date.parse("2026-01-01")});
 */
export async function readLake(
  lake: string,
  symbols: readonly string[],
  {from = 0, to = 8.64e15}: LakeRange = {},
): Promise<RecordedTrades> {
  const perSymbol = symbols.map(emptySymbolTrades);
  await withDuckDB(async (connection) => {
    for (const [k, symbol] of symbols.entries()) {
      const into = perSymbol[k];
      for (const file of await tickFiles(lake, symbol)) {
        const result = await connection.run(
          `SELECT trade_id::DOUBLE, epoch_ms(time)::DOUBLE, price, qty, is_buyer_maker
           FROM read_parquet($path)
           WHERE time >= epoch_ms($from::BIGINT) AND time < epoch_ms($to::BIGINT)
           ORDER BY trade_id`,
          {path: file.path, from: String(from), to: String(to)},
        );
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          const [id, time, price, qty, maker] = [0, 1, 2, 3, 4].map((i) => chunk.getColumnVector(i));
          for (let j = 0; j < chunk.rowCount; ++j) {
            const t = time.getItem(j) as number;
            into.id.push(id.getItem(j) as number);
            into.time.push(t);
            into.eventTime.push(t);
            into.price.push(Math.round((price.getItem(j) as number) * unitsPerWhole));
            into.qty.push(Math.round((qty.getItem(j) as number) * unitsPerWhole));
            into.isBuyerMaker.push(maker.getItem(j) as boolean);
            into.pace.push(t);
          }
        }
      }
      // Files are sorted by first id; overlapping ones (should not exist) are dropped by mergeTrades.
    }
  });
  return mergeTrades(symbols, perSymbol);
}
