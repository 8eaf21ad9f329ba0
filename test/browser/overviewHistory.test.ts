// The Overview and System pages while a recorder loads history (`record --history`): a notice at the top and
// per-symbol progress in the health card, gone once /health says the loading is done. The recorder is a
// test server that speaks /health (src/protocol/health.ts) and nothing else, so each state is exact.
import {createServer, type Server} from "node:http";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {Health, HistoryHealth} from "../../src/protocol/health.js";
import {launchBrowser, serveStatic} from "./harness.js";

const now = Date.parse("2026-12-01T12:00:00Z");
const minute = 60_000;

function historyLoading(): HistoryHealth {
  return {
    windowMs: 120 * minute,
    loading: true,
    symbols: {
      BTCUSDT: {
        state: "done",
        windowStart: now - 120 * minute,
        coveredFrom: now - 120 * minute,
        remainingMs: 0,
        etaMs: 0,
        trades: 43_200,
        requests: 44,
        archiveDays: {total: 0, imported: [], fellBack: []},
        detail: null,
      },
      ETHUSDT: {
        state: "loading",
        windowStart: now - 120 * minute,
        coveredFrom: now - 30 * minute,
        remainingMs: 90 * minute,
        etaMs: 45_000,
        trades: 10_800,
        requests: 11,
        archiveDays: {total: 1, imported: ["2026-11-30"], fellBack: []},
        detail: "REST",
      },
    },
  };
}

function historyDone(): HistoryHealth {
  const h = historyLoading();
  h.loading = false;
  Object.assign(h.symbols.ETHUSDT, {
    state: "done",
    coveredFrom: now - 120 * minute,
    remainingMs: 0,
    etaMs: 0,
    trades: 43_200,
    detail: null,
  });
  return h;
}

function health(history: HistoryHealth | null): Health {
  const symbol = {
    lastId: 1,
    receivedAt: now,
    lastTime: now,
    receiveLagMs: 5,
    trades: 100,
    tradesPerSecond: 6,
    duplicates: 0,
    backfilled: 0,
    openGap: null,
    gapsFilled: 0,
    gapsUnfilled: 0,
  };
  return {
    uptimeSeconds: 60,
    lake: "/tmp/lake",
    connections: [{symbols: ["BTCUSDT", "ETHUSDT"], state: "open", since: now}],
    symbols: {BTCUSDT: symbol, ETHUSDT: symbol},
    rejectedFrames: 0,
    lastRejected: null,
    unsyncedTrades: 0,
    pendingTrades: 0,
    filesPublished: 2,
    tradesPublished: 200,
    compactions: 0,
    gapsRecorded: 0,
    lastPublishAt: now,
    lakeError: null,
    lastSyncAt: now,
    syncLagMs: 0,
    worstSyncLagMs: 0,
    bufferedBytes: 0,
    maxBufferedBytes: 1,
    gapsPending: 0,
    rest: {requests: 55, rateLimited: 0},
    liveLatencyMs: null,
    alerts: null,
    history,
    memory: {rss: 1, heapUsed: 1, external: 1},
    liveClients: 0,
    liveClientsDropped: 0,
    liveRequestsRefused: 0,
  };
}

let browser: Browser, site: {url: string; close: () => Promise<void>}, recorder: Server, liveUrl: string;
let answer: Health = health(historyLoading());
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
  recorder = createServer((req, res) => {
    // The pages fetch /health cross-origin (the site is on another port), as from the real recorder.
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    if (req.url === "/health") res.writeHead(200, {"content-type": "application/json"}).end(JSON.stringify(answer));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  const address = recorder.address();
  liveUrl = `ws://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await new Promise((resolve) => (recorder?.closeAllConnections(), recorder?.close(resolve)));
});

describe("history loading on the Overview and System pages", () => {
  it("a notice and per-symbol progress while /health says loading; both go once it is done", async () => {
    answer = health(historyLoading());
    const page = await browser.newPage({viewport: {width: 1300, height: 1400}});
    await page.goto(`${site.url}/?live=${liveUrl}`);
    const notice = page.locator("#history-notice");
    await expect.poll(() => notice.getAttribute("data-state"), {timeout: 15_000}).toBe("loading");
    // 120 min window, one of two symbols done, the longest ETA 45 s.
    expect((await notice.textContent())!.replace(/\s+/g, " ")).toContain(
      "filling the last 2 h (1 of 2 symbols done, less than a minute left)",
    );
    expect(await notice.isVisible()).toBe(true);
    const eth = page.locator("#history-table tr[data-symbol=ETHUSDT] td");
    // Covered from 11:30 UTC, 90 min remaining, ETA 45 s, 10,800 trades, 1 of 1 archive day.
    expect(await eth.allTextContents()).toEqual(["ETHUSDT", "loading (REST)", "2026-12-01 11:30", "1 h 30 min", "45 s", "10,800", "1 / 1"]);
    expect(await page.locator("#history-table tr[data-symbol=BTCUSDT]").getAttribute("data-state")).toBe("done");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    // PAIRBOOK_SHOTS=DIR: a screenshot of the loading state, for a person to look at.
    if (process.env.PAIRBOOK_SHOTS) await page.screenshot({path: `${process.env.PAIRBOOK_SHOTS}/overview-history.png`, fullPage: true});

    answer = health(historyDone()); // the next 5-second poll reads it
    await expect.poll(() => notice.getAttribute("data-state"), {timeout: 15_000}).toBe("none");
    expect(await notice.isVisible()).toBe(false);
    expect(await page.locator("#history-table").count()).toBe(0);
    expect(await page.locator("#history-summary").textContent()).toContain("History: the last 2 h loaded (86,400 trades).");
    await page.close();
  });

  it("the System page shows the same notice and table while loading, and nothing of history without it", async () => {
    answer = health(historyLoading());
    const page = await browser.newPage({viewport: {width: 1300, height: 1400}});
    await page.goto(`${site.url}/system?live=${liveUrl}`);
    await expect.poll(() => page.locator("#history-notice").getAttribute("data-state"), {timeout: 15_000}).toBe("loading");
    expect(await page.locator("#history-table tbody tr").count()).toBe(2);

    answer = health(null); // a recorder without --history
    await expect.poll(() => page.locator("#history-notice").getAttribute("data-state"), {timeout: 15_000}).toBe("none");
    expect(await page.locator("#history-summary").count()).toBe(0);
    await page.close();
  });
});
