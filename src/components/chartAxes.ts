// The axes of a canvas chart (./canvasChart.ts) as two SVG layers: the x (time) axis, and the y axis
// with its grid, its label and an optional second axis on the right. They look like the axes
// Observable Plot draws by default (same ticks, tick labels, fonts, grid and label placement, and the
// same aria-label group names: test/browser/canvasChart.test.ts compares them with Plot.plot's), but
// are built by hand from d3-scale's ticks: speed demands it. Plot.plot lays out a whole plot for a
// few ticks (~3 ms a chart, and as long again to lay out its SVG, several charts per slider move);
// these layers take a fraction of that. Two layers, so that a slider or a hedge switch (a new y
// domain) rebuilds the y layer only, and a zoom the x layer (+ y).
import {scaleLinear, scaleUtc} from "d3-scale";
import {type CountableTimeInterval, utcDay, utcHour, utcMinute, utcMonth, utcSecond, utcYear} from "d3-time";
import {utcFormat} from "d3-time-format";
import type {ChartScales} from "./chartScales.js";

/** Tick positions (ms or values) and their labels; a label's lines are separated by "\n". */
export interface AxisTicks {
  values: number[];
  labels: string[];
}

/** A second y axis on the right: tick positions in the left axis' units, their labels, a title. */
export interface RightAxis {
  ticks: readonly number[];
  labels: readonly string[];
  label: string;
}

/** Pixels between ticks, as Plot's defaults: about one x tick per 80 px, one y tick per 35 px. */
const xSpacing = 80,
  ySpacing = 35;

/** Plot's time tick formats, the coarsest first: [interval, longest tick step, first line, context line]. */
const timeFormats: [CountableTimeInterval, number, string, string][] = [
  [utcYear, Infinity, "%Y", ""],
  [utcMonth, Infinity, "%b", "%Y"],
  [utcDay, 6 * 30 * 864e5, "%-d", "%b"],
  [utcHour, 3 * 864e5, "%-I %p", "%b %-d"],
  [utcMinute, 6 * 3600e3, "%-I:%M", "%p"],
  [utcSecond, 30 * 60e3, ":%S", "%-I:%M"],
];

/**
 * UTC time ticks for the domain [`x0`, `x1`] ms over `pixels` px, labelled as Plot labels a bottom
 * time axis: the finest unit the ticks need on the first line ("3 PM"), and under it the context
 * ("Nov 20") on the first tick and wherever it changes. O(ticks).
 *
 *   timeTicks(Date.UTC(2026, 10, 20, 12), Date.UTC(2026, 10, 21, 12), 828).labels[0] // "12 PM\nNov 20"
 */
export function timeTicks(x0: number, x1: number, pixels: number): AxisTicks {
  const dates = scaleUtc()
    .domain([x0, x1])
    .ticks(pixels / xSpacing);
  const values = dates.map(Number);
  // The longest step between ticks; NaN for a single tick, which Plot labels by date only.
  let step = NaN;
  for (let i = 1; i < values.length; ++i) step = Math.max(i > 1 ? step : 0, values[i] - values[i - 1]);
  let first = ".%L",
    context = ":%M:%S";
  if (!(step < 1000)) {
    const format = timeFormats.find(
      ([interval, longest], i) => !(step > longest) && (i < 3 || step > 0) && dates.every((d) => +interval.floor(d) === +d),
    );
    // No unit fits (not seen with d3's ticks): ISO dates, as Plot's fallback.
    if (!format) return {values, labels: dates.map((d) => d.toISOString())};
    [, , first, context] = format;
  }
  const f1 = utcFormat(first),
    f2 = context ? utcFormat(context) : null;
  const labels = dates.map((d, i) => {
    if (!f2) return f1(d);
    const c = f2(d);
    return i > 0 && c === f2(dates[i - 1]) ? f1(d) : `${f1(d)}\n${c}`;
  });
  return {values, labels};
}

/**
 * Linear ticks for the domain [`y0`, `y1`] over `pixels` px, labelled with d3's tick format (digit
 * groups, the precision the step needs, "−" for minus), as Plot's default y axis. O(ticks).
 *
 *   valueTicks(-4.2, 4.2, 170).labels // ["−4", "−2", "0", "2", "4"]
 */
export function valueTicks(y0: number, y1: number, pixels: number): AxisTicks {
  const scale = scaleLinear().domain([y0, y1]),
    count = pixels / ySpacing,
    format = scale.tickFormat(count);
  const values = scale.ticks(count);
  return {values, labels: values.map(format)};
}

/** Plot's half-pixel offset for crisp 1 px lines on screens of 1 device pixel per CSS pixel. */
function offset(): number {
  return (globalThis.devicePixelRatio || 1) > 1 ? 0 : 0.5;
}

const svgNS = "http://www.w3.org/2000/svg";

/** A new SVG element `name` with `attributes`, appended to `parent`. */
function child(parent: Element, name: string, attributes: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(svgNS, name);
  for (const k in attributes) e.setAttribute(k, String(attributes[k]));
  parent.appendChild(e);
  return e;
}

/**
 * An SVG layer of `width` × `height` with Plot's text defaults (the theme's colour, 10 px system-ui).
 * Built an element at a time: ~35% faster than parsing the same markup (innerHTML) in Chromium.
 */
