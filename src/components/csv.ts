// CSV in and out for the Data page: columns of numbers, as `pairbook analyze --csv` reads them.

export interface NumericTable {
  header: string[];
  columns: Float64Array[];
}

/** Parses a CSV with a header row into numeric columns; throws naming the first bad cell. */
export function parseNumericCsv(text: string): NumericTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) throw new Error("the CSV needs a header row and at least one data row");
  const unquote = (cell: string) => cell.trim().replace(/^"(.*)"$/, "$1");
  const header = lines[0].split(",").map(unquote);
  const columns = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; ++r) {
    const cells = lines[r].split(",").map(unquote);
    if (cells.length !== header.length) throw new Error(`row ${r + 1} has ${cells.length} cells, the header has ${header.length}`);
    for (let c = 0; c < cells.length; ++c) {
      // Dates in a time column are accepted as ISO strings.
      const v = cells[c] === "" ? NaN : Number(cells[c]);
      columns[c][r - 1] = Number.isFinite(v) ? v : /time|date/i.test(header[c]) ? Date.parse(cells[c]) : NaN;
      if (!Number.isFinite(columns[c][r - 1])) throw new Error(`non-numeric value ${JSON.stringify(cells[c])} in column ${JSON.stringify(header[c])} at row ${r + 1}`);
    }
  }
  return {header, columns};
}

/**
 * The two price columns of an uploaded table: the columns named *close (OHLC of two instruments), else
 * the first two columns other than the time column — the same default as `pairbook analyze`.
 */
export function priceColumns(t: NumericTable): {time: Float64Array | null; a: number; b: number} {
  const ti = t.header.findIndex((h) => /^(time|timestamp|date|start)$/i.test(h));
  const closes = t.header.map((h, i) => [h, i] as const).filter(([h, i]) => i !== ti && /close$/i.test(h)).map(([, i]) => i);
  const others = t.header.map((_, i) => i).filter((i) => i !== ti);
  const [a, b] = closes.length >= 2 ? closes : others;
  if (a === undefined || b === undefined) throw new Error(`need two price columns, found ${JSON.stringify(t.header)}`);
  return {time: ti >= 0 ? t.columns[ti] : null, a, b};
}

/** Columns → CSV with a header; numbers printed so they read back exactly. */
export function toCsv(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns), n = names.length ? columns[names[0]].length : 0;
  const lines = [names.join(",")];
  for (let i = 0; i < n; ++i) lines.push(names.map((k) => (Number.isNaN(columns[k][i]) ? "" : String(columns[k][i]))).join(","));
  return `${lines.join("\n")}\n`;
}

/** Columns → JSON array of row objects (NaN as null). */
export function toJson(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns), n = names.length ? columns[names[0]].length : 0;
  const rows = [];
  for (let i = 0; i < n; ++i) rows.push(Object.fromEntries(names.map((k) => [k, Number.isFinite(columns[k][i]) ? columns[k][i] : null])));
  return JSON.stringify(rows);
}
