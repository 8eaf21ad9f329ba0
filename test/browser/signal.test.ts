// The pair report's signal card and live switch, and the published site's links on a plain static
// server, built from the deterministic test lake (npm run test:build), in headless Chromium.
import {readdir} from "node:fs/promises";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
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
const attr = (page: Page, selector: string, name: string) => page.locator(selector).first().getAttribute(name);
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** The signal card's position and entry, and the trades table's open row (side, entry), as text. */
async function positions(page: Page) {
  return page.evaluate(() => {
    const card = document.querySelector<HTMLElement>("#signal-position")!;
    const open = document.querySelector("#trades-table tbody")!.querySelector("tr");
    return {
      signal: {
        text: card.textContent,
        value: Number(card.dataset.value),
        entry: Number(document.querySelector<HTMLElement>("#signal-entry")!.dataset.value),
      },
      table: open ? {side: open.cells[0].textContent, entry: open.cells[1].textContent} : null,
      tradesHtml: document.querySelector("#trades-table")!.innerHTML,
    };
  });
}

describe("signal card (static)", () => {
  it("shows the backtest's last position: the trades table's open row, or flat without one, for several entry thresholds", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}${report}?static`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    await expect.poll(() => attr(page, "#signal-position", "data-value"), {timeout: 15_000}).not.toBeNull();
    const seen = new Set<number>();
    for (const entry of [1, 1.3, 1.6, 2, 2.5, 3]) {
      const before = (await positions(page)).tradesHtml;
      await setRange(page, "entry |z|", entry);
      // The trades change with the entry threshold; the card must follow the very same backtest.
      await expect.poll(async () => (await positions(page)).tradesHtml, {timeout: 15_000}).not.toBe(before);
      const {signal, table} = await positions(page);
      if (table) {
        expect(signal.text).toBe(table.side);
        expect(signal.value).toBe(table.side === "long spread" ? 1 : -1);
        expect(utc(signal.entry)).toBe(table.entry);
      } else expect([signal.text, signal.value]).toEqual(["flat", 0]);
      seen.add(signal.value);
      // The card's z is the last z-score the KPI shows.
      expect(await attr(page, "#signal-z", "data-value")).toBe(await attr(page, "#zscore-last", "data-value"));
    }
    // The thresholds gave both an open position and a flat one, so both branches were compared.
    expect(seen.has(0) && (seen.has(1) || seen.has(-1))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("live switch", () => {
  let rig: LiveRig;
  beforeAll(async () => void (rig = await startLiveRig()));
  afterAll(async () => rig?.close());

  /** Everything a live bar changes on screen: chart redraw counters, KPIs, the signal card. */
  const screen = (page: Page) =>
    page.evaluate(() => ({
      // The charts that follow every live bar; the backtest section's underwater curve redraws at most once a
      // second, like the tables, so a trailing redraw may still come just after the pause (compared below).
      drawn: [...document.querySelectorAll(".pb-canvas-chart")]
        .filter((c) => !c.closest("#underwater-chart"))
        .map((c) => c.getAttribute("data-drawn")),
      live: document.querySelector("#zscore-chart")!.getAttribute("data-live"),
      bars: document.querySelector("#bar-count")!.textContent,
      z: document.querySelector("#zscore-last")!.getAttribute("data-value"),
      signal: document.querySelector("#signal-card")!.textContent,
    }));
  const trades = (page: Page) => page.locator("#trades-table").innerHTML();
  const underwater = (page: Page) => attr(page, "#underwater-chart .pb-canvas-chart", "data-drawn");

  it("pause stops chart updates while bars keep arriving; resume catches up at once", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}${report}?live=${rig.liveUrl}`);
    await expect.poll(() => attr(page, "#live-status", "data-state"), {timeout: 15_000}).toBe("live");
    await expect.poll(async () => Number(await attr(page, "#zscore-chart", "data-live")), {timeout: 15_000}).toBeGreaterThan(1);
    await page.click("#live-switch");
    expect(await attr(page, "#live-switch", "aria-pressed")).toBe("true");
    const frozen = await screen(page);
    // Bars keep arriving (the switch counts them from the feed) while nothing drawn changes.
    const waiting = async () =>
      Number((await page.locator("#live-waiting").textContent())?.match(/(\d+) new live bars? waiting/)?.[1] ?? 0);
    await expect.poll(waiting, {timeout: 20_000}).toBeGreaterThanOrEqual(2);
    // The tables redraw at most once a second (a trailing redraw may still show the state at the pause).
    const [table, curve] = [await trades(page), await underwater(page)];
    await expect.poll(waiting, {timeout: 20_000}).toBeGreaterThanOrEqual(4);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await screen(page)).toEqual(frozen);
    expect(await trades(page)).toBe(table);
    expect(await underwater(page)).toBe(curve);
    // Resume: the bars that came in are drawn in the click's own task, without waiting for a new one.
    const caught = await page.evaluate(() => {
      const waiting = Number(document.querySelector("#live-waiting")!.textContent.match(/(\d+) new live bars? waiting/)![1]);
      const before = Number(document.querySelector("#zscore-chart")!.getAttribute("data-live"));
      document.querySelector<HTMLButtonElement>("#live-switch")!.click();
      return {waiting, before, after: Number(document.querySelector("#zscore-chart")!.getAttribute("data-live"))};
    });
    expect(caught.waiting).toBeGreaterThan(0);
    expect(caught.after).toBe(caught.before + caught.waiting);
    expect(await attr(page, "#live-switch", "aria-pressed")).toBe("false");
    expect((await screen(page)).drawn).not.toEqual(frozen.drawn);
    // Live again: later bars are drawn as they come.
    await expect.poll(async () => Number(await attr(page, "#zscore-chart", "data-live")), {timeout: 15_000}).toBeGreaterThan(caught.after);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("published site on a plain static server (no URL rewriting)", () => {
  it("every link of every page resolves, and every page is reachable from the others", async () => {
    const plain = await serveStatic("dist", {rewrite: false});
    const pages = ["/", ...(await readdir("dist")).filter((f) => f.endsWith(".html") && f !== "index.html").map((f) => `/${f}`)];
    pages.push(...(await readdir("dist/pairs")).filter((f) => f.endsWith(".html")).map((f) => `/pairs/${f}`));
    const linked = new Set<string>(),
      failed: string[] = [];
    const follow = async (from: string, hrefs: string[]) => {
      for (const href of hrefs) {
        const url = new URL(href, `${plain.url}${from}`);
        if (url.origin !== plain.url || url.pathname.startsWith("/_") || linked.has(url.pathname)) continue;
        linked.add(url.pathname);
        const status = (await fetch(`${plain.url}${url.pathname}`)).status;
        if (status !== 200) failed.push(`${from} → ${url.pathname}: ${status}`);
      }
    };
    try {
      // The links in every page's HTML (the sidebar, the pages' own links).
      for (const path of pages) {
        const response = await fetch(`${plain.url}${path}`);
        expect(response.status, path).toBe(200);
        await follow(
          path,
          [...(await response.text()).matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]),
        );
      }
      // The links the pages' cells draw: the overview's pair cards, the cointegration map's cells.
      const page = await browser.newPage();
      for (const [path, selector] of [
        ["/", "#pair-links a"],
        ["/coint.html", "#pvalue-map a"],
      ]) {
        await page.goto(`${plain.url}${path}?static`);
        await page.locator(selector).first().waitFor({timeout: 30_000});
        await follow(path, await page.locator(selector).evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href)));
      }
      await page.close();
    } finally {
      await plain.close();
    }
    expect(failed).toEqual([]);
    expect(linked.has("/pairs/BTCUSDT-ETHUSDT.html")).toBe(true);
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  }, 120_000);
});
