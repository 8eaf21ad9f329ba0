// The pair report's hedge switch in the worker (src/client/seriesClient.ts): the series worker computes
// the dynamic hedges' series ahead and sends them to the page, so switching the hedge takes them with no
// request (or asks for them when the switch comes first), and the page shows the same numbers as a page
// opened with that hedge; a hedge switched back is the page's own (kept by its stream), with no worker asked.
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
const attribute = (page: Page, selector: string) => page.locator(selector).first().getAttribute("data-value");
const shown = async (page: Page) => ({z: await attribute(page, "#zscore-last"), pnl: await attribute(page, "#pnl")});

/**
 * Records the type of every message the page posts to a worker (window.__posted) and the part of every
 * reply it receives (window.__received); a string, as the page has no bundler helpers.
 */
const recordPosts = `{
  const posted = (window.__posted = []), received = (window.__received = []);
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    posted.push(String(message && message.type));
    return post.call(this, message, ...rest);
  };
  const Base = Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => received.push(String(e.data && e.data.part)));
    }
  };
}`;
const posted = (page: Page) => page.evaluate(() => (window as unknown as {__posted: string[]}).__posted.slice());
const received = (page: Page) => page.evaluate(() => (window as unknown as {__received: string[]}).__received.slice());

describe("pair report: the hedge switch's series come from the worker", () => {
  it("switching to Kalman, then rolling OLS, takes the series the worker sent ahead, with the numbers of a page opened with that hedge; back to Kalman, the page's own", async () => {
    const page = await browser.newPage({viewport: {width: 1300, height: 1400}});
    const errors = collectErrors(page);
    await page.addInitScript({content: recordPosts});
    await page.goto(`${site.url}${report}?static`);
    await page.locator("#hedge-table").waitFor({timeout: 30_000});
    // The dynamic hedges the select offers are computed ahead: asked once the first series are drawn,
    // which may come after the hedge table (the fit) has rendered.
    await expect.poll(() => posted(page)).toContain("prefetch");
    // Both dynamic hedges' series sent to the page unasked.
    await expect.poll(() => received(page).then((r) => r.filter((p) => p === "ahead").length), {timeout: 15_000}).toBe(2);
    const select = page.locator("form", {hasText: "hedge method"}).first().locator("select");
    let before = await shown(page);
    const seen = new Map<string, {z: string | null; pnl: string | null}>();
    for (const method of ["kalman", "rolling-ols"]) {
      const series = (await posted(page)).filter((t) => t === "series").length;
      await select.selectOption(method);
      await expect.poll(() => attribute(page, "#zscore-last"), {timeout: 15_000}).not.toBe(before.z);
      expect((await posted(page)).filter((t) => t === "series").length).toBe(series); // nothing asked: they were on the page
      const switched = await shown(page);
      // Opened with that hedge: nothing to switch from, so the series come with the first fit (the fit worker).
      const fresh = await browser.newPage({viewport: {width: 1300, height: 1400}});
      await fresh.goto(`${site.url}${report}?static&method=${method}`);
      await fresh.locator("#hedge-table").waitFor({timeout: 30_000});
      await expect.poll(() => shown(fresh), {timeout: 15_000}).toEqual(switched);
      await fresh.close();
      seen.set(method, (before = switched));
    }
    // Switched back: the page's stream kept Kalman's series (src/lib/stream/ruleStash.ts): the same
    // numbers, the charts redrawn, and no worker asked for them.
    const series = (await posted(page)).filter((t) => t === "series").length,
      drawn = await page.locator("#spread-chart [data-drawn]").getAttribute("data-drawn");
    await select.selectOption("kalman");
    await expect.poll(() => shown(page), {timeout: 15_000}).toEqual(seen.get("kalman"));
    await expect.poll(() => page.locator("#spread-chart [data-drawn]").getAttribute("data-drawn")).not.toBe(drawn);
    expect((await posted(page)).filter((t) => t === "series").length).toBe(series);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
