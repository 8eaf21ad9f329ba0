// The CSV that `pairbook analyze --csv` and the Data page's upload both read, and the Data page writes:
// a header row, then one row per line; cells parsed by d3-dsv (RFC 4180: quoted cells may hold commas,
// doubled quotes and line breaks), CRLF or LF line ends, a leading byte-order mark ignored, blank lines
// skipped, cells and names trimmed. A cell is a number; in a time column (named like time or date, or
// chosen as the time column) it may also be an ISO 8601 date, read as UTC ms when it has no offset.
// Pure: Node (the CLI) and the browser (the Data page) run the same code, so they accept the same files.
import {csvFormatRow, csvParseRows} from "d3-dsv";

/** A caller's file is not a CSV this module reads; the message names the row (file line) and column. */
export class CsvError extends Error {
  override name = "CsvError";
}

/** A CSV's text cells: the header, the data rows, and the file line (1-based) each data row starts on. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly lines: readonly number[];
}

/** Every column of a CSV as numbers. */
export interface NumericTable {
  readonly header: readonly string[];
  readonly columns: readonly Float64Array[];
}

/**
 * Splits a CSV into its header and rows of trimmed text cells. Throws CsvError on a file with no header
 * ("empty file") or a row whose cell count differs from the header's. O(length of text).
 * Example: readCsv('a,b\r\n1,"2,5"\n').rows → [["1", "2,5"]]
 */
export function readCsv(text: string): CsvTable {
  const records = csvParseRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  let header: string[] | undefined;
  const rows: string[][] = [],
    lines: number[] = [];
  let line = 1;
  for (const record of records) {
    const start = line;
    // A quoted cell may span lines: the next record starts after the line breaks inside this one.
    for (const cell of record) line += cell.split("\n").length - 1;
    line += 1;
    const cells = record.map(clean);
    if (cells.length === 1 && cells[0] === "") continue; // a blank line
    if (header === undefined) {
      header = cells;
      continue;
    }
    if (cells.length !== header.length) throw new CsvError(`row ${start} has ${cells.length} cells, the header has ${header.length}`);
    (rows.push(cells), lines.push(start));
  }
  if (header === undefined) throw new CsvError("empty file");
  return {header, rows, lines};
}

/**
 * The named column as numbers. Throws CsvError for a missing column or a cell that is empty or not a
 * number (in a time column: nor an ISO date), naming its value, column and file line; with `sparse`
 * an empty cell is NaN (a column with values on some rows only, as funding rates). O(rows).
 * Example: numericColumn(readCsv("time,x\n2024-01-01,3\n"), "time") → Float64Array [1704067200000]
 */
export function numericColumn(
  table: CsvTable,
  name: string,
  {time = isTimeName(name), sparse = false}: {time?: boolean; sparse?: boolean} = {},
): Float64Array {
  const k = table.header.indexOf(name);
  if (k < 0) throw new CsvError(`no column ${JSON.stringify(name)} (columns: ${table.header.join(", ")})`);
  const out = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; ++r) {
    const cell = table.rows[r][k];
    if (sparse && cell === "") {
      out[r] = NaN;
      continue;
    }
    const v = cell === "" ? NaN : Number(cell);
    out[r] = Number.isFinite(v) ? v : time ? isoMs(cell) : NaN;
    if (!Number.isFinite(out[r]))
      throw new CsvError(`non-numeric value ${JSON.stringify(cell)} in column ${JSON.stringify(name)} at row ${table.lines[r]}`);
  }
  return out;
}

/**
 * Every column of a CSV as numbers (the Data page's upload). Throws CsvError as readCsv and
 * numericColumn do, and when there is no data row. Example: parseNumericCsv("a\n1\n").columns → [[1]]
 */
export function parseNumericCsv(text: string): NumericTable {
  const table = readCsv(text);
  if (table.rows.length === 0) throw new CsvError("the CSV needs a header row and at least one data row");
  return {header: table.header, columns: table.header.map((name) => numericColumn(table, name))};
}

/** Columns → CSV with a header; numbers printed so they read back exactly, NaN as an empty cell. */
export function toCsv(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns),
    n = names.length ? columns[names[0]].length : 0;
  const lines = [csvFormatRow(names)];
  for (let i = 0; i < n; ++i) lines.push(names.map((k) => (Number.isNaN(columns[k][i]) ? "" : String(columns[k][i]))).join(","));
  return `${lines.join("\n")}\n`;
}

/** Whether a column's name says it holds times (and so may hold ISO dates). */
export const isTimeName = (name: string): boolean => /time|date/i.test(name);

// ISO 8601 date or date-time, with "T" or a space, optional seconds and fraction, optional Z or ±hh:mm.
const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO date's ms since the epoch (UTC when it names no offset, so every machine reads the same), or NaN. */
function isoMs(cell: string): number {
  const m = iso.exec(cell);
  if (m === null) return NaN;
  const [, date, clock, zone] = m;
  if (clock === undefined) return Date.parse(`${date}T00:00:00Z`);
  const [hm, frac = ""] = clock.split(".");
  const offset = zone === undefined || zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${date}T${hm}${frac ? `.${frac.slice(0, 3).padEnd(3, "0")}` : ""}${offset}`);
}

/** A cell trimmed; a quoted cell with spaces around its quotes (which the RFC does not allow) unquoted. */
function clean(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1).replaceAll('""', '"') : t;
}
