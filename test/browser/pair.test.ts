// The pair report, built from the deterministic test lake (npm run test:build), in headless Chromium.
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {WebSocket} from "ws";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {analyze} from "../../cli/commands/analyze.js";
import {backtest} from "../../src/lib/backtest.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";
import {startLiveRig, type LiveRig} from "./live.js";

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
const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

async function openStatic(page: Page) {
  await page.goto(`${site.url}${report}?static`);
  await page.locator("#hedge-table").waitFor({timeout: 30_000});
}

describe("pair report (static, no recorder)", () => {
  it("renders every chart and table without error cells or console errors, gaps left out", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await openStatic(page);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(await page.locator("#live-status").getAttribute("data-state")).toBe("static");
    expect(await text(page, "#live-status")).toContain("static snapshot (built");
    for (const id of ["prices-chart", "spread-chart", "zscore-chart", "correlation-chart", "equity-chart"])
      expect(await page.locator(`#${id} svg`).count(), id).toBeGreaterThan(0);
    expect(await page.locator("#hedge-table tbody tr").count()).toBe(7); // ols, kalman, huber, theil-sen, tls, ransac, rolling OLS
    expect(await page.locator("#tests-table").textContent()).toContain("Engle-Granger");
    expect(await text(page, "#verdict")).toMatch(/tradeable|Borderline/i);
    const bars = Number((await text(page, "#bar-count"))!.replace(/,/g, ""));
    expect(bars).toBeGreaterThan(2000); // 45 minutes of 1-second bars
    // ETHUSDT's 90-second hole in the test lake: its buckets are left out of the statistics.
    expect(await text(page, "#live-count")).toMatch(/ (9\d) left out \(gaps\)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the z window slider changes the z-score and the backtest; the entry slider changes the trades", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await openStatic(page);
    const z = await value(page, "#zscore-last"),
      pnl = await value(page, "#pnl"),
      sharpe = await value(page, "#bt-sharpe");
    await setRange(page, "z window", 300);
    await expect.poll(() => value(page, "#zscore-last")).not.toBe(z);
    expect(await value(page, "#pnl")).not.toBe(pnl);
    expect(await page.locator("#zscore-chart").textContent()).toContain("300-bar window");
    await expect.poll(() => value(page, "#bt-sharpe")).not.toBe(sharpe);
    const trades = await value(page, "#bt-trades");
    await setRange(page, "entry |z|", 1);
    await expect.poll(() => value(page, "#bt-trades")).toBeGreaterThan(trades);
    // The interval select rebuckets in the browser: 1m bars over 45 minutes.
    await page.locator("form", {hasText: "interval"}).first().locator("select").selectOption("1m");
    await expect.poll(async () => Number((await text(page, "#bar-count"))!.replace(/,/g, ""))).toBeLessThan(50);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the numbers pairbook analyze prints for the same bars", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}, acceptDownloads: true});
    await openStatic(page);
    const download = page.waitForEvent("download");
    await page.locator("#download-closes").click();
    const dir = await mkdtemp(join(tmpdir(), "pairbook-analyze-"));
    const csv = join(dir, "bars.csv");
    await (await download).saveAs(csv);
    const shown = {
      beta: await value(page, "#beta"),
      r2: await value(page, "#r2"),
      adfP: await value(page, "#adf-p"),
      adfStat: await value(page, "#adf-stat"),
      egP: await value(page, "#eg-p"),
      egStat: await value(page, "#eg-stat"),
      trace0: await value(page, "#johansen-trace-0"),
      halfLife: await value(page, "#half-life"),
      correlation: await value(page, "#correlation"),
      z: await value(page, "#zscore-last"),
      pnl: await value(page, "#bt-totalPnl"),
      sharpe: await value(page, "#bt-sharpe"),
      trades: await value(page, "#bt-trades"),
      drawdown: await value(page, "#bt-maxDrawdown"),
    };
    let out = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => ((out += chunk), true);
    try {
      expect(
        await analyze.run(["--csv", csv, "--json", "--window", "60", "--entry", "2", "--exit", "0", "--lag", "1", "--fee-bps", "0"]),
      ).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const r = JSON.parse(out);
    const rows = (await readFile(csv, "utf8")).trim().split("\n").length - 1;
    expect(r.n).toBe(rows);
    const same = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);
    (same(shown.beta, r.hedge.beta),
      same(shown.r2, r.hedge.rSquared),
      same(shown.adfP, r.adf.pValue),
      same(shown.adfStat, r.adf.statistic));
    (same(shown.egP, r.coint.pValue), same(shown.egStat, r.coint.statistic), same(shown.trace0, r.johansen.traceStat[0]));
    (same(shown.halfLife, r.halfLife), same(shown.correlation, r.correlation), same(shown.z, r.zscore.last));
    (same(shown.pnl, r.backtest.totalPnl), same(shown.sharpe, r.backtest.sharpe), same(shown.drawdown, r.backtest.maxDrawdown));
    expect(shown.trades).toBe(r.backtest.trades);
    await writeFile(join(dir, "done"), "");
    await rm(dir, {recursive: true, force: true});
    await page.close();
  });

  it("falls back to the snapshot with a visible notice when no recorder answers", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}${report}?live=ws://127.0.0.1:9`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state")).toBe("reconnecting");
    expect(await text(page, "#live-status")).toMatch(
      /No recorder at ws:\/\/127\.0\.0\.1:9; retrying in \d+ s — showing the static snapshot \(built/,
    );
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    await page.close();
  });
});

