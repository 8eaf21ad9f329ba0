// Tables of the pair report: hedges side by side, cointegration tests with critical values and a
// verdict, backtest metrics and trades. Every number carries data-value (full precision) for tests.
import {annualisedCaution} from "../lib/report/annualised.js";
import {html} from "htl";
import type {BacktestTrade} from "../lib/backtest.js";
import type {PairReport} from "../lib/pairReport.js";
import type {HedgeRow} from "../lib/report/hedges.js";
import {groupedNumber} from "./groupedNumber.js";

/** A number for people: 4 significant digits, "—" for NaN/null. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(digits - 1);
  // Not Intl.NumberFormat: the first one a page builds costs 50–80 ms (./groupedNumber.ts).
  return groupedNumber(Number(v.toPrecision(digits)));
}

/**
 * A table cell with the exact value in data-value. Built with the DOM, not an htl template: htl parses
 * its template on every call, and the report's tables (rebuilt with every slider move) have ~100 cells.
 */
function num(v: number | null | undefined, digits = 4, id?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.className = "pb-num";
  td.dataset.value = String(v);
  if (id !== undefined) td.id = id;
  td.textContent = fmt(v, digits);
  return td;
}

/**
 * A table row of `cells` (a string: a plain cell of that text), with the DOM: the report's tables are
 * rebuilt with every slider move, and an htl template per row cost ~2–7 ms a row (htl parses each call).
 */
export function tableRow(cells: readonly (HTMLTableCellElement | string)[], className = ""): HTMLTableRowElement {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  for (const c of cells) {
    if (typeof c !== "string") tr.append(c);
    else tr.insertCell().textContent = c;
  }
  return tr;
}

/** Bars → "12.3 bars (≈ 41 s)". */
export function barsText(bars: number, barMs: number): string {
  if (!Number.isFinite(bars)) return "—";
  const s = (bars * barMs) / 1000;
  const t = s < 120 ? `${fmt(s, 3)} s` : s < 7200 ? `${fmt(s / 60, 3)} min` : `${fmt(s / 3600, 3)} h`;
  return `${fmt(bars, 3)} bars (≈ ${t})`;
}

/** The hedges side by side (#hedge-table), with a note on the R² of the dynamic ones. */
export function hedgeTable(
  rows: readonly Pick<HedgeRow, "name" | "beta" | "dynamic" | "rSquared" | "adfP" | "halfLife">[],
  sharpes: readonly number[],
  chosen: string,
): HTMLElement {
  const dynamic = rows.some((r) => r.dynamic);
  return html`<div><table class="pb-table" id="hedge-table">
    <thead><tr><th>hedge</th><th>β</th><th>R²${dynamic ? html`<sup>*</sup>` : ""}</th><th>ADF p</th><th>half-life (bars)</th><th>Sharpe</th></tr></thead>
    <tbody>${rows.map((r, i) => {
      const name = document.createElement("td");
      name.textContent = r.name;
      if (r.dynamic) name.insertAdjacentHTML("beforeend", ` <span class="pb-notice">(last)</span>`);
      const chosenRow = r.name.toLowerCase().replace(/[^a-z]/g, "") === chosen.replace(/[^a-z]/g, "");
      return tableRow(
        [name, num(r.beta, 5), num(r.rSquared), num(r.adfP, 3), num(r.halfLife, 3), num(sharpes[i], 3)],
        chosenRow ? "pb-chosen" : "",
      );
    })}</tbody>
  </table>${dynamic ? html`<p class="pb-notice" id="hedge-r2-note"><sup>*</sup> 1 − SSR/TSS of each spread. None for Kalman: its α and β are updated with every bar's own prices, so its residuals are near zero by construction and an R² would say nothing about the fit. Rolling OLS: each bar's residual is from the fit of the window that ends at that bar (in sample), so its R² is not comparable to the static hedges' either.</p>` : ""}</div>`;
}

