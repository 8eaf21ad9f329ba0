// The pair report's crosshair and zoom (src/components/crosshair.ts, chartZoom.ts) in headless
// Chromium, on the deterministic test lake (npm run test:build). The expected values are computed here
// from the page's own bars (its CSV download) with the batch functions of src/lib, not read from the
// tooltip code.
import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {rollingCorrelation} from "../../src/lib/correlation.js";
import {ols} from "../../src/lib/ols.js";
import {rollingMean, rollingZScore} from "../../src/lib/rolling.js";
import {returns} from "../../src/lib/stream/pairSeries.js";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";

let browser: Browser, site: {url: string; close: () => Promise<void>};
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const report = "/pairs/BTCUSDT-ETHUSDT";
const charts = ["prices-chart", "spread-chart", "zscore-chart", "correlation-chart", "equity-chart"];

async function open(page: Page, query = "?static") {
  await page.goto(`${site.url}${report}${query}`);
  await page.locator("#hedge-table").waitFor({timeout: 30_000});
  // Drawn with the backtest (the equity chart has a series once the hedge is fitted).
  await expect.poll(() => page.locator("#equity-chart .pb-canvas-chart").getAttribute("data-drawn")).toBeTruthy();
}

/** The page's bars (time, a, b) from its CSV download, and every series the charts draw, computed here. */
async function expected(page: Page) {
  const download = page.waitForEvent("download");
  await page.locator("#download-closes").click();
  const dir = await mkdtemp(join(tmpdir(), "pairbook-hover-"));
  const csv = join(dir, "bars.csv");
  await (await download).saveAs(csv);
  const rows = (await readFile(csv, "utf8"))
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
  await rm(dir, {recursive: true, force: true});
  const time = rows.map((r) => r[0]),
    a = rows.map((r) => r[1]),
    b = rows.map((r) => r[2]);
  // The page's defaults: OLS hedge, window 60, entry 2, exit 0, lag 1, no fees.
  const {alpha, beta} = ols(a, b);
  const spread = a.map((v, i) => v - beta * b[i] - alpha);
  const z = rollingZScore(spread, 60);
  const bt = backtest(a, b, z, {beta, entry: 2, exit: 0, lag: 1, feeBps: 0});
  const series: Record<string, ArrayLike<number>> = {
    a,
    b,
    spread,
    mean: rollingMean(spread, 60),
    z,
    correlation: rollingCorrelation(returns(a), returns(b), 60),
    equity: bt.equity,
    drawdown: bt.drawdown,
  };
  return {time, series, trades: bt.tradeList};
}

/** The tooltip's time, row and values (data-key → data-value). */
async function tooltip(page: Page) {
  const tip = page.locator(".pb-tooltip");
  await expect.poll(() => tip.isVisible()).toBe(true);
  const values = await tip
    .locator("tr")
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-key")!, Number(tr.getAttribute("data-value"))] as const));
  return {
    time: Number(await tip.getAttribute("data-time")),
    row: Number(await tip.getAttribute("data-row")),
    values: new Map(values),
    text: (await tip.textContent())!,
  };
}

