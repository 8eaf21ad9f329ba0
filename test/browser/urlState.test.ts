// State in the URL: every control written into the URL on change, a link opened in a fresh browser
// context (no storage) reproduces the controls and the numbers, bad values fall back with a notice.
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, BrowserContext, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startRecorder, type Recorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";

let browser: Browser, site: {url: string; close: () => Promise<void>};
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const viewport = {width: 1300, height: 1600};

/** A page in a context of its own: no local or session storage from any other test. */
async function fresh(url: string, ready: string): Promise<{page: Page; context: BrowserContext; errors: string[]}> {
  const context = await browser.newContext({viewport});
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  await page.locator(ready).first().waitFor({timeout: 30_000});
  return {page, context, errors};
}

/** Every control's value, as the page's cells read it (an Observable Input's `value`). */
const controls = (page: Page) =>
  page.locator("#controls form").evaluateAll((forms) => forms.map((f) => (f as unknown as {value: unknown}).value));
const search = (page: Page) => page.evaluate(() => location.search);
const params = async (page: Page) => Object.fromEntries(new URLSearchParams(await search(page)));
const select = (page: Page, label: string) => page.locator("form", {hasText: label}).first().locator("select");
const cellValues = (page: Page, selector: string) =>
  page.locator(`${selector} td[data-value]`).evaluateAll((cells) => cells.map((c) => c.getAttribute("data-value")).join(","));