/** ADF of the spread, Engle-Granger and Johansen with critical values. */
export function testsTable(r: PairReport): HTMLElement {
  const cv = (c: {"1%": number; "5%": number; "10%": number}) => [num(c["1%"]), num(c["5%"]), num(c["10%"])];
  return html`<table class="pb-table" id="tests-table">
    <thead><tr><th>test</th><th>statistic</th><th>p-value</th><th>1%</th><th>5%</th><th>10%</th><th>notes</th></tr></thead>
    <tbody>
      <tr><td>ADF (spread)</td>${num(r.adf.statistic, 5, "adf-stat")}${num(r.adf.pValue, 4, "adf-p")}${cv(r.adf.criticalValues)}<td>lag ${r.adf.usedLag}, nobs ${r.adf.nobs}</td></tr>
      <tr><td>Engle-Granger</td>${num(r.coint.statistic, 5, "eg-stat")}${num(r.coint.pValue, 4, "eg-p")}${cv(r.coint.criticalValues)}<td></td></tr>
    </tbody>
    <thead><tr><th>Johansen</th><th>trace</th><th>eigenvalue</th><th>90%</th><th>95%</th><th>99%</th><th>max-eig (95%)</th></tr></thead>
    <tbody>${r.johansen.traceStat.map((t, i) => {
      const maxEig = num(r.johansen.maxEigStat[i], 5);
      maxEig.textContent += ` (${fmt(r.johansen.maxEigCritical[i][1], 5)})`;
      return tableRow([
        `r ≤ ${i}`,
        num(t, 5, `johansen-trace-${i}`),
        num(r.johansen.eigenvalues[i]),
        ...r.johansen.traceCritical[i].map((c) => num(c)),
        maxEig,
      ]);
    })}</tbody>
  </table>`;
}

/** Is this pair tradeable? One paragraph a researcher can read at a glance. */
export function verdict(r: PairReport, barMs: number): {tradeable: boolean; text: string} {
  const eg = r.coint.pValue < 0.05,
    spreadStationary = r.adf.pValue < 0.05,
    jo = r.johansen.traceStat[0] > r.johansen.traceCritical[0][1];
  const hl = r.halfLife;
  const votes = [eg, spreadStationary, jo].filter(Boolean).length;
  const tradeable = eg && spreadStationary && Number.isFinite(hl);
  const parts = [
    eg
      ? `Engle-Granger rejects no cointegration (p = ${fmt(r.coint.pValue, 3)} < 0.05)`
      : `Engle-Granger does not reject no cointegration (p = ${fmt(r.coint.pValue, 3)})`,
    spreadStationary
      ? `the ${r.hedge.method} spread is stationary by ADF (p = ${fmt(r.adf.pValue, 3)})`
      : `the ${r.hedge.method} spread is not shown stationary by ADF (p = ${fmt(r.adf.pValue, 3)})`,
    jo ? "Johansen's trace test finds a cointegrating vector at 95%" : "Johansen's trace test finds none at 95%",
  ];
  const head = tradeable
    ? "Tradeable: the pair looks cointegrated"
    : votes >= 2
      ? "Borderline"
      : "Not tradeable as is: no evidence of cointegration";
  const tail = Number.isFinite(hl)
    ? ` The spread reverts with a half-life of ${barsText(hl, barMs)}.`
    : " The spread shows no mean reversion (no finite half-life).";
  return {
    tradeable,
    text: `${head}. ${parts.join("; ")}.${tail} The rule as set earned ${fmt(r.backtest.totalPnl, 4)} over ${r.backtest.trades} trades (Sharpe ${fmt(r.backtest.sharpe, 3)}).`,
  };
}

/**
 * The backtest's metrics (#metrics-table); `sample`: the bars they are over and their length, for the
 * caution under the table when the annualised Sharpe comes from under 30 days (src/lib/report/annualised.ts).
 */
export function metricsTable(b: PairReport["backtest"], sample?: {bars: number; barMs: number}): HTMLElement {
  const rows: [string, keyof PairReport["backtest"], number][] = [
    ["trades", "trades", 6],
    ["total PnL", "totalPnl", 5],
    ["max drawdown", "maxDrawdown", 5],
    ["Sharpe (annualised)", "sharpe", 4],
    ["Sortino", "sortino", 4],
    ["Calmar", "calmar", 4],
    ["win rate", "winRate", 3],
    ["profit factor", "profitFactor", 4],
    ["return on gross", "returnOnGross", 4],
    ["avg holding (bars)", "avgHoldingBars", 4],
    ["exposure", "exposure", 3],
    ["fees paid", "feesPaid", 4],
  ];
  const table = document.createElement("table");
  ((table.className = "pb-table"), (table.id = "metrics-table"));
  table.createTBody().append(...rows.map(([label, key, d]) => tableRow([label, num(b[key], d, `bt-${key}`)])));
  cautionCaption(table, sample ? annualisedCaution(sample.bars, sample.barMs) : null);
  return table;
}

