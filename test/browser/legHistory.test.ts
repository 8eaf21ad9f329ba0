// The pair and symbol pages built while the recorder still loads history (`record --history`): a notice
// naming the legs still loading and what the lake held of them, in the static build and live (with the
// ETA), and none once the history is complete. The recorder is a test server answering /health only.
// Built after the recorder stopped halfway (no recorder loading: the progress it left in the lake,
// <lake>/history/state.json), the notice says the history did not finish.
//
// "Built against" a history: the pages' HTML and modules come from `npm run test:build` (dist/), which no
// history changes; their bars file is what the page's own data loader (src/pairs/[pair].arrow.ts,
// src/symbols/[symbol].arrow.ts) writes on the test lake with that recorder answering, run here as
// Framework runs it, and served under the built file's name.
import {spawn} from "node:child_process";
import {mkdir, readdir, rm, writeFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import {join, resolve} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {ticksGlob} from "../../lake/layout.js";
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";

const lake = resolve("test/.lake");
const minute = 60_000;
let first: number, last: number; // ETHUSDT's oldest and latest trade in the test lake
let windowStart: number;

function leg(state: SymbolHistory["state"], coveredFrom: number, etaMs: number | null): SymbolHistory {
  return {
    state,
    windowStart,
    coveredFrom,
    remainingMs: coveredFrom - windowStart,
    etaMs,
    trades: 1000,
    requests: 3,
    archiveDays: {total: 0, imported: [], fellBack: []},
    detail: state === "loading" ? "REST" : null,
  };
}

/** ETHUSDT loading (its window starts 90 min before the lake's first trade), BTCUSDT done; or both done. */
function history(loading: boolean): HistoryHealth {
  return {
    windowMs: 180 * minute,
    loading,
    symbols: {
      BTCUSDT: leg("done", windowStart, 0),
      ETHUSDT: loading ? leg("loading", first, 2_700_000) : leg("done", windowStart, 0),
    },
  };
}

// What /health answers: the recorder's lake and history (the fields the loaders and these pages read).
let answer: {lake: string; history: HistoryHealth | null};
let recorder: Server, liveUrl: string;
let browser: Browser, dist: {url: string; close: () => Promise<void>}, site: Server, siteUrl: string;
/** Built file name (under /_file/) → the bytes the page gets instead. */
let served = new Map<string, Buffer>();
const built = {loading: new Map<string, Buffer>(), done: new Map<string, Buffer>(), stopped: new Map<string, Buffer>()};

/** The data loader `entry` run as Framework runs it, with the recorder answering `answer`: its stdout. */
function runLoader(entry: string, ...args: string[]): Promise<Buffer> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
      env: {...process.env, PAIRBOOK_LAKE: lake, PAIRBOOK_LIVE_URL: liveUrl},
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done(Buffer.concat(out)) : fail(new Error(`${entry} exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** `/_file/<dir>/<name>.<hash>.<ext>` of the built site. */
async function builtFile(dir: string, name: string, ext = "arrow"): Promise<string> {
  const file = (await readdir(join("dist", "_file", dir))).find((f) => new RegExp(`^${name}\\.[0-9a-f]+\\.${ext}$`).test(f));
  if (!file) throw new Error(`no ${dir}/${name}.*.${ext} in dist/: run npm run test:build`);
  return `/_file/${dir}/${file}`;
}

/** Builds the pair page BTCUSDT-ETHUSDT, the symbol page ETHUSDT and the overview file against `history(loading)`. */
async function buildAgainst(loading: boolean, files: Map<string, Buffer>) {
  answer = {lake, history: history(loading)};
  files.set(await builtFile("data", "overview", "json"), await runLoader("src/data/overview.json.ts"));
  files.set(await builtFile("pairs", "BTCUSDT-ETHUSDT"), await runLoader("src/pairs/[pair].arrow.ts", "--pair=BTCUSDT-ETHUSDT"));
  files.set(await builtFile("symbols", "ETHUSDT"), await runLoader("src/symbols/[symbol].arrow.ts", "--symbol=ETHUSDT"));
}

beforeAll(async () => {
  [[first, last]] = await withDuckDB(async (c) =>
    (
      await c.runAndReadAll(
        `SELECT epoch_ms(min(time))::DOUBLE, epoch_ms(max(time))::DOUBLE FROM read_parquet('${ticksGlob(lake, "ETHUSDT")}')`,
      )
    )
      .getRows()
      .map((r) => r.map(Number)),
  );
  windowStart = first - 90 * minute;
  recorder = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    if (req.url === "/health") res.writeHead(200, {"content-type": "application/json"}).end(JSON.stringify(answer));
    else res.writeHead(404).end();
  });
  await new Promise<void>((done) => recorder.listen(0, "127.0.0.1", done));
  const address = recorder.address();
  liveUrl = `ws://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  dist = await serveStatic("dist");
  // dist/ as built, but the files in `served` as built against the test's history.
  site = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname,
      bytes = served.get(path);
    if (bytes) return void res.writeHead(200, {"content-type": "application/vnd.apache.arrow.stream"}).end(bytes);
    void fetch(`${dist.url}${req.url}`).then(async (r) => {
      res.writeHead(r.status, {"content-type": r.headers.get("content-type") ?? "application/octet-stream"});
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((done) => site.listen(0, "127.0.0.1", done));
  const siteAddress = site.address();
  siteUrl = `http://127.0.0.1:${typeof siteAddress === "object" && siteAddress ? siteAddress.port : 0}`;
  browser = await launchBrowser();
  // Six loader runs (tsx and DuckDB starting each time): minutes on a loaded machine.
  await buildAgainst(true, built.loading);
  await buildAgainst(false, built.done);
  // A recorder restarted without --history, and in the lake the marker of a run killed while ETHUSDT loaded.
  const markerAt = first + 5 * minute;
  await mkdir(join(lake, "history"), {recursive: true});
  await writeFile(
    join(lake, "history", "state.json"),
    JSON.stringify({
      format: 1,
      windowMs: 180 * minute,
      startedAt: windowStart + 180 * minute,
      windowStart,
      updatedAt: markerAt,
      symbols: {
        BTCUSDT: {state: "done", windowStart, coveredFrom: windowStart, detail: null},
        ETHUSDT: {state: "loading", windowStart, coveredFrom: first, detail: "REST"},
      },
    }),
  );
  try {
    answer = {lake, history: null};
    built.stopped.set(await builtFile("data", "overview", "json"), await runLoader("src/data/overview.json.ts"));
    built.stopped.set(await builtFile("pairs", "BTCUSDT-ETHUSDT"), await runLoader("src/pairs/[pair].arrow.ts", "--pair=BTCUSDT-ETHUSDT"));
  } finally {
    await rm(join(lake, "history"), {recursive: true, force: true});
  }
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await dist?.close();
  for (const server of [site, recorder]) await new Promise((done) => (server?.closeAllConnections(), server?.close(done)));
});

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
const squeeze = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? "").replace(/\s+/g, " ");

async function open(path: string, wait: string) {
  const page = await browser.newPage({viewport: {width: 1300, height: 1200}});
  const errors = collectErrors(page);
  await page.goto(`${siteUrl}${path}`);
  await page.locator(wait).first().waitFor({timeout: 30_000});
  return {page, errors};
}

describe("pair and symbol pages built while history loads", () => {
  it("built while ETHUSDT loads: the static pair page names it with what the lake held, no ETA", async () => {
    served = built.loading;
    const {page, errors} = await open("/pairs/BTCUSDT-ETHUSDT?static", "#hedge-table");
    const notice = page.locator("#history-notice");
    expect(await notice.getAttribute("data-state")).toBe("loading");
    expect(await notice.getAttribute("data-source")).toBe("build");
    expect(await notice.isVisible()).toBe(true);
    const text = await squeeze(page, "#history-notice");
    expect(text).toContain("the recorder fills the last 3 h");
    // The lake held ETHUSDT from its first to its last trade; the window starts 90 min earlier.
    expect(await squeeze(page, ".pb-history-leg[data-symbol=ETHUSDT]")).toBe(
      `ETHUSDT: holds ${utc(first)} – ${utc(last)} UTC, 1 h 30 min of the window still to load`,
    );
    expect(await squeeze(page, ".pb-history-leg[data-symbol=BTCUSDT]")).toBe("BTCUSDT: loaded");
    expect(text).not.toContain("left");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    if (process.env.PAIRBOOK_SHOTS) await page.screenshot({path: `${process.env.PAIRBOOK_SHOTS}/pair-history.png`});
    await page.close();
  });

  it("the symbol page of the loading leg says the same", async () => {
    const {page, errors} = await open("/symbols/ETHUSDT?static", "#symbol-kpis .card");
    expect(await page.locator("#history-notice").getAttribute("data-state")).toBe("loading");
    expect(await page.locator(".pb-history-leg").count()).toBe(1);
    expect(await squeeze(page, ".pb-history-leg[data-symbol=ETHUSDT]")).toContain(`holds ${utc(first)} – ${utc(last)} UTC`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("the Overview page built then says history was still loading", async () => {
    const {page, errors} = await open("/?static", "#symbol-links");
    const notice = page.locator("#history-notice");
    expect(await notice.getAttribute("data-source")).toBe("build");
    // BTCUSDT done, ETHUSDT loading; the recorder's history holds no other symbol of the test lake.
    expect(await squeeze(page, "#history-notice")).toContain("the recorder was filling the last 3 h (1 of 2 symbols done)");
    expect(await notice.isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("live, the notice follows /health with the ETA, and goes once the history is done", async () => {
    served = built.loading;
    answer = {lake, history: history(true)};
    const {page} = await open(`/pairs/BTCUSDT-ETHUSDT?live=${liveUrl}`, "#history-notice");
    const notice = page.locator("#history-notice");
    await expect.poll(() => notice.getAttribute("data-source"), {timeout: 15_000}).toBe("recorder");
    expect(await squeeze(page, ".pb-history-leg[data-symbol=ETHUSDT]")).toBe(
      `ETHUSDT: covered from ${utc(first)} UTC, 1 h 30 min of the window still to load, about 45 min left`,
    );
    answer = {lake, history: history(false)}; // the next 5-second poll reads it
    await expect.poll(() => notice.getAttribute("data-state"), {timeout: 15_000}).toBe("none");
    expect(await notice.isVisible()).toBe(false);
    await page.close();
  });

  it("built after the recorder stopped halfway (the lake's marker, no recorder loading): the pair page and the Overview say the history did not finish", async () => {
    served = built.stopped;
    const {page, errors} = await open("/pairs/BTCUSDT-ETHUSDT?static", "#hedge-table");
    const notice = page.locator("#history-notice");
    expect(await notice.getAttribute("data-state")).toBe("loading");
    expect(await notice.isVisible()).toBe(true);
    const text = await squeeze(page, "#history-notice");
    expect(text).toContain(`History did not finish loading`);
    expect(text).toContain(`its progress as last written, at ${utc(first + 5 * minute)} UTC`);
    expect(text).not.toContain("History is still loading");
    expect(await squeeze(page, ".pb-history-leg[data-symbol=ETHUSDT]")).toBe(
      `ETHUSDT: holds ${utc(first)} – ${utc(last)} UTC, 1 h 30 min of the window never loaded`,
    );
    expect(errors).toEqual([]);
    if (process.env.PAIRBOOK_SHOTS) await page.screenshot({path: `${process.env.PAIRBOOK_SHOTS}/pair-history-stopped.png`});
    await page.close();
    const overview = await open("/?static", "#symbol-links");
    expect(await squeeze(overview.page, "#history-notice")).toContain("History did not finish loading");
    expect(await squeeze(overview.page, "#history-notice")).toContain("1 of 2 symbols done");
    expect(overview.errors).toEqual([]);
    if (process.env.PAIRBOOK_SHOTS) await overview.page.screenshot({path: `${process.env.PAIRBOOK_SHOTS}/overview-history-stopped.png`});
    await overview.page.close();
  });

  it("built once the history is complete: no notice on any of these pages", async () => {
    served = built.done;
    for (const [path, wait] of [
      ["/?static", "#symbol-links"],
      ["/pairs/BTCUSDT-ETHUSDT?static", "#hedge-table"],
      ["/symbols/ETHUSDT?static", "#symbol-kpis .card"],
    ]) {
      const {page, errors} = await open(path, wait);
      expect(await page.locator("#history-notice").getAttribute("data-state")).toBe("none");
      expect(await page.locator("#history-notice").isVisible()).toBe(false);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
