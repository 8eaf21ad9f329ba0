// The pair report's dynamic hedges (issue #15 item 2): choosing rolling OLS or Kalman in the hedge select
// changes the spread, z-score and trades, their parameters are in the URL, the numbers are the batch
// functions' on the bars shown (rolling OLS: statsmodels RollingOLS in the fixtures), and live bars move them.
import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {rollingOls} from "../../src/lib/rollingOls.js";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";
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

const report = "/pairs/BTCUSDT-ETHUSDT";
const value = async (page: Page, selector: string) => Number(await page.locator(selector).first().getAttribute("data-value"));
const shown = async (page: Page) => ({
  z: await value(page, "#zscore-last"),
  pnl: await value(page, "#pnl"),
  trades: await value(page, "#bt-trades"),
});
const chooseMethod = (page: Page, method: string) =>
  page.locator("form", {hasText: "hedge method"}).first().locator("select").selectOption(method);

/** The closes the page shows, from its CSV download. */
async function closes(page: Page): Promise<{a: number[]; b: number[]}> {
  const download = page.waitForEvent("download");
  await page.locator("#download-closes").click();
  const dir = await mkdtemp(join(tmpdir(), "pairbook-dynamic-"));
  const csv = join(dir, "bars.csv");
  await (await download).saveAs(csv);
  const rows = (await readFile(csv, "utf8"))
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
  await rm(dir, {recursive: true, force: true});
  return {a: rows.map((r) => r[1]), b: rows.map((r) => r[2])};
}

describe("pair report: dynamic hedges drive the spread, z-score and backtest", () => {
  it("choosing Kalman or rolling OLS changes z, PnL and trades; the numbers are rolling OLS's bar by bar; the URL keeps them", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}, acceptDownloads: true});
    const errors = collectErrors(page);
    await page.goto(`${site.url}${report}?static`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    const fixed = await shown(page),
      fixedTrades = await page.locator("#trades-table").textContent();
    // Each method's parameters show only while it is chosen.
    const visible = (label: string) => page.locator("form", {hasText: label}).first().isVisible();
    expect([await visible("rolling OLS window"), await visible("Kalman δ")]).toEqual([false, false]);
    await chooseMethod(page, "kalman");
    expect([await visible("rolling OLS window"), await visible("Kalman δ")]).toEqual([false, true]);
    await expect.poll(() => value(page, "#zscore-last"), {timeout: 15_000}).not.toBe(fixed.z);
    const kalman = await shown(page);
    expect(kalman.pnl).not.toBe(fixed.pnl);
    await expect.poll(() => page.url()).toContain("method=kalman");
    // δ changes the filter, so the spread and z.
    await page.locator("form", {hasText: "Kalman δ"}).first().locator("select").selectOption({index: 5});
    await expect.poll(() => value(page, "#zscore-last"), {timeout: 15_000}).not.toBe(kalman.z);
    await expect.poll(() => page.url()).toMatch(/delta=0\.01/);
    await chooseMethod(page, "rolling-ols");
    await expect.poll(() => page.url()).toContain("method=rolling-ols");
    await expect.poll(() => value(page, "#zscore-last"), {timeout: 15_000}).not.toBe(kalman.z);
    const rolling = await shown(page);
    expect(rolling.pnl).not.toBe(fixed.pnl);
    // The trades table (redrawn at most once a second) lists other trades.
    await expect.poll(() => page.locator("#trades-table").textContent(), {timeout: 15_000}).not.toBe(fixedTrades);
    expect(await page.locator("#spread-chart").textContent()).toContain("rolling-ols");
    // The page's numbers equal the batch ones on its bars: β_t, α_t of the last 300 bars (the default
    // window), the spread from bar 299 on, its 60-bar z-score, the backtest entering at β_t.
    const {a, b} = await closes(page);
    const r = rollingOls(a, b, 300);
    const spread = a.map((x, i) => x - r.beta[i] * b[i] - r.alpha[i]).slice(299);
    const z = [...new Array<number>(299).fill(NaN), ...rollingZScore(spread, 60)];
    const bt = backtest(a, b, z, {beta: r.beta, entry: 2, exit: 0, lag: 1});
    expect(bt.trades).toBeGreaterThan(0);
    expect(rolling.z).toBeCloseTo(z[z.length - 1], 9);
    expect(rolling.pnl).toBeCloseTo(bt.totalPnl, 9);
    await expect.poll(() => value(page, "#bt-trades"), {timeout: 15_000}).toBe(bt.trades);
    // A link with the choice reproduces it.
    const again = await browser.newPage({viewport: {width: 1300, height: 1600}});
    await again.goto(page.url());
    await again.locator("#hedge-table").waitFor({timeout: 30_000});
    await expect.poll(() => value(again, "#zscore-last"), {timeout: 15_000}).toBe(rolling.z);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await again.close();
    await page.close();
  });

  it("live bars update the spread and z-score under the Kalman hedge", async () => {
    const rig = await startLiveRig();
    const page = await browser.newPage();
    const errors = collectErrors(page);
    try {
      await page.goto(`${site.url}${report}?live=${rig.liveUrl}&method=kalman`);
      await expect.poll(() => page.locator("#live-status").getAttribute("data-state"), {timeout: 15_000}).toBe("live");
      const count = async () => Number((await page.locator("#bar-count").first().textContent())!.replace(/,/g, ""));
      const first = await count(),
        z = await value(page, "#zscore-last");
      await expect.poll(count, {timeout: 15_000}).toBeGreaterThan(first);
      await expect.poll(() => value(page, "#zscore-last"), {timeout: 15_000}).not.toBe(z);
      expect(await page.locator("#spread-chart").textContent()).toContain("kalman");
      expect(await page.locator(".observablehq--error").count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await rig.close();
    }
  });
});
