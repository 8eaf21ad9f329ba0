// Overview, Cointegration map, Backtest lab, Data and System, built from the test lake, in headless Chromium.
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {analyze} from "../../cli/commands/analyze.js";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";
import {startLiveRig, type LiveRig} from "./live.js";

let browser: Browser, site: {url: string; close: () => Promise<void>}, dir: string;
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), "pairbook-pages-"));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await rm(dir, {recursive: true, force: true});
});

/** Opens a page in static mode and checks it rendered with no error cell and no console error. */
async function open(path: string, ready: string): Promise<{page: Page; errors: string[]}> {
  const page = await browser.newPage({viewport: {width: 1300, height: 1400}, acceptDownloads: true});
  const errors = collectErrors(page);
  await page.goto(`${site.url}${path}?static`);
  await page.locator(ready).first().waitFor({timeout: 30_000});
  expect(await page.locator(".observablehq--error").count()).toBe(0);
  return {page, errors};
}

const cellValues = (page: Page, selector: string) =>
  page.locator(`${selector} td[data-value]`).evaluateAll((cells) => cells.map((c) => c.getAttribute("data-value")).join(","));

describe("overview (static)", () => {
  it("shows a ticker per symbol, links to every pair report, coverage with the gap, and no errors", async () => {
    const {page, errors} = await open("/", "#coverage-table");
    // Four spot symbols and the perpetual usdm:BTCUSDT (scripts/make-test-lake.ts): 5 × 4 / 2 = 10 pairs.
    expect(await page.locator("#tickers .pb-ticker").count()).toBe(5);
    const links = await page.locator("#pair-links a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toHaveLength(10);
    expect(links).toContain("./pairs/BTCUSDT-usdm_BTCUSDT.html");
    expect(links[0]).toBe("./pairs/BTCUSDT-ETHUSDT.html");
    expect(await page.locator("#coverage-table").textContent()).toContain("1 gap (1 unfilled)");
    expect(await page.locator("#gaps-table").textContent()).toContain("ETHUSDT");
    expect(await page.locator("#live-status").getAttribute("data-state")).toBe("static");
    await page.locator("#pair-links a").first().click();
    await page.locator("#bar-count").waitFor({timeout: 30_000});
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("cointegration map (static)", () => {
  it("fills both heatmaps and the sortable table for all 20 ordered pairs; the interval select recomputes", async () => {
    const {page, errors} = await open("/coint", "#pvalue-map");
    // 5 symbols (4 spot, usdm:BTCUSDT): 5 × 4 ordered pairs.
    expect(await page.locator("#pvalue-map td[data-value]").count()).toBe(20);
    expect(await page.locator("#correlation-map td[data-value]").count()).toBe(20);
    expect(await page.locator("#coint-table tbody tr").count()).toBe(20);
    const before = await cellValues(page, "#pvalue-map");
    await page.locator("form", {hasText: "interval"}).first().locator("select").selectOption("1m");
    await expect.poll(() => cellValues(page, "#pvalue-map")).not.toBe(before);
    // Both directions of a pair link to its one report.
    expect(await page.locator("#pvalue-map a[href='./pairs/BTCUSDT-ETHUSDT.html']").count()).toBe(2);
    expect(await page.locator("#pvalue-map a[href='./pairs/BTCUSDT-usdm_BTCUSDT.html']").count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("backtest lab (static)", () => {
  it("sweeps entry × exit and window × entry, a click inspects a cell out of sample, sliders recompute", async () => {
    const {page, errors} = await open("/lab", "#entry-exit-map");
    expect(await page.locator("#entry-exit-map td[data-value]").count()).toBeGreaterThan(40);
    expect(await page.locator("#window-entry-map td[data-value]").count()).toBeGreaterThan(20);
    const oos = await page.locator("#oos h2").textContent();
    expect(oos).toContain("best in sample");
    await page.locator("#entry-exit-map td[data-row='1.5'][data-col='0.5']").click();
    await expect.poll(() => page.locator("#oos h2").textContent()).toContain("entry 1.5, exit 0.5");
    expect(await page.locator("#entry-exit-map td.pb-selected").getAttribute("data-row")).toBe("1.5");
    const sweep = await cellValues(page, "#entry-exit-map");
    await setRange(page, "fees", 5);
    await expect.poll(() => cellValues(page, "#entry-exit-map")).not.toBe(sweep);
    const table = await cellValues(page, "#oos-table");
    await setRange(page, "in-sample share", 0.7);
    await expect.poll(() => cellValues(page, "#oos-table")).not.toBe(table);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("data page (static)", () => {
  async function download(page: Page, id: string, name: string): Promise<string> {
    const event = page.waitForEvent("download");
    await page.locator(`#${id}`).click();
    const path = join(dir, name);
    await (await event).saveAs(path);
    return path;
  }

  it("downloads bars and analytics of the selection as CSV, JSON and Parquet with the right rows", async () => {
    const {page, errors} = await open("/data", "#bars-csv");
    await page.locator("form", {hasText: "interval"}).first().locator("select").selectOption("1m");
    await expect.poll(() => page.locator("#download-bars h2").textContent()).toContain("1m buckets");
    const buckets = Number((await page.locator("#download-bars h2").textContent())!.match(/([\d,]+) 1m buckets/)![1].replace(/,/g, ""));
    const rows = Number((await page.locator("#download-analytics h2").textContent())!.match(/([\d,]+) aligned rows/)![1].replace(/,/g, ""));
    expect(buckets).toBe(45); // 45 minutes of test lake
    expect(rows).toBe(42); // the three minutes overlapping ETHUSDT's unfilled gap (12:29:59.9–12:31:30.2) are left out
    const csv = (await readFile(await download(page, "bars-csv", "bars.csv"), "utf8")).trim().split("\n");
    expect(csv).toHaveLength(buckets + 1);
    expect(csv[0]).toBe(
      "time,BTCUSDT_open,BTCUSDT_high,BTCUSDT_low,BTCUSDT_close,BTCUSDT_volume,BTCUSDT_quoteVolume,BTCUSDT_count,BTCUSDT_vwap,BTCUSDT_takerBuyVolume,ETHUSDT_open,ETHUSDT_high,ETHUSDT_low,ETHUSDT_close,ETHUSDT_volume,ETHUSDT_quoteVolume,ETHUSDT_count,ETHUSDT_vwap,ETHUSDT_takerBuyVolume,BTCUSDT_gap,ETHUSDT_gap",
    );
    expect(csv.slice(1).filter((l) => l.endsWith(",1")).length).toBe(3);
    const json = JSON.parse(await readFile(await download(page, "analytics-json", "analytics.json"), "utf8"));
    expect(json).toHaveLength(rows);
    expect(Object.keys(json[0])).toEqual(["time", "BTCUSDT", "ETHUSDT", "spread", "zscore", "position", "pnl", "equity"]);
    const barsParquet = await download(page, "bars-parquet", "bars.parquet"),
      analyticsParquet = await download(page, "analytics-parquet", "analytics.parquet");
    const counted = await withDuckDB(async (c) => {
      const q = async (sql: string) => (await c.runAndReadAll(sql)).getRows()[0];
      return {
        bars: await q(`SELECT count(*)::INTEGER, sum(BTCUSDT_count)::INTEGER, min(time)::VARCHAR FROM read_parquet('${barsParquet}')`),
        analytics: await q(`SELECT count(*)::INTEGER FROM read_parquet('${analyticsParquet}')`),
      };
    });
    expect(counted.bars[0]).toBe(buckets);
    expect(counted.bars[1]).toBe(csv.slice(1).reduce((s, l) => s + Number(l.split(",")[7]), 0));
    expect(String(counted.bars[2])).toBe("2026-11-20 12:00:00");
    expect(counted.analytics[0]).toBe(rows);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("turns an uploaded CSV of two price columns into a full report equal to pairbook analyze", async () => {
    const {page, errors} = await open("/data", "#upload");
    // Two cointegrated series with a time column, written like any exported file.
    let s = 1,
      x = 100;
    const rand = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    const lines = ["time,eth,btc"];
    let u = 0;
    for (let i = 0; i < 600; ++i)
      ((x += rand()),
        (u = 0.8 * u + rand()),
        lines.push(`${1_700_000_000_000 + i * 60_000},${(0.05 * x + u + 10).toFixed(4)},${x.toFixed(4)}`));
    const csv = join(dir, "upload.csv");
    await writeFile(csv, `${lines.join("\n")}\n`);
    await page.locator("#upload input[type=file]").setInputFiles(csv);
    await page.locator("#upload-report").waitFor({timeout: 30_000});
    expect(await page.locator("#upload-rows").textContent()).toBe("600");
    for (const id of ["tests-table", "hedge-table", "metrics-table"])
      expect(await page.locator(`#upload-report #${id}`).count(), id).toBe(1);
    expect(await page.locator("#upload-report svg").count()).toBeGreaterThanOrEqual(4);
    let out = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => ((out += chunk), true);
    try {
      await analyze.run(["--csv", csv, "--json", "--window", "60"]);
    } finally {
      process.stdout.write = write;
    }
    const r = JSON.parse(out);
    expect(Number(await page.locator("#upload-beta").getAttribute("data-value"))).toBeCloseTo(r.hedge.beta, 10);
    expect(Number(await page.locator("#upload-eg-p").getAttribute("data-value"))).toBeCloseTo(r.coint.pValue, 10);
    expect(Number(await page.locator("#upload-report #bt-sharpe").getAttribute("data-value"))).toBeCloseTo(r.backtest.sharpe, 8);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("system (static)", () => {
  it("shows ingest over time and the gaps list without contacting a recorder", async () => {
    const {page, errors} = await open("/system", "#ingest-chart svg");
    expect(await page.locator("#gaps-table").textContent()).toContain("no — bars flagged");
    expect(await page.locator("#health [data-state]").getAttribute("data-state")).toBe("static");
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("overview and system (live)", () => {
  let rig: LiveRig;
  beforeAll(async () => void (rig = await startLiveRig()));
  afterAll(async () => rig?.close());

  it("tickers go live and the recorder's health appears", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/?live=${rig.liveUrl}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state"), {timeout: 15_000}).toBe("live");
    await expect.poll(() => page.locator(".pb-ticker[data-symbol=BTCUSDT]").getAttribute("data-live"), {timeout: 15_000}).toBe("true");
    await expect.poll(() => page.locator("#health [data-state]").getAttribute("data-state"), {timeout: 15_000}).toBe("up");
    expect(await page.locator("#health-table").textContent()).toContain("BTCUSDT");
    await page.goto(`${site.url}/system?live=${rig.liveUrl}`);
    await expect.poll(() => page.locator("#health [data-state]").getAttribute("data-state"), {timeout: 15_000}).toBe("up");
    expect(errors).toEqual([]);
    await page.close();
  });
});
