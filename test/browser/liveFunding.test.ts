// Funding settled while the basis report is open (npm run test:build: the test lake's usdm:BTCUSDT has a
// funding every 5 minutes): a live feed (a LiveHub, as the recorder runs it) sends settled records of
// every stored funding time at twice the rate; without a reload, the next refit charges them, and the
// backtest's funding paid doubles (position × mark × rate at each funding time).
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {readFunding} from "../../lake/funding.js";
import {LiveHub} from "../../recorder/liveHub.js";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";

let browser: Browser, site: {url: string; close: () => Promise<void>}, hub: LiveHub;
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
  hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["BTCUSDT", "usdm:BTCUSDT"], health: () => ({})});
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await hub?.close();
});

describe("funding on the live feed, on the pair page", () => {
  it("settled rates sent while the basis report is open are charged at the next refit, no reload", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/pairs/BTCUSDT-usdm_BTCUSDT?live=ws://127.0.0.1:${hub.port}`);
    const paid = () => page.locator("#backtest-stats #bs-funding-paid").getAttribute("data-value").then(Number);
    await page.locator("#backtest-stats #bs-funding-paid").waitFor({timeout: 30_000});
    const before = await paid();
    expect(Number.isFinite(before) && before !== 0, `funding paid ${before}`).toBe(true);
    await page.locator('#live-status[data-state="live"]').waitFor({timeout: 30_000});
    // REST settles every funding time the lake holds at twice its rate, same mark.
    const stored = await withDuckDB((c) => readFunding(c, "test/.lake", "usdm:BTCUSDT"));
    expect(stored.length).toBeGreaterThan(3);
    hub.onFunding(
      "usdm:BTCUSDT",
      stored.map((r) => ({...r, rate: 2 * r.rate, source: "rest" as const})),
    );
    // The next refit (30 s while news arrives) takes them: funding paid doubles.
    await expect.poll(paid, {timeout: 60_000, interval: 500}).not.toBe(before);
    expect(await paid()).toBeCloseTo(2 * before, 6);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
