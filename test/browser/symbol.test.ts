// The symbol page (src/symbols/[symbol].md) in headless Chromium on the deterministic test lake (npm run
// test:build): every indicator at every interval the page offers, its controls kept in the URL across a
// reload, and live bars from a recorder.
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";
import {startLiveRig} from "./live.js";

let browser: Browser, site: {url: string; close: () => Promise<void>};
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const indicators = ["candles", "bollinger", "volume", "rsi", "macd", "imbalance", "volatility", "hurst"];
const bars = async (page: Page) => Number(await page.locator("#symbol-kpis").getAttribute("data-bars"));

async function open(page: Page, query = "?static") {
  await page.goto(`${site.url}/symbols/BTCUSDT${query}`);
  await page.locator("#hurst-chart .pb-canvas-chart[data-drawn]").waitFor({timeout: 30_000});
}

describe("symbol page", () => {
  it("renders every indicator for every interval it offers, without error cells or console errors", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await open(page);
    // At idle the page runs a pointer move's path once, unseen (crosshair.ts `warm`): the tooltip's rows
    // are built (the first real move builds none), and nothing is shown.
    await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
    expect(await page.locator(".pb-tooltip").textContent({timeout: 5000})).toContain("RSI");
    expect(await page.locator(".pb-tooltip").isVisible()).toBe(false);
    const select = page.locator("#controls select");
    const intervals = await select.locator("option").allTextContents();
    expect(intervals).toEqual(["1s", "1m", "5m", "15m", "1h"]);
    let previous = -1;
    for (const interval of intervals) {
      await select.selectOption(interval);
      // The 45-minute test lake gives a different number of bars at each interval.
      await expect.poll(() => bars(page)).not.toBe(previous);
      const n = (previous = await bars(page));
      for (const id of indicators) {
        const card = page.locator(`#${id}-chart`);
        expect(await card.locator(".pb-canvas-chart").getAttribute("data-drawn"), `${id} at ${interval}`).toBeTruthy();
        const last = Number(await card.getAttribute("data-last")),
          note = card.locator(".pb-notice");
        if (Number.isFinite(last)) expect(await note.isVisible(), `${id} at ${interval}`).toBe(false);
        else {
          // Undefined only for want of bars: the note names a window the bars shown do not exceed.
          const said = (await note.textContent())!.match(/needs more than (\d+) bars at this interval \((\d+) shown\)/);
          expect(said, `${id} at ${interval}`).not.toBeNull();
          expect(Number(said![2])).toBe(n);
          expect(n, `${id} at ${interval}`).toBeLessThanOrEqual(Number(said![1]));
        }
      }
      if (interval === "1s") {
        // 2,700 one-second bars exceed every default window: each indicator has a value.
        expect(n).toBeGreaterThan(2000);
        for (const id of indicators) expect(Number(await page.locator(`#${id}-chart`).getAttribute("data-last")), id).not.toBeNaN();
        expect(["low", "normal", "high"]).toContain(await page.locator("#volatility-chart").getAttribute("data-regime"));
      }
    }
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("keeps a control's change in the URL and restores it on reload", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await open(page);
    const rsiTitle = () => page.locator("#rsi-chart h2").textContent();
    expect(await rsiTitle()).toContain("RSI (14 bars");
    const before = await page.locator("#rsi-chart").getAttribute("data-last");
    await setRange(page, "RSI period", 21);
    await expect.poll(() => new URL(page.url()).searchParams.get("rsi")).toBe("21");
    await expect.poll(rsiTitle).toContain("RSI (21 bars");
    expect(await page.locator("#rsi-chart").getAttribute("data-last")).not.toBe(before);
    await page.locator("#controls select").selectOption("1m");
    await expect.poll(() => new URL(page.url()).searchParams.get("interval")).toBe("1m");
    await page.reload();
    await page.locator("#hurst-chart .pb-canvas-chart[data-drawn]").waitFor({timeout: 30_000});
    await expect.poll(rsiTitle).toContain("RSI (21 bars");
    expect(await page.locator("form", {hasText: "RSI period"}).locator("input[type=range]").inputValue()).toBe("21");
    expect(await page.locator("#controls select option:checked").textContent()).toBe("1m");
    expect(await bars(page)).toBe(45);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("goes live and appends the recorder's bars to the charts", async () => {
    const rig = await startLiveRig();
    try {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      // The test lake ended days before the rig's trades start: a 30-minute lookback keeps the view to the
      // live bars rather than a million empty one-second buckets (recomputed whole on every redraw).
      await open(page, `?live=${rig.liveUrl}&lookback=30`);
      await expect.poll(() => page.locator("#live-status").getAttribute("data-state"), {timeout: 15_000}).toBe("live");
      // The first live bars move the 30-minute view off the file's bars (1,800 of them) onto the live ones…
      await expect.poll(() => bars(page), {timeout: 15_000}).toBeLessThan(1800);
      const first = await bars(page),
        drawn = Number(await page.locator("#rsi-chart .pb-canvas-chart").getAttribute("data-drawn"));
      // …and every later one adds a bar and redraws the charts.
      await expect.poll(() => bars(page), {timeout: 15_000}).toBeGreaterThan(first);
      expect(Number(await page.locator("#rsi-chart .pb-canvas-chart").getAttribute("data-drawn"))).toBeGreaterThan(drawn);
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await rig.close();
    }
  }, 90_000);
});
