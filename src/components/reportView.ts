// A whole pair report from two price series, as one Node: used for an uploaded CSV on the Data page
// (the pair pages lay out the same components cell by cell to stay reactive).
import {html} from "htl";
import type {PairAnalysisResult} from "../lib/pairReport.js";
import {equityChart, pricesChart, spreadChart, zscoreChart} from "./charts.js";
import {hedgeRows, hedgeSharpes} from "../lib/report/hedges.js";
import {fmt, hedgeTable, metricsTable, testsTable, tradesTable, verdict} from "./reportTables.js";
import {rollingMean, rollingStd} from "../lib/rolling.js";

export function reportView(
  result: PairAnalysisResult,
  {
    time,
    names,
    rawA,
    rawB,
    window,
    entry,
    exit,
    barMs,
    width,
  }: {
    time: Float64Array;
    names: [string, string];
    rawA: ArrayLike<number>;
    rawB: ArrayLike<number>;
    window: number;
    entry: number;
    exit: number;
    barMs: number;
    width: number;
  },
): HTMLElement {
  const r = result.report,
    said = verdict(r, barMs);
  const mean = rollingMean(result.spread, window),
    sd = rollingStd(result.spread, window);
  const marks = result.backtest.tradeList.flatMap((t) => {
    const out: {time: number; z: number; kind: "long" | "short" | "exit"}[] = [
      {time: time[t.entryBar], z: result.zscore[t.entryBar], kind: t.side > 0 ? "long" : "short"},
    ];
    if (t.exitBar !== null) out.push({time: time[t.exitBar], z: result.zscore[t.exitBar], kind: "exit"});
    return out;
  });
  const rows = hedgeRows({a: result.a, b: result.b, hedges: r.hedges}, Math.max(3, window));
  const sharpes = hedgeSharpes(rows, result, {window, entry, exit, barMs});
  const w = Math.max(300, width / 2 - 40);
  return html`<div id="upload-report">
    <div class="card pb-verdict" data-tradeable=${String(said.tradeable)}>${said.text}</div>
    <div class="pb-kpis">
      <div class="card"><h2>β (${r.hedge.method})</h2><div class="pb-big" id="upload-beta" data-value=${String(r.hedge.beta)}>${fmt(r.hedge.beta, 5)}</div></div>
      <div class="card"><h2>Engle-Granger p</h2><div class="pb-big" id="upload-eg-p" data-value=${String(r.coint.pValue)}>${fmt(r.coint.pValue, 3)}</div></div>
      <div class="card"><h2>Half-life (bars)</h2><div class="pb-big" data-value=${String(r.halfLife)}>${fmt(r.halfLife, 3)}</div></div>
      <div class="card"><h2>Rows</h2><div class="pb-big" id="upload-rows">${r.n.toLocaleString("en-US")}</div></div>
    </div>
    <div class="card">${pricesChart({time, a: rawA, b: rawB, names}, {width: width - 40})}</div>
    <div class="grid grid-cols-2">
      <div class="card"><h2>Spread</h2>${spreadChart({time, spread: result.spread, mean, upper: mean.map((m, i) => m + entry * sd[i]), lower: mean.map((m, i) => m - entry * sd[i]), label: "spread"}, {width: w})}</div>
      <div class="card"><h2>z-score and trades</h2>${zscoreChart({time, z: result.zscore, entry, exit, stop: undefined, trades: marks, window}, {width: w})}</div>
    </div>
    <div class="card"><h2>Cointegration tests</h2>${testsTable(r)}</div>
    <div class="card"><h2>Hedge ratios side by side</h2>${hedgeTable(rows, sharpes, r.hedge.method)}</div>
    <div class="grid grid-cols-2">
      <div class="card"><h2>Backtest metrics</h2>${metricsTable(r.backtest, {bars: time.length, barMs})}</div>
      <div class="card"><h2>Equity and drawdown</h2>${equityChart({time, equity: result.backtest.equity, drawdown: result.backtest.drawdown}, {width: w})}</div>
    </div>
    <div class="card"><h2>Trades</h2>${tradesTable(result.backtest.tradeList, time)}</div>
  </div>`;
}