describe("pair report", () => {
  const report = "/pairs/BTCUSDT-ETHUSDT";
  const numbers = (page: Page) =>
    page.evaluate(() =>
      Object.fromEntries(
        ["r2", "eg-p-kpi", "zscore-last", "bt-sharpe", "bt-totalPnl", "bt-trades"].map((id) => [
          id,
          document.getElementById(id)?.getAttribute("data-value"),
        ]),
      ),
    );
  // The command line under the backtest is rebuilt once the worker's report for these options is in.
  const analyzeLine = (page: Page) => page.locator("#backtest-tables code").textContent();
  const expectedLine = "--window 90 --entry 1.5 --exit 0.2 --stop 4 --lag 2 --fee-bps 2 --method tls --log";

  it("every control goes into the URL (defaults left out, ?static kept); the link alone reproduces controls and numbers", async () => {
    const {page, context, errors} = await fresh(`${site.url}${report}?static`, "#hedge-table");
    const defaults = await controls(page);
    expect(await search(page)).toBe("?static");
    await setRange(page, "lookback", 30);
    await setRange(page, "z window", 90);
    await select(page, "hedge method").selectOption({label: "tls"});
    await page.locator("form", {hasText: "log prices"}).locator("input[type=checkbox]").check();
    await setRange(page, "entry |z|", 1.5);
    await setRange(page, "exit |z|", 0.2);
    await setRange(page, "stop |z|", 4);
    await setRange(page, "fees", 2);
    await setRange(page, "fill lag", 2);
    // A control moved back to its default leaves the URL.
    await setRange(page, "fill lag", 1);
    await setRange(page, "fill lag", 2);
    await setRange(page, "z window", 60);
    // The URL is written when the page is idle after an input (urlControls): poll for it.
    await expect.poll(async () => (await params(page)).window).toBeUndefined();
    await setRange(page, "z window", 90);
    await expect
      .poll(() => params(page))
      .toEqual({
        static: "",
        lookback: "30",
        window: "90",
        method: "tls",
        log: "1",
        entry: "1.5",
        exit: "0.2",
        stop: "4",
        fee: "2",
        lag: "2",
      });
    // ?static stays as written (no "static="), first, as it was.
    expect(await search(page)).toMatch(/^\?static&/);
    await expect.poll(() => analyzeLine(page), {timeout: 30_000}).toContain(expectedLine);
    const set = await controls(page),
      shown = await numbers(page);
    expect(set).not.toEqual(defaults);
    expect(Object.values(shown).every((v) => v !== null && v !== undefined)).toBe(true);
    const link = page.url();
    await context.close();

    const again = await fresh(link, "#hedge-table");
    expect(await controls(again.page)).toEqual(set);
    await expect.poll(() => analyzeLine(again.page), {timeout: 30_000}).toContain(expectedLine);
    expect(await numbers(again.page)).toEqual(shown);
    expect(await again.page.locator("#live-status").getAttribute("data-state")).toBe("static");
    expect(await again.page.locator("#url-notice").count()).toBe(0);
    expect(await again.page.locator(".observablehq--error").count()).toBe(0);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.context.close();
  });

  it("a hand-edited bad value falls back to its default with a one-line notice naming it; other parameters are kept", async () => {
    const {page, context, errors} = await fresh(
      `${site.url}${report}?static&window=abc&method=foo&entry=9&lag=1.5&other=x`,
      "#hedge-table",
    );
    const notice = await page.locator("#url-notice").textContent();
    expect(notice).toContain("window=abc");
    expect(notice).toContain("method=foo");
    expect(notice).toContain("entry=9");
    expect(notice).toContain("lag=1.5");
    expect(await page.locator("#url-notice").isVisible()).toBe(true);
    const values = await controls(page);
    // interval, lookback, window, method (with its rolling window, Kalman δ and noise), log, prices, entry, exit, stop, fee, lag
    expect(values.slice(2)).toEqual([60, "ols", 300, 1e-4, 1e-3, false, "rebased", 2, 0, 0, 0, 1]);
    expect(await search(page)).toBe("?static&other=x");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the copy link button copies location.href and says so", async () => {
    const context = await browser.newContext({viewport, permissions: ["clipboard-read", "clipboard-write"]});
    const page = await context.newPage();
    await page.goto(`${site.url}${report}?static`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    await setRange(page, "z window", 120);
    await page.locator("#copy-link").click();
    await expect.poll(() => page.locator("#copy-link-status").textContent()).toBe("Link copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${site.url}${report}?static&window=120`);
    await context.close();
  });
});

describe("backtest lab", () => {
  it("pair, sliders, selects and the inspected cell go into the URL; the link reproduces them and the out-of-sample table", async () => {
    const {page, context, errors} = await fresh(`${site.url}/lab?static`, "#entry-exit-map");
    await select(page, "pair").selectOption({index: 1});
    await select(page, "z window").selectOption({label: "120"});
    await setRange(page, "fees", 3);
    await setRange(page, "in-sample share", 0.6);
    await page.locator("#entry-exit-map td[data-row='1.5'][data-col='0.5']").click();
    await expect.poll(() => page.locator("#oos h2").textContent()).toContain("Window 120, entry 1.5, exit 0.5");
    await expect.poll(async () => (await params(page)).split).toBe("0.6"); // written when idle, all controls at once
    const p = await params(page);
    expect(p).toEqual({static: "", pair: p.pair, window: "120", fee: "3", split: "0.6", cell: "120_1.5_0.5"});
    expect(p.pair).toMatch(/^[A-Z]+-[A-Z]+$/);
    const set = await controls(page),
      table = await cellValues(page, "#oos-table");
    const link = page.url();
    await context.close();

    const again = await fresh(link, "#oos-table");
    expect(await controls(again.page)).toEqual(set);
    expect(await again.page.locator("#oos h2").textContent()).toContain("Window 120, entry 1.5, exit 0.5");
    expect(await cellValues(again.page, "#oos-table")).toBe(table);
    expect(await again.page.locator("#entry-exit-map td.pb-selected").getAttribute("data-row")).toBe("1.5");
    expect([...errors, ...again.errors]).toEqual([]);
    await again.context.close();
  });

  it("an unknown pair or cell falls back with a notice", async () => {
    const {page, context, errors} = await fresh(`${site.url}/lab?static&pair=NOPE-PAIR&cell=1_2_3&fee=99`, "#entry-exit-map");
    const notice = await page.locator("#url-notice").textContent();
    for (const name of ["pair=NOPE-PAIR", "cell=1_2_3", "fee=99"]) expect(notice).toContain(name);
    expect((await controls(page))[0]).toBe("BTCUSDT-ETHUSDT");
    expect(await page.locator("#oos h2").textContent()).toContain("best in sample");
    expect(await search(page)).toBe("?static");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("data page and cointegration map", () => {
  it("the data page's selection is in the URL and reproduced by the link", async () => {
    const {page, context, errors} = await fresh(`${site.url}/data?static`, "#bars-csv");
    await select(page, "pair").selectOption({index: 2});
    await select(page, "interval").selectOption("1s");
    await setRange(page, "lookback", 0.5);
    await setRange(page, "z window", 30);
    await select(page, "hedge method").selectOption({label: "huber"});
    await expect.poll(() => page.locator("#download-analytics .pb-notice").textContent()).toContain("spread (huber), z-score (30 bars)");
    await expect
      .poll(async () => Object.keys(await params(page)).sort())
      .toEqual(["interval", "lookback", "method", "pair", "static", "window"]);
    const set = await controls(page),
      bars = await page.locator("#download-bars h2").textContent();
    const link = page.url();
    await context.close();

    const again = await fresh(link, "#bars-csv");
    expect(await controls(again.page)).toEqual(set);
    expect(await again.page.locator("#download-bars h2").textContent()).toBe(bars);
    expect(bars).toMatch(/Bars: 1,8\d\d 1s buckets/); // half an hour of 1-second buckets
    expect([...errors, ...again.errors]).toEqual([]);
    await again.context.close();
  });

  it("the cointegration map's interval, lookback and log are in the URL and reproduced by the link", async () => {
    const {page, context, errors} = await fresh(`${site.url}/coint?static`, "#pvalue-map");
    const before = await cellValues(page, "#pvalue-map");
    await select(page, "interval").selectOption("1m");
    await setRange(page, "lookback", 0.5);
    await page.locator("form", {hasText: "log prices"}).locator("input[type=checkbox]").check();
    await expect.poll(() => cellValues(page, "#pvalue-map")).not.toBe(before);
    await expect.poll(() => params(page)).toEqual({static: "", interval: "1m", lookback: "0.5", log: "1"});
    const set = await controls(page),
      map = await cellValues(page, "#pvalue-map");
    const link = page.url();
    await context.close();

    const again = await fresh(link, "#pvalue-map");
    expect(await controls(again.page)).toEqual(set);
    expect(await cellValues(again.page, "#pvalue-map")).toBe(map);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.context.close();
  });
});

describe("alerts page (simulator + recorder with a rules file)", () => {
  let simulator: Simulator, recorder: Recorder, dir: string, liveUrl: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pairbook-url-alerts-"));
    const rule = {
      id: "z",
      name: "BTC/ETH z > 2.5",
      target: "BTCUSDT/ETHUSDT",
      metric: "zscore",
      comparator: ">",
      threshold: 2.5,
      interval: "1s",
      window: 20,
      hedge: "ols",
      severity: "critical",
      cooldownSeconds: 30,
      hysteresis: 0.5,
    };
    await writeFile(join(dir, "alerts.json"), JSON.stringify({rules: [rule]}));
    simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 20});
    recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"],
      lake: join(dir, "lake"),
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 1000,
      alertsFile: join(dir, "alerts.json"),
      log: () => {},
    });
    liveUrl = `ws://127.0.0.1:${recorder.livePort}`;
  });
  afterAll(async () => {
    await simulator?.close();
    await recorder?.stop();
    await rm(dir, {recursive: true, force: true});
  });

  it("the history filters are restored from the link (?live= kept as written), written on change, a bad one noticed", async () => {
    const {page, context, errors} = await fresh(
      `${site.url}/alerts?live=${liveUrl}&rule=z&since=last%20hour&severity=loud`,
      "#alert-history",
    );
    await page.locator("#history-filters:not([hidden])").waitFor({timeout: 15_000});
    await expect
      .poll(() =>
        page.locator("#history-filters select").evaluateAll((ss) => ss.map((s) => (s as HTMLSelectElement).selectedOptions[0].textContent)),
      )
      .toEqual(["z", "all", "last hour"]);
    expect(await page.locator("#url-notice").textContent()).toContain("severity=loud");
    expect(await search(page)).toBe(`?live=${liveUrl}&rule=z&since=last%20hour`);
    await page.locator("#history-filters form", {hasText: "severity"}).locator("select").selectOption({label: "critical"});
    await expect.poll(() => search(page)).toBe(`?live=${liveUrl}&rule=z&since=last%20hour&severity=critical`);
    await page.locator("#history-filters form", {hasText: "since"}).locator("select").selectOption({label: "all time"});
    await expect.poll(() => search(page)).toBe(`?live=${liveUrl}&rule=z&severity=critical`);
    await expect.poll(() => page.locator("#alert-history h2").textContent()).toContain("of z, critical"); // the history cell redraws after the URL is written
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
