// npx tsx bench/notebookProfile.ts [--scenario live|load|hover|zoom|hedge|slider] [--seconds 40] [--dist DIR] [--min 30]
// Which code makes the pair report's long main-thread tasks: the site bench:notebook built, one of its
// scenarios (live: 20 bars/s from a fake hub, a 30 s refit among them; hover: 50 pointer moves on the
// z-score chart; zoom: 20 brushes on it, each undone by a double-click, as bench:notebook's; hedge:
// Kalman ⇄ rolling OLS 12 times; slider: the z window 12 times), Chromium's sampling profiler and trace
// over it (load: from navigation until the report is complete). Prints every main-thread task over
// --min ms (30) with what triggered it and the project functions that took its time (inclusive, from
// the profile's samples in the task), and the main thread's busy time over the scenario, which compares
// two builds under the same load better than a latency does.
import {startWalkFeed} from "./liveWireBars.js";
import {parseArgs} from "node:util";
import {launchBrowser, serveStatic} from "../test/browser/harness.js";

const {values} = parseArgs({
  options: {
    scenario: {type: "string", default: "live"},
    seconds: {type: "string", default: "40"},
    dist: {type: "string", default: "/tmp/pairbook-bench/dist"},
    min: {type: "string", default: "30"},
  },
});
const endMs = Date.UTC(2026, 10, 20, 12, 0, 0) + 86_400_000;
const scenario = values.scenario;
const feed = scenario === "live" ? await startWalkFeed(endMs) : null;
const site = await serveStatic(values.dist);
const browser = await launchBrowser();
const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", {interval: 250});
const query = feed ? `?live=ws://127.0.0.1:${feed.port}` : "?static";
if (scenario === "live" || scenario === "load") {
  // From the load on (live: so the refit 30 s after it falls in the profile).
  await browser.startTracing(page, {categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"]});
  await cdp.send("Profiler.start");
}
await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT${query}`);
await page.locator("#hedge-table").waitFor({timeout: 60_000});
await page.waitForTimeout(500);
if (scenario !== "live" && scenario !== "load") {
  await browser.startTracing(page, {categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"]});
  await cdp.send("Profiler.start");
}
const frame = () => page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
if (scenario === "live") await page.waitForTimeout(Number(values.seconds) * 1000);
else if (scenario === "load") await frame();
else if (scenario === "hover") {
  const plot = page.locator("#zscore-chart .pb-chart-plot");
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!;
  for (let i = 0; i < 50; ++i) {
    await page.mouse.move(box.x + box.width * (0.15 + (0.7 * i) / 49), box.y + box.height / 2);
    await frame();
  }
} else if (scenario === "zoom") {
  const plot = page.locator("#zscore-chart .pb-chart-plot");
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!,
    y = box.y + box.height / 2;
  for (let i = 0; i < 20; ++i) {
    const x = box.x + box.width * (0.15 + (0.5 * i) / 19);
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + box.width * 0.2, y, {steps: 2});
    await page.mouse.up();
    await frame();
    await page.mouse.dblclick(x, y);
    await frame();
  }
} else {
  const form = page.locator("form", {hasText: scenario === "hedge" ? "hedge method" : "z window"});
  for (let k = 0; k < 12; ++k) {
    if (scenario === "hedge") await form.locator("select").selectOption({label: k % 2 ? "rolling-ols" : "kalman"});
    else
      await form
        .locator("input[type=range]")
        .first()
        .fill(String([120, 61, 300, 90, 600, 75][k % 6]));
    await page.waitForTimeout(400);
  }
}
const {profile} = (await cdp.send("Profiler.stop")) as {profile: Profile};
const trace = JSON.parse((await browser.stopTracing()).toString("utf8")) as {traceEvents: TraceEvent[]};
await browser.close();
await site.close();
await feed?.close();

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: {name?: string; data?: {type?: string; functionName?: string; url?: string}};
}
interface Profile {
  nodes: {id: number; parent?: number; callFrame: {functionName: string; url: string; lineNumber: number}; children?: number[]}[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
// Sample times (µs, the trace's clock).
const times: number[] = [];
profile.timeDeltas.reduce((t, d) => (times.push(t + d), t + d), profile.startTime);
const label = (id: number) => {
  const f = byId.get(id)!.callFrame;
  return `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(_[^/]+\/)?/, "").replace(/\.[0-9a-f]{8}\.js$/, ".js")}:${f.lineNumber + 1}`;
};
const main = trace.traceEvents.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain")!;
const onMain = trace.traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur);
const tasks = onMain.filter((e) => e.name === "RunTask" && e.dur! >= Number(values.min) * 1000).sort((p, q) => p.ts - q.ts);
const busy = onMain.filter((e) => e.name === "RunTask").reduce((sum, e) => sum + e.dur! / 1000, 0);
const t0 = tasks[0]?.ts ?? 0;
console.log(`${scenario}: main thread busy ${busy.toFixed(0)} ms in all; ${tasks.length} tasks over ${values.min} ms`);
for (const task of tasks) {
  const end = task.ts + task.dur!;
  // What started it: the first timeline event inside (a timer, an event, a frame, a message).
  const inside = onMain.filter((e) => e.ts >= task.ts && e.ts < end && e !== task);
  const kinds = [...new Set(inside.map((e) => e.name + (e.args?.data?.type ? `:${e.args.data.type}` : "")))].slice(0, 6);
  // The renderer's own work in it (style, layout, paint, GC: "(program)" in the profile), by event.
  const engine = new Map<string, number>();
  for (const e of inside)
    if (/^(UpdateLayoutTree|Layout|PrePaint|Paint|Layerize|Commit|MinorGC|MajorGC|ParseHTML|HitTest)$/.test(e.name))
      engine.set(e.name, (engine.get(e.name) ?? 0) + e.dur! / 1000);
  const engineText = [...engine]
    .sort((p, q) => q[1] - p[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
    .join("; ");
  const incl = new Map<string, number>(),
    self = new Map<string, number>();
  let sampled = 0;
  for (let i = 0; i < times.length; ++i) {
    if (times[i] < task.ts || times[i] >= end) continue;
    sampled += profile.timeDeltas[i + 1] ?? 0;
    const leaf = label(profile.samples[i]);
    self.set(leaf, (self.get(leaf) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = byId.get(id)!.parent) {
      const l = label(id);
      if (seen.has(l) || !/\.js:/.test(l) || /node_modules|npm/.test(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    }
  }
  const top = [...incl]
    .sort((p, q) => q[1] - p[1])
    .slice(0, 10)
    .map(([l, ms]) => `      ${ms.toFixed(0).padStart(5)} ms  ${l}`);
  const leaves = [...self]
    .sort((p, q) => q[1] - p[1])
    .slice(0, 4)
    .map(([l, ms]) => `${l} ${ms.toFixed(0)} ms`);
  console.log(
    `\n  +${((task.ts - t0) / 1e6).toFixed(2)} s  ${(task.dur! / 1000).toFixed(0)} ms (${(sampled / 1000).toFixed(0)} ms sampled)  ${kinds.join(", ")}\n${top.join("\n")}\n      self: ${leaves.join("; ")}\n      engine: ${engineText}`,
  );
}
