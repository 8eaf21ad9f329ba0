// npm run bench:notebook [-- --skip-build] [--lake DIR] [--out DIR]
// The notebook at full size in headless Chromium: a one-day lake of 5 symbols (4 spot and usdm:BTCUSDT;
// simulator Market, 1-second trading, ~5 trades/s each, written by scripts/make-test-lake.ts), built with
// `npm run build`'s launcher into bench/.dist (10 pair reports), then on the BTCUSDT/ETHUSDT report (86,400 × 2 bars):
//  - page interactive: navigation → KPIs and every chart drawn; and → the full report (tests, hedges);
//  - slider → every chart updated (z window moves; spread, z-score, correlation and equity charts redrawn);
//  - hover: pointer move → the frame with the crosshair and tooltip (median, p99 and max over 200 moves);
//    zoom: brush end → all five charts redrawn at the new zoom (median and p99 over 50);
//  - live bar → chart: a fake live hub sends 20 bars/s (both legs); latency from send to the z-score
//    chart showing that bar, p50/p99, over 40 s of bars sent once the full report is there (the page
//    refits the statistics every 30 s from its load, so a refit falls in the 40 s), and the longest
//    main-thread task (PerformanceObserver "longtask") in those 40 s: the refit's, unless a frame's was longer.
//    The hub starts when the page connects, so bars also arrive while the page still loads; those after
//    the first 20 are reported on their own. The observer is installed before the page loads
//    (installed after, it timed those bars by its own start).
// Beside each figure, its ratio to two same-run baselines (./baseline.ts: a bare Plot line chart of
// 86,400 points, a fixed CPU-bound loop), so figures from different machines compare.
import {measureBaseline} from "./baseline.js";
import {startWalkFeed} from "./liveWireBars.js";
import {execFileSync, spawnSync} from "node:child_process";
import {existsSync, rmSync} from "node:fs";
import {cpus, loadavg} from "node:os";
import {datasetDir} from "../lake/layout.js";
import {launchBrowser, serveStatic} from "../test/browser/harness.js";

const args = process.argv.slice(2);
const lake = args.includes("--lake") ? args[args.indexOf("--lake") + 1] : "/tmp/pairbook-bench/lake";
const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : "/tmp/pairbook-bench/dist";
const startMs = Date.UTC(2026, 10, 20, 12, 0, 0),
  endMs = startMs + 86_400_000;
const rows: {what: string; value: string; target: string; ms?: number}[] = [];
/** A row of the table; `ms`: the figure the target is about, for the ratios to the baselines. */
const add = (what: string, value: string, target: string, ms?: number) => rows.push({what, value, target, ms});

if (!existsSync(datasetDir(lake))) {
  const t = performance.now();
  execFileSync("node_modules/.bin/tsx", ["scripts/make-test-lake.ts", lake, "1440", "5"], {stdio: "inherit"});
  console.log(`bench: lake written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
if (!args.includes("--skip-build") || !existsSync(out)) {
  rmSync(out, {recursive: true, force: true}); // Framework clears only an output inside the project
  const t = performance.now();
  const r = spawnSync("node", ["scripts/observable.js", "build"], {
    env: {...process.env, PAIRBOOK_LAKE: lake, PAIRBOOK_DIST: out, PAIRBOOK_LIVE_URL: "ws://127.0.0.1:8787"},
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (r.status !== 0) throw new Error("build failed");
  const ms = performance.now() - t;
  add("build (6 reports, 4 symbols × 1 day, ~1.7 M trades)", `${(ms / 1000).toFixed(1)} s`, "—", ms);
  execFileSync("node", ["scripts/check-dist.js", out], {stdio: "inherit"});
}

const site = await serveStatic(out);
const browser = await launchBrowser();
const base = await measureBaseline(browser);
add("baseline: bare Plot line chart, 86,400 points", `${base.plotMs.toFixed(0)} ms`, "—", base.plotMs);
add("baseline: fixed CPU loop (2·10^7 steps)", `${base.loopMs.toFixed(0)} ms`, "—", base.loopMs);
const report = `${site.url}/pairs/BTCUSDT-ETHUSDT`;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const pct = (x: number[], p: number) => [...x].sort((a, b) => a - b)[Math.min(x.length - 1, Math.ceil((p / 100) * x.length) - 1)];

// 1. Interactive: three cold loads.
const ready: number[] = [],
  full: number[] = [];
for (let run = 0; run < 3; ++run) {
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  await page.goto(`${report}?static`);
  await page.waitForFunction(
    () =>
      ["prices-chart", "spread-chart", "zscore-chart", "correlation-chart", "equity-chart"].every((id) =>
        document.querySelector(`#${id} svg`),
      ) && document.querySelector("#zscore-last")?.getAttribute("data-value") !== "NaN",
    null,
    {timeout: 60_000, polling: "raf"},
  );
  ready.push(await page.evaluate(() => performance.now()));
  await page.locator("#hedge-table").waitFor({timeout: 60_000});
  full.push(await page.evaluate(() => performance.now()));
  const bars = await page.locator("#bar-count").textContent();
  if (run === 0) console.log(`bench: pair report shows ${bars} bars`);
  await page.close();
}
add("interactive: KPIs + all charts (86,400 × 2), median of 3", `${median(ready).toFixed(0)} ms`, "< 1500 ms", median(ready));
add("full report incl. fit and hedge table, median of 3", `${median(full).toFixed(0)} ms`, "—", median(full));

