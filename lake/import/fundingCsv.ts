// The monthly funding-rate archives of USD-M perpetuals (`BTCUSDT-fundingRate-2024-08.csv`):
// `calc_time,funding_interval_hours,last_funding_rate`, one row per funding time, with or without a
// header row. They carry no mark price.
import type {FundingRecord} from "../funding.js";
import {ArchiveFileError} from "./errors.js";

const integer = /^-?\d+$/,
  decimal = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * The funding events of a funding-rate archive CSV (`source: "archive"`, `markPrice: null`), in file
 * order. A header row is recognised by its first cell not being a number. The file is refused whole
 * (ArchiveFileError naming `source` and the line) when a row is not `<ms time>,<hours>,<rate>`: funding
 * is a handful of rows a month, and a half-imported month would pass for a complete one. O(rows).
 * Example: `parseFundingCsv("1722470400000,8,0.00010000\n")` → [{fundingTime: 1722470400000, rate: 0.0001, …}].
 */
export function parseFundingCsv(text: string, source = "file"): FundingRecord[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new ArchiveFileError(`${source} is empty`);
  const header = !integer.test(lines[0].split(",")[0].trim());
  const records: FundingRecord[] = [];
  for (let i = header ? 1 : 0; i < lines.length; ++i) {
    const cells = lines[i].split(",").map((c) => c.trim());
    const [time, hours, rate] = cells;
    if (cells.length !== 3 || !integer.test(time) || time.length !== 13 || !integer.test(hours) || !decimal.test(rate))
      throw new ArchiveFileError(
        `${source} line ${i + 1} is not a Binance funding-rate row (calc_time ms, funding_interval_hours, last_funding_rate): ${JSON.stringify(lines[i].slice(0, 100))}`,
      );
    records.push({fundingTime: Number(time), rate: Number(rate), markPrice: null, source: "archive"});
  }
  if (records.length === 0) throw new ArchiveFileError(`${source} has a header but no rows`);
  return records;
}
