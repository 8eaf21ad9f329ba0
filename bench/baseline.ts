// The same-run baselines bench:notebook prints its figures against, so that runs on different machines
// compare as ratios: in the same headless Chromium, on a blank page,
//  - a bare Observable Plot line chart of 86,400 points (a one-day 1-second random walk, as the pair
//    report's series): Plot.plot → SVG in the document → the next frame, median of 5;
//  - a fixed CPU-bound loop (2·10^7 steps of an LCG and a square root), median of 5.
// Plot and d3 come from node_modules as their UMD bundles (the versions the notebook uses).
import {fileURLToPath} from "node:url";
import type {Browser} from "playwright-core";

export interface Baseline {
  /** Bare Plot line chart of 86,400 points, ms (median of 5). */
  plotMs: number;
  /** Fixed CPU-bound loop, ms (median of 5). */
  loopMs: number;
}

const modulePath = (path: string) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));

/** Measures both baselines on a new page of `browser`. */
export async function measureBaseline(browser: Browser): Promise<Baseline> {
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  await page.setContent("<!doctype html><body></body>");
  await page.addScriptTag({path: modulePath("d3/dist/d3.min.js")});
  await page.addScriptTag({path: modulePath("@observablehq/plot/dist/plot.umd.min.js")});
  // Strings, not functions: tsx would wrap named arrows in a helper the page does not have.
  const result = await page.evaluate<Baseline>(`(async () => {
    const n = 86400, time = new Float64Array(n), y = new Float64Array(n);
    let seed = 1, v = 0;
    for (let i = 0; i < n; ++i) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      v += seed / 2147483648 - 0.5;
      time[i] = 1763640000000 + 1000 * i;
      y[i] = v;
    }
    const median = (x) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const plot = [], loop = [];
    for (let run = 0; run < 5; ++run) {
      await frame();
      const t0 = performance.now();
      const svg = Plot.plot({width: 1300, height: 220, x: {type: "utc"}, marks: [Plot.lineY({length: n}, {x: time, y})]});
      document.body.replaceChildren(svg);
      await frame();
      plot.push(performance.now() - t0);
    }
    for (let run = 0; run < 5; ++run) {
      const t0 = performance.now();
      let s = 7, acc = 0;
      for (let i = 0; i < 2e7; ++i) {
        s = (s * 1664525 + 1013904223) >>> 0;
        acc += Math.sqrt(s);
      }
      loop.push(performance.now() - t0);
      if (acc < 0) throw new Error("unreachable");
    }
    return {plotMs: median(plot), loopMs: median(loop)};
  })()`);
  await page.close();
  return result;
}