// 2. Slider → every chart updated (after the page settled).
{
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  await page.goto(`${report}?static`);
  await page.locator("#hedge-table").waitFor({timeout: 60_000});
  await page.waitForTimeout(500);
  const times: number[] = [];
  for (const w of [120, 61, 300, 90, 600, 75, 240, 150, 400, 100, 180, 60]) {
    // A string, not a function: tsx would wrap named arrows in a helper the page does not have.
    times.push(
      await page.evaluate<number>(`(async () => {
      const ids = ["spread-chart", "zscore-chart", "correlation-chart", "equity-chart"];
      // Each chart counts its draws (data-drawn: axes and canvas redrawn, src/components/canvasChart.ts).
      const drawn = (id) => document.querySelector("#" + id + " [data-drawn]")?.getAttribute("data-drawn");
      const before = ids.map(drawn);
      const input = [...document.querySelectorAll("form")].find((f) => f.textContent.includes("z window")).querySelector("input[type=range]");
      const t0 = performance.now();
      input.value = "${w}";
      input.dispatchEvent(new Event("input", {bubbles: true}));
      await new Promise((resolve) => {
        const check = () => (ids.every((id, i) => drawn(id) !== before[i]) ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t0;
    })()`),
    );
  }
  add(
    "slider (z window) → 4 charts redrawn, median of 12",
    `${median(times).toFixed(0)} ms (max ${Math.max(...times).toFixed(0)})`,
    "< 50 ms median",
    median(times),
  );
  add("  the 12 moves in order (ms; the first run code the page has not yet optimised)", times.map((t) => t.toFixed(0)).join(" "), "—");
  await page.close();
}

// 2a. Hedge select → the spread, z-score and equity charts redrawn under a dynamic hedge (issue #15):
// Kalman and rolling OLS alternate, β computed bar by bar over all 86,400 rows in the page.
{
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  await page.goto(`${report}?static`);
  await page.locator("#hedge-table").waitFor({timeout: 60_000});
  await page.waitForTimeout(500);
  const times: number[] = [];
  for (let k = 0; k < 12; ++k)
    times.push(
      await page.evaluate<number>(`(async () => {
      const ids = ["spread-chart", "zscore-chart", "equity-chart"];
      const drawn = (id) => document.querySelector("#" + id + " [data-drawn]")?.getAttribute("data-drawn");
      const before = ids.map(drawn);
      const select = [...document.querySelectorAll("form")].find((f) => f.textContent.includes("hedge method")).querySelector("select");
      const t0 = performance.now();
      select.value = String([...select.options].findIndex((o) => o.textContent === "${k % 2 ? "rolling-ols" : "kalman"}"));
      select.dispatchEvent(new Event("input", {bubbles: true}));
      await new Promise((resolve) => {
        const check = () => (ids.every((id, i) => drawn(id) !== before[i]) ? resolve() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - t0;
    })()`),
    );
  add(
    "hedge select (Kalman ⇄ rolling OLS) → 3 charts redrawn, median of 12",
    `${median(times).toFixed(0)} ms (max ${Math.max(...times).toFixed(0)})`,
    "< 50 ms median",
    median(times),
  );
  add("  the 12 switches in order (ms)", times.map((t) => t.toFixed(0)).join(" "), "—");
  await page.close();
}

