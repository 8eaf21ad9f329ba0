// The pair report's candles, volume and taker panels and the raw-price view (src/components/legCharts.ts,
// candleLayer.ts, rawPrices.ts) in headless Chromium on the deterministic test lake (npm run test:build).
// The expected candles are read here from the page's bars file with apache-arrow and folded by hand
// (first open, highest high, lowest low, last close, summed volumes), not with the page's code.
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import type {Browser, Page} from "playwright-core";
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

const report = "/pairs/BTCUSDT-ETHUSDT";
const legs = {a: "BTCUSDT", b: "ETHUSDT"} as const;

/** The report's bars file from dist/, as plain arrays per column. */
async function barsFile(): Promise<Map<string, number[]>> {
  const dir = join("dist", "_file", "pairs");
  const name = (await readdir(dir)).find((f) => f.startsWith("BTCUSDT-ETHUSDT.") && f.endsWith(".arrow"))!;
  const table = tableFromIPC(await readFile(join(dir, name)));
  const columns = new Map(
    table.schema.fields.map((f) => [f.name, Array.from(table.getChild(f.name)!.toArray() as ArrayLike<number>, Number)]),
  );
  // Packed columns (src/protocol/packedColumns.ts), unpacked by hand: Int32 k is k / 10^d (−2^31: NaN); time is start + i · step.
  type Packed = {time?: {start: number; step: number}; decimals?: Record<string, number>};
  const packed = (JSON.parse(table.schema.metadata.get("pairbook")!) as {packed?: Packed}).packed;
  for (const [f, d] of Object.entries(packed?.decimals ?? {}))
    columns.set(
      f,
      columns.get(f)!.map((k) => (k === -(2 ** 31) ? NaN : k / 10 ** d)),
    );
  const grid = packed?.time;
  if (grid)
    columns.set(
      "time",
      Array.from({length: table.numRows}, (_, i) => grid.start + i * grid.step),
    );
  return columns;
}

/** A leg's candle over the file's bars in [t, t + interval), folded by hand. */
function candleAt(file: Map<string, number[]>, symbol: string, t: number, interval: number) {
  const time = file.get("time")!,
    col = (f: string) => file.get(`${symbol}.${f}`)!;
  const c = {open: NaN, high: -Infinity, low: Infinity, close: NaN, volume: 0, takerBuy: 0};
  let rows = 0;
  for (let i = 0; i < time.length; ++i) {
    if (time[i] < t || time[i] >= t + interval || !(col("count")[i] > 0)) continue;
    if (rows++ === 0) c.open = col("open")[i];
    c.high = Math.max(c.high, col("high")[i]);
    c.low = Math.min(c.low, col("low")[i]);
    c.close = col("close")[i];
    c.volume += col("volume")[i];
    c.takerBuy += col("takerBuyVolume")[i];
  }
  return {rows, ...c, takerSell: c.volume - c.takerBuy};
}

async function open(page: Page, query = "?static") {
  await page.goto(`${site.url}${report}${query}`);
  await page.locator("#hedge-table").waitFor({timeout: 30_000});
  await expect.poll(() => page.locator("#volume-b-chart .pb-canvas-chart").getAttribute("data-drawn")).toBeTruthy();
}

const holder = (page: Page, id: string) => page.locator(`#${id} .pb-chart-plot`);
async function boxOf(page: Page, id: string) {
  await holder(page, id).scrollIntoViewIfNeeded();
  return (await holder(page, id).boundingBox())!;
}
const domain = async (page: Page, id: string) =>
  (await page.locator(`#${id} .pb-canvas-chart`).getAttribute("data-x-domain"))!.split(",").map(Number);

async function tooltip(page: Page) {
  const tip = page.locator(".pb-tooltip");
  await expect.poll(() => tip.isVisible()).toBe(true);
  const values = await tip
    .locator("tr")
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-key")!, Number(tr.getAttribute("data-value"))] as const));
  return {time: Number(await tip.getAttribute("data-time")), values: new Map(values)};
}

