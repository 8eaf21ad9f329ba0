// CanvasChart's partial redraw (only the pixel columns from the first changed row) against a full
// redraw of the same updates, pixel for pixel, and its hand-written axes (chartAxes.ts) against the
// axes Plot.plot draws for the same domains, in headless Chromium: the built modules from dist/.
import {readdirSync} from "node:fs";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchBrowser, serveStatic} from "./harness.js";

let browser: Browser, site: {url: string; close: () => Promise<void>};
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

// Runs in the page (a string: the test runner's transforms must not reach into it). Two charts get the
// same updates, one with `from` (partial redraws), one without (every update redrawn whole); the
// canvases are compared after every update: appended rows, a replaced last row, a few rows redone,
// NaN holes, gap spans growing, trade marks, and values that leave the y axis.
const script = (url: string) => `(async () => {
  const {CanvasChart} = await import(${JSON.stringify(url)});
  const make = () => {
    const chart = new CanvasChart({height: 200});
    chart.element.style.width = "640px";
    document.body.append(chart.element);
    return chart;
  };
  const partial = make(), full = make();
  await new Promise((resolve) => setTimeout(resolve, 200));
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const N = 4000, x = new Float64Array(N), y = new Float64Array(N), m = new Float64Array(N), dd = new Float64Array(N);
  let v = 0, peak = 0;
  const fill = (i) => {
    x[i] = 1.7e12 + i * 1000;
    v += random() - 0.5;
    y[i] = i % 97 === 13 ? NaN : v;
    m[i] = i >= 20 ? 0.9 * m[i - 1] + 0.1 * v : NaN;
    peak = Math.max(peak, v);
    dd[i] = v - peak;
  };
  for (let i = 0; i < N; ++i) fill(i);
  const gaps = [{from: x[300], to: x[340]}];
  const dots = [];
  const data = (n) => {
    const time = x.subarray(0, n);
    return {
      yLabel: "value",
      layers: [
        {type: "spans", spans: gaps, fill: "#e8590c"},
        {type: "rule", y: 0, stroke: "#2a9d8f", dash: [4, 3]},
        {type: "area", x: time, y: dd.subarray(0, n), fill: "#d03050"},
        {type: "line", x: time, y: m.subarray(0, n), stroke: "#ff725c", opacity: 0.8},
        {type: "line", x: time, y: y.subarray(0, n), stroke: "#4269d0"},
        {type: "dots", dots: dots.filter((d) => d.x <= time[n - 1])}
      ]
    };
  };
  for (let i = 0; i < N; i += 17) dots.push({x: x[i], y: y[i] || 0, fill: i % 2 ? "#22a06b" : "#555", symbol: i % 2 ? "triangle" : "circle"});
  let n = 2500;
  partial.update(data(n));
  full.update(data(n));
  // The series' pixels: the chart paints them on its canvas's OffscreenCanvas, which the page cannot read.
  const pixels = (chart) => chart.pixels().data;
  const out = {updates: 0, differing: [], axes: new Set(), worst: 0, off: 0, painted: 0};
  for (let step = 0; step < 300 && n < N; ++step) {
    const r = random();
    let from = n;
    if (r < 0.15 && n > 10) {
      // Redo the last five rows (a late bar of one leg).
      from = n - 5;
      for (let i = from; i < n; ++i) (y[i] += 3 * (random() - 0.5)), (m[i] = 0.9 * m[i - 1] + 0.1 * (y[i] || 0));
    } else if (r < 0.4) {
      from = n - 1;
      y[from] += random() - 0.5;
    } else n += 1 + Math.floor(3 * random());
    if (step === 150) for (let i = n - 3; i < n; ++i) y[i] = 40; // out of the y axis: new axes
    // A gap run opening at the end and growing with the rows, as the alignment reports it.
    if (step === 100) gaps.push({from: x[from], to: x[from] + 1000});
    else if (step > 100 && step < 110) gaps[1].to = x[n - 1] + 1000;
    partial.update(data(n), {live: true, from});
    full.update(data(n), {live: true});
    out.updates++;
    out.axes.add(partial.element.querySelector("svg")?.outerHTML.length);
    // Premultiplied channels. Skia anti-aliases a path cut by the redraw's clip a little differently
    // (an edge pixel's coverage a few levels, rarely ~50 of 255, apart); what must not happen is a
    // missing or doubled stroke or mark, or a stale one: a pixel off by more than a quarter.
    const p = pixels(partial), f = pixels(full);
    let worst = 0, off = 0;
    for (let i = 0; i < p.length; i += 4) {
      let d = Math.abs(p[i + 3] - f[i + 3]);
      for (let c = 0; c < 3; ++c) d = Math.max(d, Math.abs(p[i + c] * p[i + 3] - f[i + c] * f[i + 3]) / 255);
      if (d > 0) ++off;
      worst = Math.max(worst, d);
    }
    out.worst = Math.max(out.worst, worst);
    out.painted = 0;
    for (let i = 3; i < f.length; i += 4) if (f[i] > 0) ++out.painted;
    out.off = Math.max(out.off, off);
    if (worst > 64) out.differing.push([step, from, n, off, Math.round(worst)]);
  }
  return {updates: out.updates, differing: out.differing.slice(0, 10), axes: out.axes.size, worst: out.worst, off: out.off, painted: out.painted, partial: Number(partial.element.getAttribute("data-partial")), full: Number(full.element.getAttribute("data-partial") ?? 0)};
})()`;