// 2b. Hover and zoom (src/components/crosshair.ts, chartZoom.ts), real mouse events on the z-score chart:
// pointer move → the next frame (the crosshair and tooltip are drawn in the move's handler, so that frame
// shows them), and brush end → the frame after all five charts were redrawn at the new zoom.
{
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  await page.goto(`${report}?static`);
  await page.locator("#hedge-table").waitFor({timeout: 60_000});
  await page.waitForTimeout(500);
  const plot = page.locator("#zscore-chart .pb-chart-plot");
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!,
    y = box.y + box.height / 2;
  await page.evaluate(`(() => {
    const ids = ["prices-chart", "spread-chart", "zscore-chart", "correlation-chart", "equity-chart"];
    const drawn = (id) => document.querySelector("#" + id + " [data-drawn]")?.getAttribute("data-drawn");
    window.lat = {hover: [], input: [], zoom: [], brushing: false, hovering: true};
    // Capturing listeners on window run before the charts' own handlers.
    addEventListener("pointermove", (e) => {
      // Hover moves only: not the zoom loop's (a move before each brush, the double-click's), whose
      // frames carry the redraw of all five charts.
      if (e.buttons || !window.lat.hovering) return;
      // From the handlers' start, and from the input's own time (Chromium delivers pointer moves at
      // the start of a frame, so the latter adds the wait for that frame: up to one frame more).
      const t0 = performance.now(), input = e.timeStamp;
      requestAnimationFrame(() => (window.lat.hover.push(performance.now() - t0), window.lat.input.push(performance.now() - input)));
    }, {capture: true});
    addEventListener("pointerup", () => {
      if (!window.lat.brushing) return;
      const t0 = performance.now(), before = ids.map(drawn);
      const check = () => (ids.every((id, i) => drawn(id) !== before[i]) ? window.lat.zoom.push(performance.now() - t0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }, {capture: true});
  })()`);
  const frame = () => page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
  // 200 moves, so that p99 is not simply the slowest one (a lone GC or a scheduler hiccup).
  for (let i = 0; i < 200; ++i) {
    await page.mouse.move(box.x + box.width * (0.15 + (0.7 * i) / 199), y);
    await frame();
  }
  await page.evaluate("window.lat.hovering = false");
  for (let i = 0; i < 50; ++i) {
    const x = box.x + box.width * (0.15 + (0.5 * i) / 49);
    await page.evaluate("window.lat.brushing = true");
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + box.width * 0.2, y, {steps: 2});
    await page.mouse.up();
    await frame();
    await page.evaluate("window.lat.brushing = false");
    await page.mouse.dblclick(x, y);
    await frame();
  }
  const lat = await page.evaluate<{hover: number[]; input: number[]; zoom: number[]}>("window.lat");
  add(
    `hover: pointer move → crosshair + tooltip frame, ${lat.hover.length} moves`,
    `median ${median(lat.hover).toFixed(1)} ms, p99 ${pct(lat.hover, 99).toFixed(1)} ms, max ${Math.max(...lat.hover).toFixed(1)} ms`,
    "p99 ≤ 17 ms (a frame)",
    pct(lat.hover, 99),
  );
  add(
    "  the same from the input's timestamp (incl. the wait for the frame)",
    `median ${median(lat.input).toFixed(1)} ms, p99 ${pct(lat.input, 99).toFixed(1)} ms`,
    "—",
  );
  add(
    `zoom: brush end → 5 charts redrawn, ${lat.zoom.length} brushes`,
    `median ${median(lat.zoom).toFixed(0)} ms, p99 ${pct(lat.zoom, 99).toFixed(0)} ms`,
    "< 50 ms median",
    median(lat.zoom),
  );
  await page.close();
}

