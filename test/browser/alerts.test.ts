// The Alerts page (dist/alerts.html) in headless Chromium against a real simulator + recorder with an
// alert rules file: create a rule in the form, see it fire (toast, live list), find it in the history,
// filter and export it, get a field-specific refusal, pause and delete; toasts on another page; and the
// static page (no connection from the page or the site-wide toaster).
import {mkdir, mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Browser, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startRecorder, type Recorder} from "../../recorder/recorder.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {collectErrors, launchBrowser, serveStatic} from "./harness.js";

interface Event {
  id: string;
  ruleId: string;
  severity: string;
  value: number;
  threshold: number;
  time: number;
  bar: number | null;
}

let browser: Browser, site: {url: string; close: () => Promise<void>}, dir: string;
beforeAll(async () => {
  site = await serveStatic("dist");
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), "pairbook-alerts-page-"));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await rm(dir, {recursive: true, force: true});
});

/** Chooses an option of the form's Inputs.select `field` by its label. */
const choose = (page: Page, field: string, label: string) => page.locator(`#alert-form [data-field=${field}] select`).selectOption({label});
const type = (page: Page, field: string, text: string) => page.locator(`#alert-form [data-field=${field}] input`).fill(text);
const filter = (page: Page, label: string, option: string) =>
  page.locator("#history-filters form", {hasText: label}).locator("select").selectOption({label: option});

