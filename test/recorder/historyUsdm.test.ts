// `pairbook record --history` for USD-M perpetuals against the simulator's perp past (its
// /fapi/v1/aggTrades and its futures archive, behind a proxy that logs every request): whole past days
// from the archive (data/futures/um/daily/aggTrades), today from REST, every aggregate id once; a
// corrupt archive day from REST instead. (Symbols loading side by side, newest first: historyTurns.test.ts.)
import type {ChildProcess} from "node:child_process";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {utcDayStart} from "../../recorder/history/historyWindow.js";
import {startSimulator, type Simulator} from "../../simulator/index.js";
import {exited, historyProxy, type HistoryProxy, killLeft, recordThrough, untilHealth} from "./historyHarness.js";
import {lakeIdCounts} from "./lakeIdCounts.js";

const perps = ["BTCUSDT", "ETHUSDT"],
  symbols = perps.map((s) => `usdm:${s}`);
// The window reaches back to 16:00 UTC yesterday whatever the time of day: one archive day per symbol
// (yesterday, from 16:00) and today's part from REST.
const windowMinutes = Math.ceil((Date.now() - utcDayStart(Date.now()) + 8 * 3_600_000) / 60_000),
  windowMs = windowMinutes * 60_000;
let lake: string, simulator: Simulator, proxy: HistoryProxy;

beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-history-usdm-"));
  // 0.15 aggregates/s for 8 to 32 h: at most 13 REST pages a symbol for today's part, the rest from the archive.
  simulator = await startSimulator({port: 0, symbols: perps, rate: 0.05, seed: 4, pastMs: windowMs, usdm: {symbols: perps, rate: 0.15}});
  proxy = await historyProxy(simulator);
});

afterAll(async () => {
  await simulator?.close();
  await proxy?.close();
  await rm(lake, {recursive: true, force: true});
});

/** The simulator's aggregates of `symbol` from `fromId` (at most 1000), straight from its REST. */
async function aggTrades(sim: Simulator, symbol: string, fromId: number, limit = 1000): Promise<{a: number; T: number}[]> {
  return (await (await fetch(`${sim.restUrl}/fapi/v1/aggTrades?symbol=${symbol}&fromId=${fromId}&limit=${limit}`)).json()) as {
    a: number;
    T: number;
  }[];
}

/** The archive zips requested in run `r`, each as often as it was. */
const zips = (p: HistoryProxy, r: number) => p.requests.filter((q) => q.run === r && q.path.endsWith(".zip")).map((q) => q.path);

/** Per symbol, the aggregate ids each aggTrades request of run `r` asked for: [fromId, fromId + limit − 1]. */
function asked(p: HistoryProxy, r: number): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const q of p.requests.filter((q) => q.run === r && q.path.startsWith("/fapi/v1/aggTrades"))) {
    const query = new URL(q.path, "http://x").searchParams;
    const from = Number(query.get("fromId")),
      limit = Number(query.get("limit"));
    const symbol = query.get("symbol")!;
    out.set(symbol, [...(out.get(symbol) ?? []), Array.from({length: limit}, (_, i) => from + i)]);
  }
  return out;
}

function expectDisjoint(idLists: number[][]): void {
  const seen = new Set<number>();
  for (const ids of idLists) for (const id of ids) (expect(seen.has(id)).toBe(false), seen.add(id));
}