/** A caution under a table (a bottom caption, .pb-caution), when there is one. */
export function cautionCaption(table: HTMLTableElement, caution: string | null): void {
  if (caution === null) return;
  const caption = table.createCaption();
  ((caption.className = "pb-notice pb-caution"), (caption.textContent = caution));
}

/**
 * The latest `max` trades, newest first. Built as one HTML string (numbers and dates only, nothing to
 * escape): 200 rows of htl templates cost ~20 ms, which a live page paid on every bar.
 */
export function tradesTable(trades: readonly BacktestTrade[], time: ArrayLike<number>, {max = 200}: {max?: number} = {}): HTMLElement {
  const table = new TradesTable(max);
  table.update(trades, time);
  return table.element;
}

/**
 * The trades table of a live page, updated in place: the closed trades' rows are rebuilt only when a
 * trade closed (or a replaced bar undid one), the open trade's row on its own. The columns have fixed
 * widths, so a new PnL in the open row does not lay out 200 rows again (~25 ms a second while live).
 */
export class TradesTable {
  readonly element: HTMLDivElement;
  private readonly open: HTMLTableSectionElement;
  private readonly closed: HTMLTableSectionElement;
  private readonly note: HTMLParagraphElement;
  private shown = {closed: "", open: ""};

  constructor(private readonly max = 200) {
    this.element = document.createElement("div");
    this.element.className = "pb-scroll";
    this.element.innerHTML = `<table class="pb-table" id="trades-table" style="table-layout: fixed">
    <colgroup><col style="width: 17%"><col style="width: 22%"><col style="width: 22%"><col style="width: 9%"><col style="width: 14%"><col style="width: 16%"></colgroup>
    <thead><tr><th>side</th><th>entry (UTC)</th><th>exit (UTC)</th><th>bars</th><th>β</th><th>PnL</th></tr></thead>
    <tbody></tbody><tbody></tbody>
  </table><p class="pb-notice" hidden></p>`;
    [this.open, this.closed] = this.element.querySelectorAll("tbody");
    this.note = this.element.querySelector("p")!;
  }

  /** Shows `trades` (oldest first; the last may be open) with bar indices into `time`. */
  update(trades: readonly BacktestTrade[], time: ArrayLike<number>): void {
    const last = trades[trades.length - 1],
      open = last && last.exitBar === null ? last : null;
    const closed = open ? trades.length - 1 : trades.length,
      latest = trades[closed - 1];
    const key = latest ? `${closed}|${latest.entryBar}|${latest.exitBar}|${latest.pnl}|${time[latest.entryBar]}` : "0";
    if (key !== this.shown.closed) {
      this.shown.closed = key;
      const rows: string[] = [];
      for (let k = closed - 1; k >= Math.max(0, closed - this.max); --k) rows.push(tradeRow(trades[k], time));
      this.closed.innerHTML = rows.join("");
      this.note.hidden = trades.length <= this.max;
      this.note.textContent = `latest ${this.max} of ${trades.length} trades`;
    }
    const row = open ? tradeRow(open, time) : "";
    if (row !== this.shown.open) ((this.shown.open = row), (this.open.innerHTML = row));
  }
}

function tradeRow(tr: BacktestTrade, time: ArrayLike<number>): string {
  const t = (i: number | null) => (i === null ? "open" : new Date(time[i]).toISOString().slice(0, 19).replace("T", " "));
  const cell = (v: number, digits: number) => `<td class="pb-num" data-value="${String(v)}">${fmt(v, digits)}</td>`;
  return `<tr><td>${tr.side > 0 ? "long spread" : "short spread"}</td><td>${t(tr.entryBar)}</td><td>${t(tr.exitBar)}</td>${cell(tr.bars, 6)}${cell(tr.beta, 5)}${cell(tr.pnl, 4)}</tr>`;
}