describe("alerts page (live, simulator + recorder with a rules file)", () => {
  let simulator: Simulator, recorder: Recorder, lake: string, api: string, liveUrl: string;
  beforeAll(async () => {
    lake = join(dir, "lake");
    simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 20});
    recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"],
      lake,
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 1000,
      alertsFile: join(dir, "alerts.json"),
      log: () => {},
    });
    api = `http://127.0.0.1:${recorder.livePort}`;
    liveUrl = `ws://127.0.0.1:${recorder.livePort}`;
  });
  afterAll(async () => {
    await simulator?.close();
    await recorder?.stop();
  });
  const get = async <T>(path: string): Promise<T> => (await (await fetch(api + path)).json()) as T;

  it("creates a rule in the form, sees it fire live, finds, filters and exports it, refuses a bad rule, pauses and deletes", async () => {
    const page = await browser.newPage({viewport: {width: 1400, height: 1100}, acceptDownloads: true});
    const errors = collectErrors(page);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${site.url}/alerts?live=${liveUrl}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-alerts"), {timeout: 15_000}).toBe("live");
    await page.locator("#rules-empty").waitFor();

    // A rule that fires as soon as three 1-second bars of BTCUSDT have closed.
    await page.locator("#alert-form").waitFor();
    await type(page, "name", "BTC above 1");
    await choose(page, "metric", "price");
    await choose(page, "target", "BTCUSDT");
    await choose(page, "comparator", ">");
    await type(page, "threshold", "1");
    await choose(page, "interval", "1s");
    await type(page, "window", "3");
    await choose(page, "severity", "critical");
    await type(page, "cooldownSeconds", "3600");
    await page.locator("#alert-save").click();
    await expect.poll(() => page.locator("#alert-form-error").textContent()).toContain("Created rule rule-1");
    const [rule] = (await get<{rules: Record<string, unknown>[]}>("/alerts/rules")).rules;
    expect(rule).toMatchObject({
      id: "rule-1",
      name: "BTC above 1",
      target: "BTCUSDT",
      metric: "price",
      comparator: ">",
      threshold: 1,
      interval: "1s",
      window: 3,
      severity: "critical",
      cooldownSeconds: 3600,
      hysteresis: null,
      paused: false,
    });
    await page.locator("#rule-rule-1").waitFor();
    expect(await page.locator("#rule-rule-1 .pb-rule-state").getAttribute("data-state")).toBe("active");

    // It fires from the live feed: one toast, one entry in the live list, the value the recorder stored.
    const toast = page.locator(".pb-toast[data-event-id^='rule-1@']");
    await toast.waitFor({timeout: 20_000});
    await page.locator("#live-events li[data-rule=rule-1]").waitFor();
    const [fired] = (await get<{events: Event[]}>("/alerts/events?rule=rule-1")).events;
    expect(fired.value).toBeGreaterThan(1);
    expect(await toast.getAttribute("data-event-id")).toBe(fired.id);
    expect(await toast.textContent()).toContain("BTC above 1");
    expect(await page.locator(".pb-toast").count()).toBe(1);
    expect(await page.locator("#live-events li").count()).toBe(1);
    if (process.env.PAIRBOOK_SHOTS) {
      await mkdir(process.env.PAIRBOOK_SHOTS, {recursive: true});
      await page.screenshot({path: join(process.env.PAIRBOOK_SHOTS, "alerts.png"), fullPage: true});
    }

    // A second rule with another severity, created through the API, fires too.
    await fetch(`${api}/alerts/rules`, {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({
        name: "ETH above 1",
        target: "ETHUSDT",
        metric: "price",
        comparator: ">",
        threshold: 1,
        interval: "1s",
        window: 3,
        severity: "info",
        cooldownSeconds: 3600,
      }),
    });
    await page.locator("#alert-history tr[data-rule=rule-2]").waitFor({timeout: 25_000});

    // History: both rules, then narrowed by rule and by severity.
    await page.locator(`#alert-history tr[data-event='${fired.id}']`).waitFor();
    expect(await page.locator("#alert-history tbody tr").count()).toBe(2);
    await filter(page, "rule", "rule-1");
    await expect.poll(() => page.locator("#alert-history tbody tr").count()).toBe(1);
    expect(await page.locator("#alert-history tbody tr").getAttribute("data-rule")).toBe("rule-1");
    await filter(page, "rule", "all rules");
    await filter(page, "severity", "info");
    await expect.poll(() => page.locator("#alert-history tbody tr").getAttribute("data-rule")).toBe("rule-2");
    expect(await page.locator("#alert-history tbody tr").count()).toBe(1);
    await filter(page, "severity", "all");
    await filter(page, "since", "last 5 minutes");
    await expect.poll(() => page.locator("#alert-history").getAttribute("data-count")).toBe("2");

    // Export of rule-1's events: exactly the recorder's rows.
    await filter(page, "rule", "rule-1");
    await expect.poll(() => page.locator("#alert-history").getAttribute("data-count")).toBe("1");
    const download = page.waitForEvent("download");
    await page.locator("#export-json").click();
    const saved = join(dir, "alerts.json.download");
    await (await download).saveAs(saved);
    expect(JSON.parse(await readFile(saved, "utf8"))).toEqual((await get<{events: Event[]}>("/alerts/events?rule=rule-1")).events);
    const csvDownload = page.waitForEvent("download");
    await page.locator("#export-csv").click();
    const csvPath = join(dir, "alerts.csv");
    await (await csvDownload).saveAs(csvPath);
    const csv = (await readFile(csvPath, "utf8")).trim().split("\n");
    expect(csv[0]).toBe("id,time,ruleId,ruleName,target,metric,comparator,threshold,value,severity,bar");
    expect(csv.slice(1)).toEqual([
      `${fired.id},${new Date(fired.time).toISOString()},rule-1,BTC above 1,BTCUSDT,price,>,1,${fired.value},critical,${new Date(fired.bar!).toISOString()}`,
    ]);

    // An invalid rule: the recorder's message is shown next to the form and the field is outlined.
    await type(page, "name", "too short");
    await type(page, "window", "2");
    await page.locator("#alert-save").click();
    await expect.poll(() => page.locator("#alert-form-error").getAttribute("data-error-field")).toBe("window");
    expect(await page.locator("#alert-form-error").textContent()).toContain(
      "invalid window: 2 (expected an integer from 3 to 10000 (bars))",
    );
    expect(await page.locator("#alert-form form[data-field=window]").getAttribute("class")).toContain("pb-field-error");
    expect((await get<{rules: unknown[]}>("/alerts/rules")).rules).toHaveLength(2);

    // Edit: the form loads the rule, saves the change with PATCH and goes back to a new rule.
    await page.locator("#rule-rule-1 button[data-action=edit]").click();
    await expect.poll(() => page.locator("#alert-form").getAttribute("data-mode")).toBe("edit");
    expect(await page.locator("#alert-form [data-field=name] input").inputValue()).toBe("BTC above 1");
    await type(page, "threshold", "2");
    await page.locator("#alert-save").click();
    await expect.poll(() => page.locator("#alert-form").getAttribute("data-mode")).toBe("create");
    expect(
      (await get<{rules: {id: string; threshold: number; window: number}[]}>("/alerts/rules")).rules.find((r) => r.id === "rule-1"),
    ).toMatchObject({threshold: 2, window: 3});
    await expect.poll(() => page.locator("#rule-rule-1").textContent()).toContain("price > 2");

    // Pause, then delete.
    await page.locator("#rule-rule-1 button[data-action=pause]").click();
    await expect.poll(() => page.locator("#rule-rule-1").getAttribute("data-paused")).toBe("true");
    expect(await page.locator("#rule-rule-1 button[data-action=pause]").textContent()).toBe("Resume");
    expect((await get<{rules: {id: string; paused: boolean}[]}>("/alerts/rules")).rules.find((r) => r.id === "rule-1")?.paused).toBe(true);
    await page.locator("#rule-rule-2 button[data-action=delete]").click();
    await expect.poll(() => page.locator("#rule-rule-2").count()).toBe(0);
    expect((await get<{rules: {id: string}[]}>("/alerts/rules")).rules.map((r) => r.id)).toEqual(["rule-1"]);
    expect(
      JSON.parse(await readFile(join(dir, "alerts.json"), "utf8")).rules.map((r: {id: string; paused: boolean}) => [r.id, r.paused]),
    ).toEqual([["rule-1", true]]);

    // Toasts on every page (the toaster in observablehq.config.ts head): a rule fires while System is open.
    await page.goto(`${site.url}/system?live=${liveUrl}`);
    await expect.poll(() => page.locator("#health [data-state]").getAttribute("data-state"), {timeout: 15_000}).toBe("up");
    await fetch(`${api}/alerts/rules`, {
      method: "POST",
      headers: {"content-type": "application/json"},
      body: JSON.stringify({
        id: "eth-warn",
        target: "ETHUSDT",
        metric: "price",
        comparator: ">",
        threshold: 1,
        interval: "1s",
        window: 3,
        severity: "warning",
      }),
    });
    await page.locator(".pb-toast[data-event-id^='eth-warn@'][data-severity=warning]").waitFor({timeout: 20_000});
    expect(await page.locator(".pb-toast").count()).toBe(1);

    expect(await page.locator(".observablehq--error").count()).toBe(0);
    // Chromium logs the refused POST (400) as a console error; nothing else may fail.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.close();
  });
});