describe("pairbook record --history with usdm: symbols", () => {
  it("a corrupt archive day of one perpetual is reported and its aggregates fetched from REST instead; the other's day is imported", async () => {
    const other = await mkdtemp(join(tmpdir(), "pairbook-history-usdm-"));
    // Flip a byte of BTCUSDT's futures zip: its .CHECKSUM no longer holds.
    proxy.tamper = (path, body) =>
      /^\/data\/futures\/um\/daily\/aggTrades\/BTCUSDT\/.*\.zip$/.test(path) ? Buffer.from(body).fill(0, 100, 101) : undefined;
    let child: ChildProcess | undefined;
    try {
      const started = await recordThrough(proxy, simulator, {symbols, lake: other, history: `${windowMinutes}m`, archive: true});
      child = started.child;
      const h = await untilHealth(started.health, (h) => symbols.every((s) => h.history?.symbols[s].state === "done"), proxy.output);
      const [btc, eth] = symbols.map((s) => h.history!.symbols[s]);
      expect([btc.archiveDays.fellBack.length, btc.archiveDays.imported.length]).toEqual([1, 0]);
      expect([eth.archiveDays.fellBack.length, eth.archiveDays.imported.length]).toEqual([0, 1]);
      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);
      const fellBack =
        /usdm:BTCUSDT: history: archive day \S+ could not be imported \(.*checksum.*\); fetching its trades from REST instead/i;
      expect(proxy.output.some((line) => fellBack.test(line))).toBe(true);
      for (const ids of asked(proxy, proxy.run).values()) expectDisjoint(ids);
      const rows = await lakeIdCounts(other);
      expect(rows.map((r) => r.symbol)).toEqual(perps);
      for (const row of rows) (expect(row.n).toBe(row.ids), expect(row.n).toBe(row.hi - row.lo + 1));
      // BTCUSDT's fallback keeps to the window (from its first aggregate at or after the start); ETHUSDT's archive day is whole.
      const [oldestBtc] = await aggTrades(simulator, "BTCUSDT", 0, 1);
      const firstPage = await aggTrades(simulator, "BTCUSDT", oldestBtc.a);
      expect(rows[0].lo).toBe(firstPage.find((t) => t.T >= btc.windowStart)!.a);
      expect(rows[1].lo).toBe((await aggTrades(simulator, "ETHUSDT", 0, 1))[0].a);
    } finally {
      await killLeft(child);
      proxy.tamper = undefined;
      await rm(other, {recursive: true, force: true});
    }
  }, 90_000);

  it("loads every aggregate id of the window exactly once, each archive day fetched once, live aggregates after them", async () => {
    const oldest = await Promise.all(perps.map(async (s) => (await aggTrades(simulator, s, 0, 1))[0].a));
    const started = await recordThrough(proxy, simulator, {symbols, lake, history: `${windowMinutes}m`, archive: true});
    const run = proxy.run;
    try {
      const h = await untilHealth(started.health, (h) => symbols.every((s) => h.history?.symbols[s].state === "done"), proxy.output);
      for (const s of symbols) expect(h.history!.symbols[s].archiveDays.imported).toHaveLength(h.history!.symbols[s].archiveDays.total);
      expect(h.history!.loading).toBe(false);
      // Every archive day of both perpetuals came from the futures layout, each zip once.
      const days = zips(proxy, run);
      expect(new Set(days).size).toBe(days.length);
      expect(days.length).toBe(2 * h.history!.symbols[symbols[0]].archiveDays.total);
      for (const zip of days)
        expect(zip).toMatch(/^\/data\/futures\/um\/daily\/aggTrades\/(BTCUSDT|ETHUSDT)\/\1-aggTrades-\d{4}-\d{2}-\d{2}\.zip$/);
      for (const ids of asked(proxy, run).values()) expectDisjoint(ids);

      // Stop the source, then the recorder: every id from the oldest kept to the last sent, once.
      await simulator.close();
      const sent = simulator.usdm!.sent();
      await untilHealth(started.health, (h) => perps.every((s) => h.symbols[`usdm:${s}`].lastId === sent[s].last), proxy.output);
      started.child.kill("SIGTERM");
      expect(await exited(started.child)).toBe(0);
      const rows = await lakeIdCounts(lake);
      expect(rows.map((r) => r.symbol)).toEqual(perps);
      rows.forEach((row, k) => {
        expect(sent[perps[k]].first).toBeGreaterThan(oldest[k]); // live aggregates came after the past…
        expect(row.n).toBe(row.ids); // …nothing is stored twice…
        expect([row.lo, row.hi]).toEqual([oldest[k], sent[perps[k]].last]);
        expect(row.n).toBe(row.hi - row.lo + 1); // …and none is missing
      });
    } finally {
      await killLeft(started.child);
    }
  }, 90_000);
});
