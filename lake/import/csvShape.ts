// What a Binance archive CSV looks like, decided from its first lines: header or not, which column
// layout (spot or USD-M futures), and whether times are milliseconds or microseconds.
import type {ArchiveKind} from "./archiveName.js";
import {ArchiveFileError} from "./errors.js";

export type TimeUnit = "ms" | "us";

export interface CsvShape {
  readonly kind: ArchiveKind;
  readonly header: boolean;
  /** Column names and DuckDB types, in file order, for `read_csv(columns = …)`. */
  readonly columns: readonly (readonly [name: string, type: string])[];
  readonly timeUnit: TimeUnit;
}

// Canonical names by position. Spot files end with is_best_match; USD-M futures files lack it.
const layouts: Record<ArchiveKind, readonly (readonly [string, string])[]> = {
  trades: [
    ["id", "BIGINT"],
    ["price", "DOUBLE"],
    ["qty", "DOUBLE"],
    ["quote_qty", "DOUBLE"],
    ["time", "BIGINT"],
    ["is_buyer_maker", "BOOLEAN"],
    ["is_best_match", "BOOLEAN"],
  ],
  aggTrades: [
    ["agg_id", "BIGINT"],
    ["price", "DOUBLE"],
    ["qty", "DOUBLE"],
    ["first_trade_id", "BIGINT"],
    ["last_trade_id", "BIGINT"],
    ["time", "BIGINT"],
    ["is_buyer_maker", "BOOLEAN"],
    ["is_best_match", "BOOLEAN"],
  ],
};

const integer = /^-?\d+$/,
  decimal = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/,
  bool = /^(true|false)$/i;

/**
 * Sniffs the shape of a `kind` archive CSV from its first bytes (`head`, at least two lines when the file
 * has a header). Throws ArchiveFileError, naming `source`, when the first data row does not fit the kind.
 * Example: `csvShape("1,2.5,1,2.5,1723161255342,True,True\n", "trades").timeUnit === "ms"`.
 */
export function csvShape(head: string, kind: ArchiveKind, source = "file"): CsvShape {
  const lines = head
    .split(/\r?\n/)
    .filter((line, i, all) => line !== "" || i < all.length - 1)
    .slice(0, 2);
  if (lines.length === 0 || lines[0] === "") throw new ArchiveFileError(`${source} is empty`);
  const first = lines[0].split(",");
  const header = !integer.test(first[0].trim());
  const row = header ? lines[1]?.split(",") : first;
  if (!row) throw new ArchiveFileError(`${source} has a header but no rows`);
  const layout = layouts[kind];
  if (row.length !== layout.length && row.length !== layout.length - 1) {
    throw new ArchiveFileError(
      `${source} does not look like a Binance ${kind} file: ${row.length} columns, expected ${layout.length - 1} or ${layout.length} (${layout.map(([n]) => n).join(",")})`,
    );
  }
  if (header && first.length !== row.length)
    throw new ArchiveFileError(`${source}: header has ${first.length} columns but rows have ${row.length}`);
  const columns = layout.slice(0, row.length);
  for (let i = 0; i < row.length; ++i) {
    const [name, type] = columns[i],
      cell = row[i].trim();
    const ok = type === "BIGINT" ? integer.test(cell) : type === "DOUBLE" ? decimal.test(cell) : bool.test(cell);
    if (!ok)
      throw new ArchiveFileError(
        `${source} does not look like a Binance ${kind} file: column ${i + 1} (${name}) of the first row is ${JSON.stringify(cell)}`,
      );
  }
  const time = row[columns.findIndex(([name]) => name === "time")].trim();
  const timeUnit = time.length === 13 ? "ms" : time.length === 16 ? "us" : undefined;
  if (!timeUnit) throw new ArchiveFileError(`${source}: time ${time} is neither milliseconds (13 digits) nor microseconds (16 digits)`);
  return {kind, header, columns, timeUnit};
}
