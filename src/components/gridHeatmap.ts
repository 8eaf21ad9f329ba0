// A heatmap as an HTML table: every cell is a real element (clickable, linkable, carries its value in
// data-value), coloured with a Plot colour scale. Used by the cointegration map and the backtest lab.
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {fmt} from "./reportTables.js";

export interface GridCell {
  row: string;
  col: string;
  value: number;
  title?: string;
  href?: string;
}

export interface GridHeatmapOptions {
  rows: readonly string[];
  cols: readonly string[];
  rowLabel: string;
  colLabel: string;
  /** Plot colour scheme and domain, e.g. "rdylgn", [-3, 3]. */
  scheme?: string;
  domain?: [number, number];
  reverse?: boolean;
  id?: string;
  digits?: number;
  selected?: {row: string; col: string} | null;
  onClick?: (cell: GridCell) => void;
}

export function gridHeatmap(
  cells: readonly GridCell[],
  {rows, cols, rowLabel, colLabel, scheme = "rdylgn", domain, reverse = false, id, digits = 3, selected, onClick}: GridHeatmapOptions,
): HTMLElement {
  const finite = cells.map((c) => c.value).filter(Number.isFinite);
  const d: [number, number] = domain ?? (finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  const color = Plot.scale({color: {type: "linear", scheme: scheme as never, domain: d, reverse}});
  const byKey = new Map(cells.map((c) => [`${c.row}\u0000${c.col}`, c]));
  const td = (row: string, col: string) => {
    const c = byKey.get(`${row}\u0000${col}`);
    if (!c) return html`<td class="pb-cell pb-empty"></td>`;
    const ok = Number.isFinite(c.value);
    const chosen = selected && selected.row === row && selected.col === col;
    const text = ok ? fmt(c.value, digits) : "—";
    const cell =
      html`<td class=${`pb-cell${chosen ? " pb-selected" : ""}${onClick ? " pb-clickable" : ""}`} data-row=${row} data-col=${col} data-value=${String(c.value)} title=${c.title ?? text}
      style=${{background: ok ? String(color.apply(Math.max(d[0], Math.min(d[1], c.value)))) : "transparent"}}>${c.href ? html`<a href=${c.href}>${text}</a>` : text}</td>` as HTMLTableCellElement;
    if (onClick) cell.onclick = () => onClick(c);
    return cell;
  };
  return html`<div class="pb-heatmap"><table id=${id ?? null}>
    <thead><tr><th class="pb-corner">${rowLabel} ╲ ${colLabel}</th>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr><th>${r}</th>${cols.map((c) => td(r, c))}</tr>`)}</tbody>
  </table>${Plot.legend({color: {type: "linear", scheme: scheme as never, domain: d, reverse}, width: 260})}</div>`;
}
