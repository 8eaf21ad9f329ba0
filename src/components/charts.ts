// Plot specs for the pair page, as small typed components: (data, {width}) → Node.
import * as Plot from "@observablehq/plot";
import type {PairAnalysis} from "./pairAnalysis.js";
import type {PairSeries} from "./pairSeries.js";

interface ChartOptions {
  width: number;
  height?: number;
}

/** Both legs' closes, each normalized to 100 at the first bar so they share an axis. */
export function pricesChart(series: PairSeries, names: [string, string], {width, height = 260}: ChartOptions): Node {
  const rows: {time: Date; value: number; leg: string; price: number}[] = [];
  const step = thin(series.time.length, width);
  for (let i = 0; i < series.time.length; i += step) {
    const time = new Date(series.time[i]);
    rows.push({time, value: (100 * series.a[i]) / series.a[0], leg: names[0], price: series.a[i]});
    rows.push({time, value: (100 * series.b[i]) / series.b[0], leg: names[1], price: series.b[i]});
  }
  return Plot.plot({
    width, height, marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "price (first bar = 100)", grid: true},
    color: {legend: true, domain: names},
    marks: [Plot.lineY(rows, {x: "time", y: "value", stroke: "leg", tip: true, channels: {price: "price"}})]
  });
}

export function spreadChart(series: PairSeries, analysis: PairAnalysis, {width, height = 200}: ChartOptions): Node {
  const step = thin(series.time.length, width);
  const rows = [];
  for (let i = 0; i < series.time.length; i += step) rows.push({time: new Date(series.time[i]), spread: analysis.spread[i]});
  return Plot.plot({
    width, height,
    x: {type: "utc", label: null},
    marginLeft: 50,
    y: {label: "OLS spread (residual)", grid: true},
    marks: [Plot.ruleY([0], {stroke: "currentColor", strokeOpacity: 0.3}), Plot.lineY(rows, {x: "time", y: "spread", stroke: "steelblue", tip: true})]
  });
}

export function zscoreChart(series: PairSeries, analysis: PairAnalysis, {width, height = 200}: ChartOptions): Node {
  const step = thin(series.time.length, width);
  const rows = [];
  for (let i = 0; i < series.time.length; i += step) if (Number.isFinite(analysis.zscore[i])) rows.push({time: new Date(series.time[i]), z: analysis.zscore[i]});
  return Plot.plot({
    width, height,
    x: {type: "utc", label: null},
    marginLeft: 50,
    y: {label: `z-score (${analysis.window}-bar window)`, grid: true, domain: [-4, 4], clamp: true},
    marks: [
      Plot.ruleY([-2, 2], {stroke: "#c44", strokeDasharray: "4,3"}),
      Plot.ruleY([0], {stroke: "currentColor", strokeOpacity: 0.3}),
      Plot.lineY(rows, {x: "time", y: "z", stroke: "#7b3fb8", tip: true})
    ]
  });
}

/** Plot at most ~4 points per pixel: a stride over long series keeps redraws fast. */
function thin(n: number, width: number): number {
  return Math.max(1, Math.floor(n / (4 * width)));
}
