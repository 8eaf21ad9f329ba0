// npx tsx bench/liveProfile.ts [--seconds 8] [--after 3] [--out /tmp/pairbook-live.cpuprofile] [--interval 1s]
// Where a live frame's time goes on the pair report: the site bench:notebook built
// (/tmp/pairbook-bench/dist), a fake live hub sending 20 bars/s (both legs) as bench:notebook does,
// and Chromium's sampling profiler over a few seconds of live bars. Prints self time per function
// (top 30) and per script, the renderer main thread's time by trace event, and writes the .cpuprofile
// (for Chromium's DevTools) and the trace next to it. --after: seconds of live bars before profiling
// (the page refits every 30 s: --after 25 --seconds 10 covers the first refit).
import {startWalkFeed} from "./liveWireBars.js";
import {writeFileSync} from "node:fs";
import {parseArgs} from "node:util";
import {launchBrowser, serveStatic} from "../test/browser/harness.js";

const {values} = parseArgs({
  options: {
    seconds: {type: "string", default: "8"},
    after: {type: "string", default: "3"},
    out: {type: "string", default: "/tmp/pairbook-live.cpuprofile"},
    interval: {type: "string", default: "1s"},
    dist: {type: "string", default: "/tmp/pairbook-bench/dist"},
  },
});
const endMs = Date.UTC(2026, 10, 20, 12, 0, 0) + 86_400_000;

const feed = await startWalkFeed(endMs);
const port = feed.port;

const site = await serveStatic(values.dist);
const browser = await launchBrowser();
const page = await browser.newPage({viewport: {width: 1400, height: 1200}});
await page.goto(`${site.url}/pairs/BTCUSDT-ETHUSDT?live=ws://127.0.0.1:${port}`);
await page.locator("#hedge-table").waitFor({timeout: 60_000});
if (values.interval !== "1s") {
  await page.locator("form", {hasText: "interval"}).first().locator("select").selectOption(values.interval);
}
await page.waitForTimeout(Number(values.after) * 1000);
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", {interval: 200});
await browser.startTracing(page, {categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "blink.console"]});
await cdp.send("Profiler.start");
await page.waitForTimeout(Number(values.seconds) * 1000);
const {profile} = (await cdp.send("Profiler.stop")) as {profile: Profile};
const traceBytes = await browser.stopTracing();
writeFileSync(values.out.replace(/\.cpuprofile$/, "") + ".trace.json", traceBytes);
const trace = JSON.parse(traceBytes.toString("utf8")) as {traceEvents: TraceEvent[]};
writeFileSync(values.out, JSON.stringify(profile));
await browser.close();
await site.close();
await feed.close();

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: {name?: string};
}
interface Profile {
  nodes: {id: number; callFrame: {functionName: string; url: string; lineNumber: number}; children?: number[]}[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = (profile.endTime - profile.startTime) / 1000;
const byFunction = new Map<string, number>(),
  byScript = new Map<string, number>();
for (const [id, us] of self) {
  const f = byId.get(id)!.callFrame;
  const script = f.url.replace(/^.*\/(_[^/]+\/)?/, "") || "(native)";
  const key = `${f.functionName || "(anonymous)"} ${script}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us / 1000);
  byScript.set(script, (byScript.get(script) ?? 0) + us / 1000);
}
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((p, q) => q[1] - p[1])
    .slice(0, k)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`)
    .join("\n");
console.log(
  `profile of ${total.toFixed(0)} ms live at 20 bars/s (${values.interval} bars), written to ${values.out}\n\nself time by function:\n${top(byFunction, 30)}\n\nby script:\n${top(byScript, 12)}`,
);

// Renderer main thread: time by top-level task kind (what "(program)" above hides: layout, paint, GC, …).
const main = trace.traceEvents.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
const byEvent = new Map<string, number>();
for (const e of trace.traceEvents) {
  if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== "X" || !e.dur) continue;
  byEvent.set(e.name, (byEvent.get(e.name) ?? 0) + e.dur / 1000);
}
console.log(`\nrenderer main thread, by trace event (nested events overlap):\n${top(byEvent, 25)}`);