describe("alerts page with a recorder that requires a token (?live=ws://…/?token=…)", () => {
  const token = "f00dfacecafe0123456789ab";
  let simulator: Simulator, recorder: Recorder;
  beforeAll(async () => {
    simulator = await startSimulator({port: 0, symbols: ["BTCUSDT", "ETHUSDT"], rate: 20});
    // On loopback, but the token is checked whenever it is set, exactly as off loopback.
    recorder = await startRecorder({
      symbols: ["BTCUSDT", "ETHUSDT"],
      lake: join(dir, "token-lake"),
      wsUrl: simulator.wsUrl,
      restUrl: simulator.restUrl,
      liveHost: "127.0.0.1",
      livePort: 0,
      publishMs: 1000,
      alertsFile: join(dir, "token-alerts.json"),
      token,
      log: () => {},
    });
  });
  afterAll(async () => {
    await simulator?.close();
    await recorder?.stop();
  });

  it("lists the rules and creates one through the API with the token as a Bearer header; the page never shows the token", async () => {
    const api = `http://127.0.0.1:${recorder.livePort}`,
      auth = {authorization: `Bearer ${token}`};
    expect((await fetch(`${api}/alerts/rules`)).status).toBe(401); // the recorder does require it
    await fetch(`${api}/alerts/rules`, {
      method: "POST",
      headers: {...auth, "content-type": "application/json"},
      body: JSON.stringify({
        id: "eth-watch",
        name: "ETH watch",
        target: "ETHUSDT",
        metric: "price",
        comparator: "<",
        threshold: 1,
        interval: "1s",
        window: 3,
      }),
    });
    const page = await browser.newPage({viewport: {width: 1400, height: 1100}});
    const errors = collectErrors(page);
    const sent: {url: string; authorization: string | undefined}[] = [];
    page.on("request", (r) => void (r.url().startsWith(api) && sent.push({url: r.url(), authorization: r.headers().authorization})));
    await page.goto(`${site.url}/alerts?live=ws://127.0.0.1:${recorder.livePort}/?token=${token}`);
    await expect.poll(() => page.locator("#live-status").getAttribute("data-alerts"), {timeout: 15_000}).toBe("live");
    await page.locator("#rule-eth-watch").waitFor();

    await page.locator("#alert-form").waitFor();
    await type(page, "name", "BTC above 1");
    await choose(page, "metric", "price");
    await choose(page, "target", "BTCUSDT");
    await choose(page, "comparator", ">");
    await type(page, "threshold", "1");
    await type(page, "window", "3");
    await page.locator("#alert-save").click();
    await expect.poll(() => page.locator("#alert-form-error").textContent()).toContain("Created rule");
    const rules = ((await (await fetch(`${api}/alerts/rules`, {headers: auth})).json()) as {rules: {id: string; name: string}[]}).rules;
    expect(rules.map((r) => r.name)).toEqual(["ETH watch", "BTC above 1"]);
    await page.locator(`#rule-${rules[1].id}`).waitFor();

    // Every request to the recorder carried the token in its header, none in its URL (preflights carry none).
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.filter((r) => r.url.includes(token))).toEqual([]);
    expect(sent.filter((r) => r.authorization !== undefined && r.authorization !== `Bearer ${token}`)).toEqual([]);
    expect(sent.some((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    expect(await page.locator("#live-status").textContent()).toBe(`Live from the recorder at http://127.0.0.1:${recorder.livePort}`);
    expect(await page.locator("body").innerText()).not.toContain(token);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("alerts page without a recorder", () => {
  it("static (?static): no connection, no request, no console error, a notice instead of the API's parts", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const contacted: string[] = [];
    page.on("request", (request) => void (!request.url().startsWith(site.url) && contacted.push(request.url())));
    page.on("websocket", (socket) => void contacted.push(socket.url()));
    await page.goto(`${site.url}/alerts?static`);
    await page.locator("#alerts-notice").waitFor({timeout: 30_000});
    expect(await page.locator("#live-status").getAttribute("data-state")).toBe("static");
    expect(await page.locator("#alerts-notice").getAttribute("data-state")).toBe("static");
    await page.waitForTimeout(1000);
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    expect(contacted).toEqual([]);
    expect(errors).toEqual([]);
    // ?static persists for the tab's visit, like the other pages.
    await page.goto(`${site.url}/alerts`);
    await page.locator("#alerts-notice[data-state=static]").waitFor({timeout: 30_000});
    expect(contacted).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("live with no recorder: a notice saying the API needs a running recorder, no error cell", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/alerts?live=ws://127.0.0.1:9`);
    await expect.poll(() => page.locator("#alerts-notice").getAttribute("data-state"), {timeout: 15_000}).toBe("down");
    expect(await page.locator("#alerts-notice").textContent()).toContain("needs a running recorder");
    expect(await page.locator(".observablehq--error").count()).toBe(0);
    await page.close();
  });
});