function layer(width: number, height: number, style: string): SVGSVGElement {
  const svg = document.createElementNS(svgNS, "svg");
  // Plot's class: the page styles that apply to Plot's SVGs apply here too.
  const attributes = {
    class: "plot-d6a7b5",
    fill: "currentColor",
    "font-family": "system-ui, sans-serif",
    "font-size": 10,
    "text-anchor": "middle",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    style,
  };
  for (const [k, v] of Object.entries(attributes)) svg.setAttribute(k, String(v));
  return svg;
}

/** A tick label in `group` at (`x`, `y`): one line as is, two lines as tspans (Plot's multi-line labels). */
function labelText(group: Element, label: string, x: number, y: number, baseline: string): void {
  const lines = label.split("\n"),
    transform = `translate(${x},${y})`;
  if (lines.length === 1) {
    child(group, "text", {y: baseline, transform}).textContent = label;
    return;
  }
  const text = child(group, "text", {transform});
  lines.forEach((line, i) => (child(text, "tspan", i === 0 ? {x: 0, y: baseline} : {x: 0, dy: "1em"}).textContent = line));
}

/**
 * The x layer: the time axis along the bottom of the frame of `s` (ticks 6 px long, labels under
 * them, at `s.px`: where the canvas draws those times), for the domain [`x0`, `x1`] ms, in a
 * `width` × `height` SVG laid over the y layer. O(ticks).
 *
 *   holder.append(xAxisLayer(s, [t0, t1], 640, 200));
 */
export function xAxisLayer(s: ChartScales, [x0, x1]: readonly [number, number], width: number, height: number): SVGSVGElement {
  const o = offset(),
    {values, labels} = timeTicks(x0, x1, s.right - s.left),
    svg = layer(width, height, "position:absolute;left:0;top:0;");
  const ticks = child(svg, "g", {
      "aria-label": "x-axis tick",
      "aria-hidden": "true",
      fill: "none",
      stroke: "currentColor",
      transform: `translate(${o},0)`,
    }),
    texts = child(svg, "g", {"aria-label": "x-axis tick label", "font-variant": "tabular-nums", transform: `translate(${o},${9 + o})`});
  for (let i = 0; i < values.length; ++i) {
    const x = s.px(values[i]);
    child(ticks, "path", {transform: `translate(${x},${s.bottom})`, d: "M0,0L0,6"});
    labelText(texts, labels[i], x, s.bottom, "0.71em");
  }
  return svg;
}

/**
 * The y layer: horizontal grid lines across the frame of `s`, the y axis on its left (ticks, labels,
 * "↑ label" above), and with `right` a second axis whose labels sit inside the frame's right edge
 * (the right margin is narrow), for the domain [`y0`, `y1`], in a `width` × `height` SVG that gives
 * the chart its height. O(ticks).
 *
 *   holder.append(yAxisLayer(s, [-4, 4], "z-score", undefined, 640, 200, 20, 20));
 */
export function yAxisLayer(
  s: ChartScales,
  [y0, y1]: readonly [number, number],
  label: string,
  right: RightAxis | undefined,
  width: number,
  height: number,
  marginTop: number,
  marginRight: number,
): SVGSVGElement {
  const o = offset(),
    {values, labels} = valueTicks(y0, y1, s.bottom - s.top),
    py = (v: number) => s.bottom - ((v - y0) / (y1 - y0)) * (s.bottom - s.top),
    svg = layer(width, height, "display:block;");
  const grid = child(svg, "g", {
      "aria-label": "y-grid",
      "aria-hidden": "true",
      stroke: "currentColor",
      "stroke-opacity": 0.1,
      transform: `translate(0,${o})`,
    }),
    ticks = child(svg, "g", {
      "aria-label": "y-axis tick",
      "aria-hidden": "true",
      fill: "none",
      stroke: "currentColor",
      transform: `translate(0,${o})`,
    }),
    texts = child(svg, "g", {
      "aria-label": "y-axis tick label",
      "text-anchor": "end",
      "font-variant": "tabular-nums",
      transform: `translate(${o - 9},${o})`,
    });
  for (let i = 0; i < values.length; ++i) {
    const y = py(values[i]);
    child(grid, "line", {x1: s.left, x2: s.right, y1: y, y2: y});
    child(ticks, "path", {transform: `translate(${s.left},${y})`, d: "M0,0L-6,0"});
    labelText(texts, labels[i], s.left, y, "0.32em");
  }
  const dy = 3 - marginTop + o;
  if (label) {
    const g = child(svg, "g", {"aria-label": "y-axis label", "text-anchor": "start", transform: `translate(${3 - s.left + o},${dy})`});
    child(g, "text", {y: "0.71em", transform: `translate(${s.left},${s.top})`}).textContent = `↑ ${label}`;
  }
  if (right) {
    // No tick marks (tickSize 0), labels 3 px inside the frame, right-aligned, as asked of Plot before.
    const g = child(svg, "g", {
      "aria-label": "y-axis tick label",
      "text-anchor": "end",
      "font-variant": "tabular-nums",
      transform: `translate(${o - 3},${o})`,
    });
    for (let i = 0; i < right.ticks.length; ++i) labelText(g, right.labels[i] ?? "", s.right, py(right.ticks[i]), "0.32em");
    const l = child(svg, "g", {"aria-label": "y-axis label", "text-anchor": "end", transform: `translate(${marginRight - 3 + o},${dy})`});
    child(l, "text", {y: "0.71em", transform: `translate(${s.right},${s.top})`}).textContent = `${right.label} ↑`;
  }
  return svg;
}