function checkValues(tip: Awaited<ReturnType<typeof tooltip>>, want: Awaited<ReturnType<typeof expected>>, where: string) {
  const row = want.time.indexOf(tip.time);
  expect(row, `${where}: a bar at the tooltip's time`).toBeGreaterThanOrEqual(0);
  expect(tip.row, where).toBe(row);
  expect(tip.text).toContain(`${new Date(tip.time).toISOString().slice(0, 19).replace("T", " ")} UTC`);
  // The legs' candle values (keys "a.open", …) are checked in candles.test.ts.
  expect([...tip.values.keys()].filter((k) => !k.includes(".")).sort()).toEqual(Object.keys(want.series).sort());
  for (const [key, s] of Object.entries(want.series)) {
    const got = tip.values.get(key)!,
      exp = s[row];
    if (Number.isNaN(exp)) expect(got, `${where} ${key}`).toBeNaN();
    else
      expect(Math.abs(got - exp), `${where} ${key} at row ${row}: ${got} vs ${exp}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(exp)));
  }
  return row;
}

const domain = async (page: Page, id: string) =>
  (await page.locator(`#${id} .pb-canvas-chart`).getAttribute("data-x-domain"))!.split(",").map(Number);
const holder = (page: Page, id: string) => page.locator(`#${id} .pb-chart-plot`);
/** A chart's plot box, scrolled into view first (the download button's click scrolls the page). */
async function boxOf(page: Page, id: string) {
  await holder(page, id).scrollIntoViewIfNeeded();
  return (await holder(page, id).boundingBox())!;
}

describe("pair report: crosshair and zoom", () => {
  it("hovering any time chart shows every series' value at that bar; ←/→ move a bar, Esc hides", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}, acceptDownloads: true});
    const errors = collectErrors(page);
    await open(page);
    // At idle the page runs a pointer move's path once and hides it again (crosshair.ts `warm`): after
    // the idle callbacks queued so far, no tooltip is shown and every chart's overlay (its last canvas) is blank.
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
    expect(await page.locator(".pb-tooltip").isVisible()).toBe(false);
    const inked = await page.locator(".pb-chart-plot").evaluateAll((holders) =>
      holders.map((h) => {
        const overlay = [...h.querySelectorAll("canvas")].at(-1)!,
          pixels = overlay.getContext("2d")!.getImageData(0, 0, overlay.width, overlay.height).data;
        return pixels.some((v) => v !== 0);
      }),
    );
    expect(inked.length).toBeGreaterThanOrEqual(charts.length);
    expect(inked.filter(Boolean).length, "overlays with a crosshair drawn before any move").toBe(0);
    const want = await expected(page);
    const rows: number[] = [];
    for (const [i, id] of charts.entries()) {
      const box = await boxOf(page, id);
      await page.mouse.move(box.x + box.width * (0.3 + 0.1 * i), box.y + box.height / 2);
      const tip = await tooltip(page);
      rows.push(checkValues(tip, want, id));
      // The tooltip sits in the chart pointed at.
      expect(await page.locator(`#${id} .pb-tooltip`).count(), id).toBe(1);
    }
    // Further right, a later bar.
    expect(rows).toEqual([...rows].sort((x, y) => x - y));
    expect(new Set(rows).size).toBe(rows.length);
    // The keyboard: from the bar shown, → one bar, Shift+→ ten, ← one back; Esc hides.
    const z = holder(page, "zscore-chart");
    await z.focus();
    const start = (await tooltip(page)).row;
    await page.keyboard.press("ArrowRight");
    await expect.poll(async () => (await tooltip(page)).row).toBe(start + 1);
    checkValues(await tooltip(page), want, "ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(async () => (await tooltip(page)).row).toBe(start + 10);
    // To the first trade's entry bar: the tooltip names it.
    const entry = want.trades[0].entryBar;
    expect(entry, "a trade in the test lake").toBeGreaterThan(0);
    let at = start + 10;
    for (; Math.abs(entry - at) >= 10; at += Math.sign(entry - at) * 10)
      await page.keyboard.press(entry > at ? "Shift+ArrowRight" : "Shift+ArrowLeft");
    for (; at !== entry; at += Math.sign(entry - at)) await page.keyboard.press(entry > at ? "ArrowRight" : "ArrowLeft");
    await expect.poll(async () => (await tooltip(page)).row).toBe(entry);
    expect((await tooltip(page)).text).toContain(want.trades[0].side > 0 ? "long entry" : "short entry");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".pb-tooltip").isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a chart off screen draws the crosshair only once it scrolls into view, at the bar shown", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 700}});
    const errors = collectErrors(page);
    await open(page);
    // The overlay's inked pixel columns, in CSS px from the plot's left edge.
    const inked = (id: string) =>
      holder(page, id).evaluate((h) => {
        const o = [...h.querySelectorAll("canvas")].at(-1)!,
          d = o.getContext("2d")!.getImageData(0, 0, o.width, o.height).data,
          columns = new Set<number>();
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) columns.add(Math.round(((i - 3) / 4) % o.width) / (o.width / o.clientWidth));
        return [...columns];
      });
    // The keyboard shows the crosshair (a pointer would leave the chart as the page scrolls).
    await holder(page, "prices-chart").evaluate((el) => el.scrollIntoView({block: "start"}));
    await holder(page, "prices-chart").focus();
    await page.keyboard.press("ArrowLeft");
    const tip = await tooltip(page);
    expect((await inked("prices-chart")).length).toBeGreaterThan(0);
    expect(await inked("equity-chart"), "the overlay of a chart below the viewport").toEqual([]);
    await holder(page, "equity-chart").evaluate((el) => el.scrollIntoView({block: "center"}));
    await expect.poll(async () => (await inked("equity-chart")).length).toBeGreaterThan(0);
    // At the tooltip's bar: the equity chart's time axis maps the line's column back to that time.
    const [from, to] = await domain(page, "equity-chart"),
      box = (await holder(page, "equity-chart").boundingBox())!;
    const column = (await inked("equity-chart"))[0],
      perPx = (to - from) / (box.width - 60 - 20); // the equity chart's margins: 60 px left, 20 px right
    expect(Math.abs(from + (column - 60) * perPx - tip.time)).toBeLessThanOrEqual(2 * perPx);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("brushing zooms every chart alike and writes ?zoom; reloading restores it; double-click resets", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}, acceptDownloads: true});
    const errors = collectErrors(page);
    await open(page);
    const full = await domain(page, "prices-chart");
    for (const id of charts) expect(await domain(page, id), id).toEqual(full);
    let box = await boxOf(page, "spread-chart");
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, {steps: 5});
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, {steps: 5});
    await page.mouse.up();
    await expect.poll(() => page.url()).toMatch(/[?&]zoom=\d+-\d+$/);
    const url = new URL(page.url());
    expect(url.search.startsWith("?static&")).toBe(true);
    const [from, to] = url.searchParams.get("zoom")!.split("-").map(Number);
    const zoomed = await domain(page, "prices-chart");
    for (const id of charts) expect(await domain(page, id), id).toEqual(zoomed);
    expect(zoomed[0]).toBeGreaterThan(full[0]);
    expect(zoomed[1]).toBeLessThan(full[1]);
    expect(Math.abs(zoomed[0] - from)).toBeLessThanOrEqual(1);
    expect(Math.abs(zoomed[1] - to)).toBeLessThanOrEqual(1);
    // Roughly the brushed fifth... of the plot (between 30% and 60% of the chart's box).
    expect((to - from) / (full[1] - full[0])).toBeGreaterThan(0.2);
    expect((to - from) / (full[1] - full[0])).toBeLessThan(0.45);
    // The drag brushed; it selected no text (the axes' labels under the pointer).
    expect(await page.evaluate(() => getSelection()?.toString() ?? "")).toBe("");
    // Hover still reads the right bar when zoomed.
    const want = await expected(page);
    // The charts at the top of the viewport, for the screenshot (a full-page one resizes the page under the pointer).
    await page.locator("#prices-chart").evaluate((el) => el.scrollIntoView({block: "start"}));
    box = (await holder(page, "spread-chart").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    const tip = await tooltip(page);
    checkValues(tip, want, "zoomed");
    expect(tip.time).toBeGreaterThanOrEqual(from);
    expect(tip.time).toBeLessThanOrEqual(to);
    await page.screenshot({path: "/tmp/notes/hover.png"});

    // A fresh page at that URL shows the same zoom.
    const again = await browser.newPage({viewport: {width: 1300, height: 1600}});
    await open(again, url.search);
    for (const id of charts) expect(await domain(again, id), id).toEqual([from, to]);
    expect(await again.locator("#zoom-notice").count()).toBe(0);
    await again.close();

    // Shift-drag pans: every chart moves by the same time, the span stays, the URL follows.
    await page.keyboard.down("Shift");
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, {steps: 3});
    await page.mouse.up();
    await page.keyboard.up("Shift");
    await expect.poll(async () => (await domain(page, "prices-chart"))[0]).toBeLessThan(from);
    const panned = await domain(page, "prices-chart");
    for (const id of charts) expect(await domain(page, id), id).toEqual(panned);
    expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], 3);
    expect(new URL(page.url()).searchParams.get("zoom")).toBe(`${Math.round(panned[0])}-${Math.round(panned[1])}`);

    // Double-click: every chart shows all bars again and the zoom leaves the URL (static stays as written).
    await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height / 2);
    await expect.poll(() => domain(page, "prices-chart")).toEqual(full);
    for (const id of charts) expect(await domain(page, id), id).toEqual(full);
    expect(new URL(page.url()).search).toBe("?static");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a malformed zoom in the URL is ignored with a visible notice", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    await open(page, "?static&zoom=abc");
    expect(await page.locator("#zoom-notice").textContent()).toContain("Ignored zoom=abc");
    const full = await domain(page, "prices-chart");
    expect(full[1] - full[0]).toBeGreaterThan(40 * 60e3); // all 45 minutes of bars
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    await page.close();
  });
});
