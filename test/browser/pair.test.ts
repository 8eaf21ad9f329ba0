// The pair page, built from the deterministic test lake (npm run test:build), in headless Chromium.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startRecorder, type Recorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../recorder/simulator/index.js";
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

describe("pair page (static, no recorder)", () => {
  it("renders charts without error cells, and the z-score follows the window slider", async () => {
    const page = await browser.newPage({viewport: {width: 1200, height: 1600}});
    const errors = collectErrors(page);
    await page.goto(`${site.url}/?static`);
    await page.locator("#zscore-last").waitFor();
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(await page.locator("#live-status").getAttribute("data-state")).toBe("static");
    expect(await page.locator("#live-status").textContent()).toContain("static snapshot (built");
    expect(await page.locator("svg[class^=plot]").count()).toBeGreaterThanOrEqual(3);
    const bars = Number((await page.locator("#bar-count").textContent())!.replace(/,/g, ""));
    expect(bars).toBeGreaterThan(2000); // 45 minutes of 1-second bars
    const before = await page.locator("#zscore-last").textContent();
    await setRange(page, "z-score window", 300);
    await expect.poll(() => page.locator("#zscore-last").textContent()).not.toBe(before);
    expect(await page.locator("#zscore-chart").textContent()).toContain("300-bar window");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("falls back to the snapshot with a visible notice when no recorder answers", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/?live=ws://127.0.0.1:9`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state")).toBe("reconnecting");
    expect(await page.locator("#live-status").textContent()).toMatch(/No recorder at ws:\/\/127\.0\.0\.1:9; retrying in \d+ s — showing the static snapshot \(built/);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    await page.close();
  });
});

describe("pair page (live)", () => {
  let simulator: Simulator, recorder: Recorder, lake: string;
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-live-"));
    simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 20});
    recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"], lake, wsUrl: simulator.wsUrl, restUrl: simulator.restUrl,
      liveHost: "127.0.0.1", livePort: 0, publishMs: 1000, log: () => {}
    });
  });
  afterAll(async () => {
    await simulator?.close();
    await recorder?.stop();
    await rm(lake, {recursive: true, force: true});
  });

  it("goes live and appends bars from the recorder's feed", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/?live=ws://127.0.0.1:${recorder.livePort}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-state"), {timeout: 15_000}).toBe("live");
    const count = async () => Number((await page.locator("#bar-count").textContent())!.replace(/,/g, ""));
    const first = await count();
    await expect.poll(count, {timeout: 15_000}).toBeGreaterThan(first + 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
