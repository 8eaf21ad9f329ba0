// The pair report's four headline numbers (β, last z-score, backtest PnL, bars), built once and
// updated in place: a live frame changes a few text nodes instead of re-rendering the cards.
import {sampleSpan, shortSample} from "../lib/report/annualised.js";
import {groupedNumber} from "./groupedNumber.js";
import {fmt} from "./reportTables.js";

export interface KpiValues {
  method: string;
  beta: number | undefined;
  zLast: number;
  /** The z window, for the warm-up notice. */
  window: number;
  pnl: number | undefined;
  trades: number;
  sharpe: number | undefined;
  bars: number;
  /** The bars' length: the span the Sharpe is annualised from, named when under 30 days. */
  barMs: number;
  liveBuckets: number;
  excluded: number;
}

export class PairKpis {
  readonly element: HTMLDivElement;
  private readonly parts: Record<"method" | "beta" | "z" | "zNote" | "pnl" | "pnlNote" | "bars" | "live", HTMLElement>;
  private readonly shown = new Map<HTMLElement, string>();

  constructor() {
    this.element = document.createElement("div");
    this.element.className = "pb-kpis";
    this.element.innerHTML = `<div class="card"><h2>β (<span></span>)</h2><div class="pb-big" id="beta"></div></div>
<div class="card"><h2>Last z-score</h2><div class="pb-big" id="zscore-last"></div><span class="pb-notice"></span></div>
<div class="card"><h2>Backtest PnL</h2><div class="pb-big" id="pnl"></div><span class="pb-notice"></span></div>
<div class="card"><h2>Bars</h2><div class="pb-big" id="bar-count"></div><span class="pb-notice" id="live-count"></span></div>`;
    const q = (selector: string) => this.element.querySelector<HTMLElement>(selector)!;
    this.parts = {
      method: q("h2 span"),
      beta: q("#beta"),
      z: q("#zscore-last"),
      zNote: q("#zscore-last + .pb-notice"),
      pnl: q("#pnl"),
      pnlNote: q("#pnl + .pb-notice"),
      bars: q("#bar-count"),
      live: q("#live-count"),
    };
  }

  /** Shows `v`, touching only the nodes whose text changed. */
  update(v: KpiValues): void {
    const p = this.parts;
    this.text(p.method, v.method);
    this.number(p.beta, v.beta, fmt(v.beta, 5));
    this.number(p.z, v.zLast, fmt(v.zLast, 3));
    this.text(p.zNote, Number.isFinite(v.zLast) ? "" : `needs ${v.window} bars`);
    this.number(p.pnl, v.pnl, fmt(v.pnl, 4));
    const short = Number.isFinite(v.sharpe) && shortSample(v.bars, v.barMs);
    this.text(
      p.pnlNote,
      `${v.trades} trades, Sharpe ${fmt(v.sharpe, 3)}${short ? ` (annualised from ${sampleSpan(v.bars, v.barMs)})` : ""}`,
    );
    this.text(p.bars, groupedNumber(v.bars));
    this.text(p.live, `${v.liveBuckets} live; ${groupedNumber(v.excluded)} left out (gaps)`);
  }

  private text(el: HTMLElement, text: string): void {
    if (this.shown.get(el) === text) return;
    this.shown.set(el, text);
    el.textContent = text;
  }

  /** Text plus the exact value in data-value (for tests). */
  private number(el: HTMLElement, value: number | undefined, text: string): void {
    const exact = String(value);
    if (el.getAttribute("data-value") !== exact) el.setAttribute("data-value", exact);
    this.text(el, text);
  }
}