describe("CanvasChart.update(data, {live, from})", () => {
  it("redrawing only the columns from row `from` gives the pixels of a full redraw (up to anti-aliasing rounding)", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1000}});
    await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT?static`);
    await page.locator("#zscore-chart [data-drawn]").waitFor({timeout: 30_000});
    // The built module (the page itself loads it inside its bundle, scripts/bundlePages.js).
    const name = readdirSync("dist/_import/components").find((n) => /^canvasChart\.[^.]+\.js$/.test(n));
    expect(name).toBeTruthy();
    const url = `${site.url}/_import/components/${name}`;
    const result = await page.evaluate<{
      updates: number;
      differing: number[][];
      axes: number;
      partial: number;
      full: number;
      worst: number;
      off: number;
      painted: number;
    }>(script(url));
    console.log(`partial vs full redraw: at most ${result.off} pixels differ, by at most ${result.worst.toFixed(1)} of 255`);
    expect(result.updates).toBe(300);
    expect(result.painted).toBeGreaterThan(2000); // the pixels compared are the series' (not a blank canvas)
    expect(result.partial).toBeGreaterThan(250); // most updates were partial redraws (data-partial counts them)
    expect(result.full).toBe(0);
    expect(result.axes).toBeGreaterThan(1); // the y axis was redrawn on the way
    expect(result.differing).toEqual([]);
    expect(result.off).toBeLessThan(500); // of 640 × 200: edge pixels where a partial redraw began
    await page.close();
  });
});

// Runs in the page: for each chart size and pair of domains, Plot.plot's axes (as CanvasChart asked
// Plot for them before chartAxes.ts) and chartAxes' layers, each reduced to its labelled groups: the
// group's transform, and per text its position and lines.
const compareScript = (axesUrl: string, plotUrl: string) => `(async () => {
  const Plot = await import(${JSON.stringify(plotUrl)});
  const {xAxisLayer, yAxisLayer} = await import(${JSON.stringify(axesUrl)});
  const marginTop = 20, marginRight = 20, marginBottom = 30;
  const groups = (svgs) => {
    const out = {};
    for (const svg of svgs)
      for (const g of svg.querySelectorAll("[aria-label]")) {
        const name = g.getAttribute("aria-label");
        if (name === "frame") continue;
        const items = [...g.children].map((c) => [c.getAttribute("transform") ?? "", c.getAttribute("y1") ?? "", [...c.querySelectorAll("tspan")].map((t) => t.textContent).join("|") || c.textContent]);
        (out[name] ??= []).push({transform: g.getAttribute("transform"), anchor: g.getAttribute("text-anchor"), items});
      }
    return out;
  };
  const utc = Date.UTC, cases = [];
  const spans = [[utc(2026, 10, 20, 13, 5, 7), 30e3], [utc(2026, 10, 20, 11, 52), 7 * 60e3], [utc(2026, 10, 20, 10, 17), 2 * 3600e3],
    [utc(2026, 10, 20, 11, 40), 23.7 * 3600e3], [utc(2026, 10, 26, 5), 9 * 864e5], [utc(2026, 7, 3), 120 * 864e5], [utc(2021, 4, 1), 5 * 365 * 864e5]];
  const ys = [[-4.3, 4.1], [-1.05, 1.05], [56321.5, 62456.25], [0, 13.7], [0.00121, 0.00193], [-250, 230]];
  const sizes = [[424, 220, 60], [898, 240, 50], [1300, 160, 50], [600, 120, 64]];
  let k = 0;
  for (const [width, height, marginLeft] of sizes)
    for (const [t0, span] of spans) {
      const x = [t0, t0 + span], y = ys[k++ % ys.length], label = "price & <volume>";
      const right = k % 3 === 0 ? {ticks: [y[0] + 0.1 * (y[1] - y[0]), (y[0] + y[1]) / 2, y[1] - 0.05 * (y[1] - y[0])], labels: ["2,800", "2,900", "3,000"], label: "ETHUSDT price"} : undefined;
      const plot = Plot.plot({
        width, height, marginLeft, marginRight, marginTop, marginBottom,
        x: {type: "utc", domain: [new Date(x[0]), new Date(x[1])], label: null},
        y: {domain: y, label, grid: true},
        marks: [Plot.frame({strokeOpacity: 0}), ...(right ? [Plot.axisY({anchor: "left", label}), Plot.axisY(right.ticks, {anchor: "right", tickSize: 0, tickPadding: -3, textAnchor: "end", tickFormat: (_, i) => right.labels[i], label: right.label, labelAnchor: "top"})] : [])],
      });
      const left = marginLeft, r = width - marginRight, s = {left, right: r, top: marginTop, bottom: height - marginBottom, px: (t) => left + (t - x[0]) * (r - left) / (x[1] - x[0])};
      const ours = [yAxisLayer(s, y, label, right, width, height, marginTop, marginRight), xAxisLayer(s, x, width, height)];
      cases.push({name: width + "x" + height + " " + new Date(x[0]).toISOString() + "+" + span + " " + y.join("…") + (right ? " right" : ""), plot: groups([plot]), ours: groups(ours)});
    }
  return cases;
})()`;

/** The groups by name (in any order), numbers rounded to 1e-6 px (Plot and chartAxes compute positions in different orders). */
const rounded = (groups: object): string =>
  JSON.stringify(Object.entries(groups).sort(([a], [b]) => (a < b ? -1 : 1))).replace(/-?\d+\.\d+(e-?\d+)?/g, (n) =>
    String(Math.round(Number(n) * 1e6) / 1e6),
  );

describe("xAxisLayer, yAxisLayer", () => {
  it("draw the ticks, labels, grid and axis labels Plot.plot draws for the same domains", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1000}});
    await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT?static`);
    const axes = readdirSync("dist/_import/components").find((n) => /^chartAxes\.[^.]+\.js$/.test(n));
    const folder = readdirSync("dist/_node/@observablehq").find((n) => n.startsWith("plot@")),
      plot = folder && `${folder}/${readdirSync(`dist/_node/@observablehq/${folder}`).find((n) => /^index\.[^.]+\.js$/.test(n))}`;
    expect(axes && plot).toBeTruthy();
    const cases = await page.evaluate<{name: string; plot: object; ours: object}[]>(
      compareScript(`${site.url}/_import/components/${axes}`, `${site.url}/_node/@observablehq/${plot}`),
    );
    expect(cases.length).toBe(28);
    for (const c of cases) expect(rounded(c.ours), c.name).toBe(rounded(c.plot));
    await page.close();
  });
});
