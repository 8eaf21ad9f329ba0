// The pair page's backtest section: the statistics of the report (src/lib/backtestStats.ts, as
// `pairbook analyze` prints them; funding paid its own line when a leg is a perpetual) beside the trade
// PnL histogram and the underwater curve of the rule on the bars shown, and the trades' CSV download.
// Built once, redrawn in place with the live stream.
import {html} from "htl";
import type {BacktestStats} from "../lib/backtestStats.js";
import {tradesCsv} from "../lib/report/tradesCsv.js";
import type {PairStream} from "../lib/stream/pairStream.js";
import {backtestStatsTable, tradePnlHistogram} from "./backtestCharts.js";
import {CanvasChart} from "./canvasChart.js";
import {downloadButton} from "./download.js";
import {KeyedThrottle} from "./throttle.js";

/** What the section follows: LivePair's stream and its update notifications. */
export interface BacktestSource {
  readonly stream: PairStream;
  subscribe(listener: (key: string) => void): () => void;
}

export class BacktestReport {
  readonly element: HTMLElement;
  private readonly stats = html`<div></div>`;
  private readonly statsTitle = html`<h2>Returns, drawdowns, trades, buy and hold</h2>`;
  private readonly histogram = html`<div id="trade-histogram"></div>`;
  private readonly underwater = html`<div id="underwater-chart"></div>`;
  /**
   * The underwater curve on a canvas chart (./canvasChart.ts), not a Plot chart (./backtestCharts.ts
   * `underwaterChart`): a new Plot SVG once a second while live was the page's longest main-thread
   * task between refits (~100–200 ms, bench/notebookProfile.ts); a canvas keeps its axes and redraws.
   */
  private readonly underwaterCurve = new CanvasChart({height: 220, marginLeft: 60});
  /** What the histogram and the curve show: the trades' PnLs, the options' key. */
  private shown = {pnl: "", key: ""};
  private source: BacktestSource | null = null;
  private feeBps = 0;

  /** `filename`: the trades CSV's name (#download-trades). */
  constructor(
    private readonly names: readonly [string, string],
    filename: string,
  ) {
    const download = downloadButton("Download trades (CSV)", filename, () => this.csv(), {id: "download-trades", type: "text/csv"});
    this.element = html`<div id="backtest-section" hidden>
      <div class="grid grid-cols-2">
        <div class="card">${this.statsTitle}${this.stats}</div>
        <div>
          <div class="card"><h2>Trade PnL</h2>${this.histogram}</div>
          <div class="card"><h2>Underwater: equity below its peak</h2>${this.underwater}</div>
        </div>
      </div>
      <p>${download}</p>
    </div>`;
    this.underwater.append(this.underwaterCurve.element);
  }

  /**
   * Draws `stats` (null: still computed; a function: computed from the source's stream at its first
   * update, once a recompute in slices is done, instead of finishing it at once) and the source's trades
   * and drawdown now and after each of its updates: at once when its key or `key` changed, at most once
   * a second otherwise (live bars). Returns the function that stops following (and the underwater
   * chart's size observer: the page calls it when it drops this section).
   */
  follow(
    source: BacktestSource,
    stats: BacktestStats | null | (() => BacktestStats | null),
    {feeBps, width, key}: {feeBps: number; width: number; key: string},
  ): () => void {
    ((this.source = source), (this.feeBps = feeBps));
    let lazy = typeof stats === "function" ? stats : null;
    if (!lazy) this.showStats(stats as BacktestStats | null);
    else this.stats.replaceChildren(html`<p class="pb-notice">Computing…</p>`);
    const throttle = new KeyedThrottle(1000);
    const stop = source.subscribe((k) =>
      throttle.run(`${k}|${key}`, () => {
        if (lazy) (this.showStats(lazy()), (lazy = null));
        this.draw(source.stream, width, `${k}|${key}`);
      }),
    );
    return () => (stop(), throttle.cancel(), this.underwaterCurve.dispose());
  }

  private showStats(stats: BacktestStats | null): void {
    this.stats.replaceChildren(stats ? backtestStatsTable(stats, this.names) : html`<p class="pb-notice">Fitting…</p>`);
    this.statsTitle.textContent = `Returns, drawdowns, trades, buy and hold${stats?.funding ? ", funding" : ""}`;
  }

  private draw(s: PairStream, width: number, key: string): void {
    this.element.hidden = !s.ruled;
    if (!s.ruled) return;
    const w = Math.max(280, Math.floor(width / 2) - 40),
      trades = s.tradeList();
    // The histogram again only when a trade's PnL changed (a live bar usually changes none).
    const pnl = `${w}|${trades.map((t) => t.pnl).join()}`;
    if (pnl !== this.shown.pnl) {
      this.histogram.dataset.count = String(trades.length);
      this.histogram.replaceChildren(tradePnlHistogram(trades, {width: w}));
    }
    const time = s.column("time"),
      drawdown = s.column("drawdown"),
      n = time.length;
    this.underwaterCurve.update(
      {
        yLabel: "drawdown (PnL below peak)",
        xDomain: n ? [time[0], time[n - 1]] : undefined,
        layers: [
          {type: "area", x: time, y: drawdown, fill: "#d03050", opacity: 0.35},
          {type: "line", x: time, y: drawdown, stroke: "#d03050"},
          {type: "rule", y: 0, stroke: "#999"},
        ],
      },
      {live: key === this.shown.key},
    );
    this.shown = {pnl, key};
  }

  private csv(): string {
    const s = this.source?.stream;
    if (!s?.ruled) return "";
    const bars = {time: s.column("time"), a: s.column("a"), b: s.column("b"), la: s.column("la"), lb: s.column("lb")};
    return tradesCsv(s.tradeList(), bars, this.names, this.feeBps);
  }
}