// 3. Live bar → chart at 20 bars/s from a fake live hub continuing the lake's last bucket, for long
// enough that the page's refit (every 30 s from its load) falls in the window.
{
  const liveSeconds = 40;
  const sent = new Map<number, number>();
  const feed = await startWalkFeed(endMs, (k) => sent.set(k, Date.now()));
  const port = feed.port;
  const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
  // Watching from the start, so bars that arrive while the page loads are timed when they are shown.
  await page.addInitScript(`(() => {
    window.seen = [];
    new MutationObserver(() => {
      // The z-score card carries the number of live buckets its canvas shows (set right after drawing).
      const n = Number(document.querySelector("#zscore-chart")?.getAttribute("data-live"));
      if (n > (window.seen.at(-1)?.[1] ?? -1)) window.seen.push([Date.now(), n]);
    }).observe(document, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-live"]});
    // Main-thread tasks over 50 ms, as [end (ms since the epoch), duration].
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push([performance.timeOrigin + e.startTime + e.duration, e.duration]);
    }).observe({type: "longtask", buffered: true});
  })()`);
  await page.goto(`${report}?live=ws://127.0.0.1:${port}`);
  await page.locator("#hedge-table").waitFor({timeout: 60_000});
  const readyAt = Date.now();
  await page.waitForTimeout(liveSeconds * 1000);
  await feed.close();
  const seen = await page.evaluate<[number, number][]>("window.seen");
  const long = (await page.evaluate<[number, number][]>("window.longTasks")).filter(([end]) => end >= readyAt).map(([, d]) => d);
  const latency: number[] = [],
    loading: number[] = [];
  for (const [k, t] of sent) {
    const hit = seen.find(([, n]) => n >= k);
    if (hit && k > 20) (t >= readyAt ? latency : loading).push(hit[0] - t);
  }
  add(
    `live bar → z-score chart, 20 bars/s, ${liveSeconds} s (${latency.length} bars)`,
    `p50 ${pct(latency, 50).toFixed(0)} ms, p99 ${pct(latency, 99).toFixed(0)} ms`,
    "p99 < 50 ms",
    pct(latency, 99),
  );
  add(
    `longest main-thread task in those ${liveSeconds} s (a 30 s refit among them; ${long.length} over 50 ms)`,
    `${long.length ? Math.max(...long).toFixed(0) : "< 50"} ms`,
    "< 50 ms",
    long.length ? Math.max(...long) : undefined,
  );
  if (loading.length)
    add(
      `  bars sent while the page was still loading (${loading.length}, not counted above)`,
      `p50 ${pct(loading, 50).toFixed(0)} ms, max ${Math.max(...loading).toFixed(0)} ms`,
      "—",
    );
  await page.close();
}

await browser.close();
await site.close();
// Ratios: the figure the target is about over each baseline (×plot: the Plot line chart, ×loop: the loop).
const ratio = (ms: number | undefined, to: number) => (ms === undefined ? "" : (ms / to).toFixed(ms < to ? 2 : 1));
const table = [
  ["metric", "value", "target", "×plot", "×loop"],
  ...rows.map((r) => [r.what, r.value, r.target, ratio(r.ms, base.plotMs), ratio(r.ms, base.loopMs)]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
const line = (r: string[]) =>
  r
    .map((c, i) => c.padEnd(widths[i]))
    .join("  ")
    .trimEnd();
console.log([line(table[0]), widths.map((w) => "-".repeat(w)).join("  "), ...table.slice(1).map(line)].join("\n"));
console.log(
  `\n×plot, ×loop: the figure the target is about (median, or p99) over the same run's baselines.` +
    `\nnode ${process.version}; headless Chromium; lake ${lake}; site ${out}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (${cpus().length} cores)`,
);
