// Several series over one time axis, one colour each with a legend (hedge ratios by method, closes of a
// basket…): (data, {width}) → Node like the charts in ./charts.ts. Each series is decimated min/max per
// pixel column (./decimate.ts), so 86,400-bar series draw in milliseconds.
import * as Plot from "@observablehq/plot";
import type {ChartOptions} from "./charts.js";
import {decimate} from "./decimate.js";

/** One named line: y over the chart's time. */
export interface NamedSeries {
  readonly name: string;
  readonly y: ArrayLike<number>;
}

/**
 * Lines of `series` over `time` (ms since the UTC epoch), named in a colour legend; NaN breaks a line.
 *
 *   linesChart({time, series: [{name: "ols", y: beta}], label: "β"}, {width: 640})
 */
export function linesChart(
  {time, series, label}: {time: ArrayLike<number>; series: readonly NamedSeries[]; label: string},
  {width, height = 260}: ChartOptions,
): Node {
  const pixels = Math.max(200, width - 70);
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "utc", label: null},
    y: {label, grid: true},
    color: {legend: true, domain: series.map((s) => s.name), type: "categorical"},
    marks: series.map(({name, y}) => {
      const d = decimate(time, y, pixels);
      return Plot.lineY({length: d.x.length}, {x: d.x, y: d.y, stroke: () => name});
    }),
  });
}
