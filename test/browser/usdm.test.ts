// USD-M perpetuals in the built notebook (npm run test:build: the test lake holds usdm:BTCUSDT beside
// spot BTCUSDT, with a funding every 5 minutes): the basis pair report (spot against its own perpetual,
// its backtest charging funding) and the perpetual's symbol page.
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
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

describe("perpetuals in the notebook", () => {
  it("the basis report /pairs/BTCUSDT-usdm_BTCUSDT renders without error cells and names the perp leg; its download uses the page name", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}, acceptDownloads: true});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/pairs/BTCUSDT-usdm_BTCUSDT?static`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(await page.locator("h1").first().textContent()).toBe("BTCUSDT / usdm:BTCUSDT");
    for (const id of ["prices-chart", "spread-chart", "zscore-chart", "equity-chart"])
      expect(await page.locator(`#${id} svg`).count(), id).toBeGreaterThan(0);
    expect(await page.locator("#hedge-table tbody tr").count()).toBe(7);
    // 45 minutes of 1-second bars of both legs.
    expect(Number((await page.locator("#bar-count").first().textContent())!.replace(/,/g, ""))).toBeGreaterThan(2000);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-closes").click()]);
    expect(download.suggestedFilename()).toBe("BTCUSDT-usdm_BTCUSDT-1s.csv");
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const [hedge, query] of [
    ["a fixed hedge (the worker's report)", ""],
    ["a dynamic hedge (the page's stream)", "&method=rolling-ols"],
  ])
    it(`the basis report's backtest charges the perpetual's funding (the test lake's 5-minute fundings) and shows funding paid, under ${hedge}`, async () => {
      const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
      const errors = collectErrors(page);
      await page.goto(`${site.url}/pairs/BTCUSDT-usdm_BTCUSDT?static${query}`);
      const paid = page.locator("#backtest-stats #bs-funding-paid");
      await paid.waitFor({timeout: 30_000});
      const value = (id: string) => page.locator(`#backtest-stats #bs-${id}`).getAttribute("data-value").then(Number);
      expect(await page.locator("#backtest-stats td", {hasText: /^paid$/}).count()).toBe(1);
      expect(await page.locator("#backtest-section h2").first().textContent()).toBe("Returns, drawdowns, trades, buy and hold, funding");
      const funding = await value("funding-paid");
      expect(Number.isFinite(funding) && funding !== 0, `funding paid ${funding}`).toBe(true);
      expect(Number(await paid.textContent())).toBeCloseTo(funding, 4);
      // Before funding = net + paid: the line is the backtest's own, not a constant.
      expect(await value("funding-pnlBeforeFunding")).toBeCloseTo((await value("funding-netPnl")) + funding, 9);
      expect(errors).toEqual([]);
      await page.close();
    });

  it("a spot pair's backtest has no funding line", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT?static`);
    await page.locator("#backtest-stats #bs-sqn").waitFor({timeout: 30_000});
    expect(await page.locator("#backtest-stats [id^=bs-funding]").count()).toBe(0);
    await page.close();
  });

  it("the sidebar and the Overview link the basis report and the perpetual's symbol page by their qualified names", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/?static`);
    await page.locator("#pair-links a").first().waitFor({timeout: 30_000});
    const basis = page.locator('#pair-links a[href$="pairs/BTCUSDT-usdm_BTCUSDT.html"]');
    expect(await basis.locator("b").textContent()).toBe("BTCUSDT / usdm:BTCUSDT");
    expect(await page.locator('#symbol-links a[href$="symbols/usdm_BTCUSDT.html"] b').textContent()).toBe("usdm:BTCUSDT");
    expect(await page.locator('#observablehq-sidebar a[href$="pairs/BTCUSDT-usdm_BTCUSDT.html"]').textContent()).toContain(
      "BTCUSDT / usdm:BTCUSDT",
    );
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    await page.close();
  });

  it("the perpetual's symbol page /symbols/usdm_BTCUSDT renders its indicators, titled usdm:BTCUSDT", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/symbols/usdm_BTCUSDT?static`);
    await page.locator("#hurst-chart .pb-canvas-chart[data-drawn]").waitFor({timeout: 30_000});
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(await page.locator("h1").first().textContent()).toBe("usdm:BTCUSDT");
    expect(Number(await page.locator("#symbol-kpis").getAttribute("data-bars"))).toBeGreaterThan(2000);
    expect(errors).toEqual([]);
    await page.close();
  });
});
