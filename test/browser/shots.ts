// Screenshots of every page of dist/ in headless Chromium (static mode), for a person to look at.
// Usage: tsx test/browser/shots.ts [out=/tmp/pairbook-shots] [dist=dist]
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";

const [out = "/tmp/pairbook-shots", dist = "dist", only] = process.argv.slice(2);
await mkdir(out, {recursive: true});
const site = await serveStatic(dist);
const browser = await launchBrowser();
const pages = [
  ["overview", "/"],
  ["pair", "/pairs/BTCUSDT-ETHUSDT"],
  ["basis", "/pairs/BTCUSDT-usdm_BTCUSDT"],
  ["perp", "/symbols/usdm_BTCUSDT"],
  ["coint", "/coint"],
  ["lab", "/lab"],
  ["research", "/research/hedge-drift"],
  ["data", "/data"],
  ["system", "/system"],
].filter(([name]) => !only || name === only);
for (const [name, path] of pages) {
  const page = await browser.newPage({viewport: {width: 1400, height: 1000}});
  const errors = collectErrors(page);
  await page.goto(`${site.url}${path}?static`);
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(name === "pair" || name === "basis" || name === "lab" || name === "coint" || name === "research" ? 5000 : 1500);
  await page.screenshot({path: join(out, `${name}.png`), fullPage: true});
  const errorCells = await page.locator(".observablehq--error").allTextContents();
  console.log(`${name}: ${join(out, `${name}.png`)}; console errors ${JSON.stringify(errors)}; error cells ${JSON.stringify(errorCells)}`);
  await page.close();
}
await browser.close();
await site.close();
