// `pairbook analyze --funding-a COL --funding-b COL`: perpetual legs' funding rates read from the CSV.
import type {BacktestFunding, FundingRateEvent} from "../../src/lib/funding.js";
import {type CsvTable, numericColumn} from "../../src/protocol/csv.js";

/**
 * The backtest's funding option from the CSV's funding columns (src/lib/funding.ts): a column holds the
 * leg's funding rate on the rows at funding times and is empty elsewhere; the event's time is its row's
 * time (the row index without a time column), so it charges the position held after the previous row's
 * close, at that close as the mark. Undefined when no column is named. CsvError for a missing column or
 * a cell that is not a number. O(rows).
 */
export function fundingOfColumns(
  table: CsvTable,
  columns: {readonly a?: string; readonly b?: string},
  time: Float64Array | undefined,
): Omit<BacktestFunding, "unitMark"> | undefined {
  if (columns.a === undefined && columns.b === undefined) return undefined;
  const times = time ?? Float64Array.from(table.rows, (_, r) => r);
  const events = (name: string | undefined): FundingRateEvent[] | undefined => {
    if (name === undefined) return undefined;
    const rates = numericColumn(table, name, {time: false, sparse: true});
    const out: FundingRateEvent[] = [];
    rates.forEach((rate, r) => {
      if (rate === rate) out.push({time: times[r], rate});
    });
    return out;
  };
  return {times, a: events(columns.a), b: events(columns.b)};
}
