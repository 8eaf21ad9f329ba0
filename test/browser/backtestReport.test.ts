// The pair report's backtest section (src/components/backtestReport.ts) in headless Chromium, on the
// deterministic test lake (npm run test:build): the statistics shown are `pairbook analyze --json`'s
// on the page's own bars (its CSV download), with analyze's texts; the histogram, the underwater chart
// and the trades download follow the sliders.
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {analyze} from "../../cli/commands/analyze.js";
import type {BacktestStats} from "../../src/lib/backtestStats.js";
import {statsCaution} from "../../src/lib/report/annualised.js";
import {backtestStatsRows} from "../../src/lib/report/backtestStatsRows.js";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";

let browser: Browser, site: {url: string; close: () => Promise<void>}, dir: string;
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), "pairbook-backtest-report-"));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await rm(dir, {recursive: true, force: true});
});

async function download(page: Page, id: string, name: string): Promise<string[]> {
  const saved = page.waitForEvent("download");
  await page.locator(`#${id}`).click();
  const path = join(dir, name);
  await (await saved).saveAs(path);
  return (await readFile(path, "utf8")).trim().split("\n");
}

/** `pairbook analyze --json` on a CSV with the page's default rule but `entry`. */
async function analyzeJson(csv: string, entry: number): Promise<{backtest: {trades: number}; backtestStats: BacktestStats}> {
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => ((out += chunk), true);
  try {
    const argv = ["--csv", csv, "--json", "--window", "60", "--entry", String(entry), "--exit", "0", "--lag", "1", "--fee-bps", "0"];
    expect(await analyze.run(argv)).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(out);
}

/** Every statistic's cell: id bs-<key>, its data-value and text. */
async function shownStats(page: Page): Promise<Map<string, {value: number; text: string}>> {
  const cells = await page
    .locator("#backtest-stats td[id^=bs-]")
    .evaluateAll((tds) => tds.map((td) => [td.id, td.getAttribute("data-value"), td.textContent] as const));
  return new Map(cells.map(([id, v, t]) => [id, {value: Number(v), text: t ?? ""}]));
}

function expectSame(shown: Map<string, {value: number; text: string}>, stats: BacktestStats) {
  const rows = backtestStatsRows(stats, ["BTCUSDT", "ETHUSDT"]);
  expect(shown.size).toBe(rows.length);
  for (const r of rows) {
    const cell = shown.get(`bs-${r.key.replace(/\./g, "-")}`);
    expect(cell, r.key).toBeDefined();
    if (Number.isNaN(r.value)) expect(cell!.value, r.key).toBeNaN();
    else expect(cell!.value, r.key).toBeCloseTo(r.value, 9);
    expect(cell!.text, r.key).toBe(r.text); // analyze's formatting
  }
}

describe("pair report: backtest statistics, trade PnL histogram, underwater chart, trades CSV", () => {
  it("shows analyze's statistics for the page's bars, and follows the entry slider", async () => {
    const page = await browser.newPage({viewport: {width: 1400, height: 1800}, acceptDownloads: true});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT?static`);
    await page.locator("#backtest-stats").waitFor({timeout: 30_000});
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(await page.locator("#trade-histogram svg").count()).toBeGreaterThan(0);
    expect(await page.locator("#underwater-chart svg").count()).toBeGreaterThan(0);
    // The histogram draws one bar per non-empty bin: at least one, at most one per trade.
    const histogramBars = await page.locator("#trade-histogram svg rect").count();
    expect(histogramBars).toBeGreaterThan(0);

    const bars = join(dir, "bars.csv");
    const closes = await download(page, "download-closes", "bars.csv");
    await writeFile(bars, `${closes.join("\n")}\n`);
    const at2 = await analyzeJson(bars, 2);
    expectSame(await shownStats(page), at2.backtestStats);
    // A day of bars: the annual figures carry the caution analyze prints, under both tables, and the
    // KPI names the span its Sharpe is annualised from.
    const caution = statsCaution(at2.backtestStats);
    expect(caution).toMatch(/^Annualised from [\d.]+ (minutes?|hours?|days?) of bars: /);
    expect(await page.locator("#backtest-stats caption").textContent()).toBe(caution);
    expect(await page.locator("#metrics-table caption").textContent()).toBe(caution);
    expect(await page.locator("#pnl + .pb-notice").textContent()).toMatch(
      /, Sharpe [-\d.e+]+ \(annualised from [\d.]+ (minutes?|hours?|days?)\)$/,
    );
    const trades = await download(page, "download-trades", "trades-2.csv");
    expect(trades[0]).toBe("entry_time,exit_time,side,BTCUSDT_entry,ETHUSDT_entry,BTCUSDT_exit,ETHUSDT_exit,beta,bars,pnl,fees");
    expect(trades.length - 1).toBe(at2.backtest.trades);
    expect(await page.locator("#trade-histogram").getAttribute("data-count")).toBe(String(at2.backtest.trades));
    // The best trade of the CSV is the statistic's (both from the same trades).
    expect(Math.max(...trades.slice(1).map((l) => Number(l.split(",")[9])))).toBeCloseTo(at2.backtestStats.bestTrade, 9);
    expect(histogramBars).toBeLessThanOrEqual(at2.backtest.trades + 2);

    // A lower entry threshold: more trades; the statistics, histogram and CSV follow.
    const sqn = (await shownStats(page)).get("bs-sqn")!.value;
    await setRange(page, "entry |z|", 1.5);
    await expect.poll(async () => (await shownStats(page)).get("bs-sqn")?.value, {timeout: 20_000}).not.toBe(sqn);
    const at15 = await analyzeJson(bars, 1.5);
    expect(at15.backtest.trades).toBeGreaterThan(at2.backtest.trades);
    expectSame(await shownStats(page), at15.backtestStats);
    await expect.poll(() => page.locator("#trade-histogram").getAttribute("data-count")).toBe(String(at15.backtest.trades));
    expect((await download(page, "download-trades", "trades-15.csv")).length - 1).toBe(at15.backtest.trades);
    expect(errors).toEqual([]);
    await page.locator("#backtest-section").screenshot({path: join(process.env.PAIRBOOK_SHOTS ?? tmpdir(), "backtest-report.png")});
    await page.close();
  });
});

describe("lab: out-of-sample statistics and walk-forward", () => {
  it("shows the statistics tables and one row per walk-forward segment, the tested bars all after the first train window", async () => {
    const page = await browser.newPage({viewport: {width: 1400, height: 1800}});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/lab?static&train=600&test=300&step=300`);
    await page.locator("#walk-forward-table").waitFor({timeout: 30_000});
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    // 23 statistics, no funding (spot legs); a day of bars, so both tables carry the caution.
    expect(await page.locator("#lab-stats td[id^=bs-]").count()).toBe(23);
    expect(await page.locator("#walk-forward-stats td[id^=bs-]").count()).toBe(23);
    for (const id of ["lab-stats", "walk-forward-stats"])
      expect(await page.locator(`#${id} caption`).textContent()).toMatch(/^Annualised from [\d.]+ (minutes?|hours?|days?) of bars: /);
    // "<tested> of <n> bars tested": segments of 300 after a 600-bar train window, by hand.
    const note = (await page.locator("#walk-forward-note").textContent())!;
    const [, tested, n] = note.match(/([\d,]+) of ([\d,]+) bars tested/)!.map((v) => Number(v.replace(/,/g, "")));
    expect(tested).toBe(n - 600);
    expect(await page.locator("#walk-forward-table tbody tr").count()).toBe(Math.ceil((n - 600) / 300));
    expect(await page.locator("#walk-forward-equity svg").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.locator("#walk-forward-table").screenshot({path: join(process.env.PAIRBOOK_SHOTS ?? tmpdir(), "walk-forward-table.png")});
    await page.screenshot({path: join(process.env.PAIRBOOK_SHOTS ?? tmpdir(), "lab.png"), fullPage: true});
    await page.close();
  });
});
