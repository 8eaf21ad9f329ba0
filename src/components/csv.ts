// The Data page's table helpers: which columns of an uploaded CSV are prices, and columns as JSON for a
// download. Reading and writing the CSV itself is src/protocol/csv.ts, shared with `pairbook analyze`.
import type {NumericTable} from "../protocol/csv.js";

/**
 * The two price columns of an uploaded table: the columns named *close (OHLC of two instruments), else
 * the first two columns other than the time column — the same default as `pairbook analyze`.
 */
export function priceColumns(t: NumericTable): {time: Float64Array | null; a: number; b: number} {
  const ti = t.header.findIndex((h) => /^(time|timestamp|date|start)$/i.test(h));
  const closes = t.header
    .map((h, i) => [h, i] as const)
    .filter(([h, i]) => i !== ti && /close$/i.test(h))
    .map(([, i]) => i);
  const others = t.header.map((_, i) => i).filter((i) => i !== ti);
  const [a, b] = closes.length >= 2 ? closes : others;
  if (a === undefined || b === undefined) throw new Error(`need two price columns, found ${JSON.stringify(t.header)}`);
  return {time: ti >= 0 ? t.columns[ti] : null, a, b};
}

/** Columns → JSON array of row objects (NaN as null). */
export function toJson(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns),
    n = names.length ? columns[names[0]].length : 0;
  const rows = [];
  for (let i = 0; i < n; ++i) rows.push(Object.fromEntries(names.map((k) => [k, Number.isFinite(columns[k][i]) ? columns[k][i] : null])));
  return JSON.stringify(rows);
}