/** Hovers `id` at `fraction` of its width and checks both legs' candle values against the file's bars. */
async function checkHover(page: Page, file: Map<string, number[]>, id: string, fraction: number, interval: number) {
  const box = await boxOf(page, id);
  await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
  const tip = await tooltip(page);
  expect(await page.locator(`#${id} .pb-tooltip`).count(), id).toBe(1);
  let traded = 0;
  for (const [leg, symbol] of Object.entries(legs)) {
    const want = candleAt(file, symbol, tip.time, interval);
    traded += want.rows;
    for (const key of ["open", "high", "low", "close", "volume", "takerBuy", "takerSell"] as const) {
      const got = tip.values.get(`${leg}.${key}`);
      expect(got, `${id} ${leg}.${key}`).toBeDefined();
      const exp = want.rows ? want[key] : key.startsWith("taker") || key === "volume" ? 0 : NaN;
      if (Number.isNaN(exp)) expect(got, `${leg}.${key}`).toBeNaN();
      else
        expect(Math.abs(got! - exp), `${id} ${leg}.${key} at ${tip.time}: ${got} vs ${exp}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(exp)),
        );
    }
  }
  expect(traded, "the hovered bar has trades").toBeGreaterThan(0);
  return tip.time;
}

describe("pair report: candles, volume and raw prices", () => {
  it("hovering a leg's candles or volume shows that bar's O/H/L/C and volumes, equal to the bars file's (1 s bars)", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    const file = await barsFile();
    await open(page);
    const t1 = await checkHover(page, file, "candles-a-chart", 0.4, 1000);
    const t2 = await checkHover(page, file, "volume-b-chart", 0.7, 1000);
    expect(t2).toBeGreaterThan(t1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("at a coarser interval (1m) the candles fold the file's 1 s bars of each minute", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    const file = await barsFile();
    await open(page, "?static&interval=1m");
    const t = await checkHover(page, file, "candles-b-chart", 0.5, 60_000);
    expect(t % 60_000).toBe(0);
    expect(candleAt(file, "BTCUSDT", t, 60_000).rows).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a brush on the candles zooms the candle and volume charts with the others and writes ?zoom", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1600}});
    const errors = collectErrors(page);
    await open(page);
    const full = await domain(page, "candles-a-chart");
    expect(await domain(page, "prices-chart")).toEqual(full);
    const box = await boxOf(page, "candles-a-chart");
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, {steps: 8});
    await page.mouse.up();
    await expect.poll(() => page.url()).toMatch(/[?&]zoom=\d+-\d+$/);
    const [from, to] = new URL(page.url()).searchParams.get("zoom")!.split("-").map(Number);
    const zoomed = await domain(page, "candles-a-chart");
    expect(Math.abs(zoomed[0] - from)).toBeLessThanOrEqual(1);
    expect(Math.abs(zoomed[1] - to)).toBeLessThanOrEqual(1);
    expect((to - from) / (full[1] - full[0])).toBeLessThan(0.5);
    for (const id of ["candles-b-chart", "volume-a-chart", "volume-b-chart", "prices-chart", "zscore-chart"])
      expect(await domain(page, id), id).toEqual(zoomed);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the prices control shows raw prices on two y axes, kept in the URL as prices=raw (the default stays out)", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1400}});
    const errors = collectErrors(page);
    await open(page);
    expect(await page.locator("#prices-chart h2").textContent()).toBe("Prices");
    await page.locator("#controls").getByLabel("raw", {exact: true}).check();
    await expect.poll(() => new URL(page.url()).searchParams.get("prices")).toBe("raw");
    await expect.poll(() => page.locator("#prices-chart h2").textContent()).toBe("Prices: BTCUSDT (left axis), ETHUSDT (right axis)");
    // Both axes carry the legs' own prices: the right axis' labels are ETHUSDT's range, the left BTCUSDT's.
    const file = await barsFile();
    const range = (s: string) => {
      const v = file.get(`${s}.close`)!.filter(Number.isFinite);
      return [Math.min(...v), Math.max(...v)];
    };
    const labels = await page.locator("#prices-chart svg [aria-label='y-axis tick label'] text").allTextContents();
    const numbers = labels.map((t) => Number(t.replace(/,/g, "")));
    const [eLo, eHi] = range("ETHUSDT"),
      [bLo, bHi] = range("BTCUSDT");
    const within = (v: number, lo: number, hi: number) => v >= lo - 0.05 * (hi - lo) && v <= hi + 0.05 * (hi - lo);
    expect(numbers.filter((v) => within(v, eLo, eHi)).length, labels.join(" ")).toBeGreaterThanOrEqual(2);
    expect(numbers.filter((v) => within(v, bLo, bHi)).length, labels.join(" ")).toBeGreaterThanOrEqual(2);
    // Reloading the link restores it; back to rebased drops it from the URL.
    const again = await browser.newPage({viewport: {width: 1300, height: 1400}});
    await open(again, new URL(page.url()).search);
    expect(await again.locator("#prices-chart h2").textContent()).toContain("right axis");
    await again.close();
    await page.locator("#controls").getByLabel("rebased", {exact: true}).check();
    await expect.poll(() => new URL(page.url()).searchParams.has("prices")).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("screenshot: raw prices, candles, volume and taker volumes", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1150}});
    await open(page, "?static&prices=raw");
    await page.locator("#prices-chart").evaluate((el) => el.scrollIntoView({block: "start"}));
    await page.screenshot({path: "/tmp/notes/candles.png"});
    // And with the tooltip open on ETHUSDT's candles (it sits left of the crosshair there).
    const box = (await holder(page, "candles-b-chart").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    await tooltip(page);
    await page.screenshot({path: "/tmp/notes/candles-hover.png"});
    await page.close();
  });
});
