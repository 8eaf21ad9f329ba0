// Research pages (src/research/): the example page renders from the test lake without an error cell,
// and a page dropped into the folder shows up in the sidebar of the built site with no other edit.
import {spawn} from "node:child_process";
import {cp, mkdtemp, rm, symlink, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, relative, resolve} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {collectErrors, launchBrowser, serveStatic, setRange} from "./harness.js";

const project = resolve(import.meta.dirname, "..", "..");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** Opens `path` of a served site in static mode and waits for `ready`. */
async function open(url: string, path: string, ready: string): Promise<{page: Page; errors: string[]}> {
  const page = await browser.newPage({viewport: {width: 1300, height: 1400}});
  const errors = collectErrors(page);
  await page.goto(`${url}${path}?static`);
  await page.locator(ready).first().waitFor({timeout: 30_000});
  return {page, errors};
}

const values = (page: Page, selector: string) =>
  page.locator(`${selector} td[data-value]`).evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-value"))));

describe("the example research page (dist/research/hedge-drift.html)", () => {
  let site: {url: string; close: () => Promise<void>};
  beforeAll(async () => void (site = await serveStatic("dist")));
  afterAll(() => site?.close());

  it("draws β by six methods and a three-symbol basket with no error cell, and follows the window slider", async () => {
    const {page, errors} = await open(site.url, "/research/hedge-drift", "#basket-table");
    await page.locator("#drift-table").waitFor();
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    const rows = await page.locator("#drift-table tbody tr td:first-child").allTextContents();
    expect(rows).toEqual(["ols", "tls", "huber", "theil-sen", "ransac", "kalman"]);
    // Per method: full sample, rolling min, rolling max, last; the last rolling β lies within its range.
    const drift = await values(page, "#drift-table");
    expect(drift.every(Number.isFinite)).toBe(true);
    for (let r = 0; r < 6; ++r) {
      const [, min, max, last] = drift.slice(4 * r, 4 * r + 4);
      expect(min).toBeLessThanOrEqual(last);
      expect(last).toBeLessThanOrEqual(max);
    }
    expect(await page.locator("#drift svg").count()).toBeGreaterThan(0);
    // The test lake holds four symbols: BTCUSDT against ETHUSDT and the next symbol, two betas.
    expect(await page.locator("#basket h2").textContent()).toMatch(/^BTCUSDT = α \+ β1·ETHUSDT \+ β2·[A-Z]+USDT \+ spread$/);
    const basket = await values(page, "#basket-table");
    expect(basket.slice(0, 5).every(Number.isFinite)).toBe(true);
    const pValue = basket[3];
    expect(pValue).toBeGreaterThanOrEqual(0);
    expect(pValue).toBeLessThanOrEqual(1);
    // A shorter window refits: the heading and the numbers change.
    const before = await page.locator("#drift h2").textContent();
    await setRange(page, "refit window", 120);
    await page.locator("#drift h2", {hasText: "120-bar window"}).waitFor();
    expect(await page.locator("#drift h2").textContent()).not.toBe(before);
    expect(await values(page, "#drift-table")).not.toEqual(drift);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("is listed under Research in every page's sidebar", async () => {
    const {page} = await open(site.url, "/", "#observablehq-sidebar");
    const research = page.locator("#observablehq-sidebar details", {hasText: "Research"});
    expect(await research.locator("a").evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]))).toEqual([
      ["Hedge-ratio drift", "./research/hedge-drift.html"],
    ]);
    await page.close();
  });
});

/** Runs a command to completion; rejects with its output on a non-zero exit. */
function run(command: string, args: string[], options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {...options, stdio: ["ignore", "pipe", "pipe"]});
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output.slice(-3000)}`)),
    );
  });
}

describe("a page dropped into src/research/", () => {
  let copy: string, site: {url: string; close: () => Promise<void>} | undefined;
  // A copy of the project with one more page, built as `npm run test:build` builds (same lake). The
  // copy keeps Framework's cache with its timestamps, so the data loaders' outputs are reused.
  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), "pairbook-research-"));
    const skip = new Set(["node_modules", "dist", ".git", "test", "bench", "data", "data-demo"]);
    await cp(project, copy, {
      recursive: true,
      preserveTimestamps: true,
      filter: (path) => !skip.has(relative(project, path).split(/[/\\]/)[0]) && !relative(project, path).startsWith("cli/.bundle"),
    });
    await symlink(join(project, "node_modules"), join(copy, "node_modules"));
    await writeFile(
      join(copy, "src", "research", "dropped.md"),
      '---\ntitle: Dropped page\n---\n\n```js\nimport {info} from "../notebook/index.js";\nconst book = await info();\n```\n\n<p id="dropped">${book.symbols.length} symbols</p>\n',
    );
    const env = {...process.env, PAIRBOOK_LAKE: join(project, "test", ".lake"), OBSERVABLE_TELEMETRY_DISABLE: "true"};
    // Framework itself, not scripts/observable.js build (which clears the loaders' cached outputs).
    await run(process.execPath, [join(project, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js"), "build"], {
      cwd: copy,
      env,
    });
    // …then what the launcher does after it: the worker and page bundles (check-dist expects them).
    const bundle = `import {bundleWorkers} from "./scripts/bundleWorkers.js"; import {bundlePages} from "./scripts/bundlePages.js";
      await bundleWorkers("dist"); await bundlePages("dist");`;
    await run(process.execPath, ["--input-type=module", "-e", bundle], {cwd: copy, env});
    await run(process.execPath, ["scripts/check-dist.js"], {cwd: copy, env});
    site = await serveStatic(join(copy, "dist"));
  }, 170_000);
  afterAll(async () => {
    await site?.close();
    await rm(copy, {recursive: true, force: true});
  });

  it("is built, listed under Research by its title, and opens from the sidebar", async () => {
    const {page, errors} = await open(site!.url, "/research/hedge-drift", "#observablehq-sidebar");
    const links = page.locator("#observablehq-sidebar details", {hasText: "Research"}).locator("a");
    expect(await links.allTextContents()).toEqual(["Dropped page", "Hedge-ratio drift"]);
    await links.first().click();
    // The inline expression fills in once info() resolves: the test lake's five symbols (4 spot, usdm:BTCUSDT).
    await page.locator("#dropped", {hasText: /\d symbols/}).waitFor({timeout: 30_000});
    expect(await page.locator("#dropped").textContent()).toBe("5 symbols");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