describe("pair report (live)", () => {
  let rig: LiveRig;
  beforeAll(async () => void (rig = await startLiveRig()));
  afterAll(async () => rig?.close());

  it("goes live and appends bars from the recorder's feed to the charts", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}${report}?live=${rig.liveUrl}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state"), {timeout: 15_000}).toBe("live");
    const live = async () => Number((await text(page, "#live-count"))!.match(/^(\d+) live/)![1]);
    await expect.poll(live, {timeout: 15_000}).toBeGreaterThan(1);
    const count = async () => Number((await text(page, "#bar-count"))!.replace(/,/g, ""));
    const first = await count();
    await expect.poll(count, {timeout: 15_000}).toBeGreaterThan(first);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("continued bar by bar: the rows are the feed's latest bars, the z-score and PnL the batch functions' on them", async () => {
    // A rig of its own, whose trades stop once live bars came in, so the page holds still; a client of
    // our own records what the feed sent (the open bar is sent again with every trade).
    const own = await startLiveRig();
    const sent = new Map<string, Map<number, number>>([
      ["BTCUSDT", new Map()],
      ["ETHUSDT", new Map()],
    ]);
    const client = new WebSocket(own.liveUrl);
    client.on("open", () => client.send(JSON.stringify({type: "subscribe", symbols: ["BTCUSDT", "ETHUSDT"], interval: "1s"})));
    client.on("message", (data) => {
      const m = JSON.parse(String(data));
      for (const bar of m.type === "snapshot" ? m.bars : m.type === "bar" ? [m.bar] : []) sent.get(m.symbol)?.set(bar.start, bar.close);
    });
    const page = await browser.newPage({acceptDownloads: true});
    const errors = collectErrors(page);
    await page.goto(`${site.url}${report}?live=${own.liveUrl}`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    const live = async () => Number((await text(page, "#live-count"))!.match(/^(\d+) live/)![1]);
    await expect.poll(live, {timeout: 20_000}).toBeGreaterThan(8);
    await own.simulator.close();
    await page.waitForTimeout(1500);
    const download = page.waitForEvent("download");
    await page.locator("#download-closes").click();
    const dir = await mkdtemp(join(tmpdir(), "pairbook-live-"));
    const csv = join(dir, "bars.csv");
    await (await download).saveAs(csv);
    const rows = (await readFile(csv, "utf8"))
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",").map(Number));
    await rm(dir, {recursive: true, force: true});
    expect(rows.length).toBe(Number((await text(page, "#bar-count"))!.replace(/,/g, "")));
    // Every row of a bucket the feed sent carries that bucket's last close.
    let checked = 0;
    for (const [t, a, b] of rows) {
      const sa = sent.get("BTCUSDT")!.get(t),
        sb = sent.get("ETHUSDT")!.get(t);
      if (sa !== undefined) (expect(a, `BTCUSDT at ${t}`).toBe(sa), ++checked);
      if (sb !== undefined) (expect(b, `ETHUSDT at ${t}`).toBe(sb), ++checked);
    }
    expect(checked).toBeGreaterThan(10);
    // The page's hedge (fitted before the live bars) on the bars shown; α changes neither z nor PnL.
    const beta = await value(page, "#beta"),
      a = rows.map((r) => r[1]),
      b = rows.map((r) => r[2]);
    const z = rollingZScore(
      a.map((v, i) => v - beta * b[i]),
      60,
    );
    const bt = backtest(a, b, z, {beta, entry: 2, exit: 0, lag: 1});
    expect(bt.trades).toBeGreaterThan(0);
    expect(await value(page, "#zscore-last")).toBeCloseTo(z[z.length - 1], 6);
    expect(await value(page, "#pnl")).toBeCloseTo(bt.totalPnl, 6);
    expect(errors).toEqual([]);
    client.close();
    await page.close();
    await own.close();
  });
});
