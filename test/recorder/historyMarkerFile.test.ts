// The lake's --history marker (<lake>/history/state.json, recorder/history/historyMarkerFile.ts) as
// startHistory keeps it, against a fake REST: a few writes per run (start, state changes, end), never
// one per page; a run stopped halfway leaves "loading"; an earlier run's other symbols keep their entry;
// a marker that is not one is replaced, with one log line. The process-level kill -9 is in
// historyRecord.test.ts.
import {mkdir, mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import type {HistoryMarker} from "../../lake/historyMarker.js";
import {LakeWriter} from "../../lake/writer.js";
import {startHistory} from "../../recorder/history/startHistory.js";
import type {Trade} from "../../src/lib/bars.js";

// Every marker the recorder writes, as written.
const writes = vi.hoisted(() => [] as HistoryMarker[]);
vi.mock("../../lake/historyMarker.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../lake/historyMarker.js")>();
  return {
    ...actual,
    writeHistoryMarker: (lake: string, marker: HistoryMarker) => (
      writes.push(structuredClone(marker)),
      actual.writeHistoryMarker(lake, marker)
    ),
  };
});

const noon = Date.UTC(2026, 10, 30, 12),
  hour = 3_600_000,
  symbol = "BTCUSDT";
// One trade every 500 ms from 08:00 to noon (ids 0 to 28 800); the trade at noon is the live stream's first.
const trades = (from: number, to: number): Trade[] => {
  const out: Trade[] = [];
  for (let id = from; id <= to; ++id) out.push({id, time: noon - 4 * hour + id * 500, price: 100, qty: 1, isBuyerMaker: id % 2 === 0});
  return out;
};
const lastId = (4 * hour) / 500;

let lake: string;
beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-history-marker-"));
  writes.length = 0;
  const live = await LakeWriter.open(lake, [symbol], {publishMs: 0});
  live.add(symbol, trades(lastId, lastId)[0]);
  await live.close();
});
afterEach(async () => {
  await rm(lake, {recursive: true, force: true});
});

const readMarker = async (): Promise<HistoryMarker> =>
  JSON.parse(await readFile(join(lake, "history", "state.json"), "utf8")) as HistoryMarker;

/** startHistory of the last 3 h of BTCUSDT; `onPage(n)` runs before the n-th page is answered. */
async function run(o: {onPage?: (n: number) => void; signal?: AbortSignal; log?: string[]} = {}) {
  const writer = await LakeWriter.open(lake, [symbol], {publishMs: 0});
  let pages = 0;
  const history = startHistory({
    lake,
    symbols: [symbol],
    windowMs: 3 * hour,
    fetchTrades: async (_, fromId) => (++pages, o.onPage?.(pages), trades(Math.max(0, fromId), Math.min(lastId, fromId + 999))),
    fetchOne: async (_, id) => trades(id, id)[0],
    budget: () => ({spare: () => 1e9, budget: 1e9}),
    liveGapOpen: () => false,
    publish: (s, batch) => writer.publishFill(s, batch),
    log: (line) => o.log?.push(line),
    signal: o.signal ?? new AbortController().signal,
    now: () => noon,
  });
  await history.done;
  await writer.close();
  return {pages, health: history.health()!};
}

describe("startHistory keeps <lake>/history/state.json", () => {
  it("a finished run: done, with its window; written a few times (start, loading, done, end at most), not once per page", async () => {
    const {pages, health} = await run();
    expect(health.symbols[symbol].state).toBe("done");
    // 3 h at 2 trades/s: 21 600 trades, 22 pages of 1000.
    expect(pages).toBe(22);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes.length).toBeLessThanOrEqual(4);
    const order = ["waiting", "loading", "done"];
    const seen = writes.map((m) => order.indexOf(m.symbols[symbol].state));
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never back to an earlier state
    expect(await readMarker()).toEqual({
      format: 1,
      windowMs: 3 * hour,
      startedAt: noon,
      windowStart: noon - 3 * hour,
      updatedAt: noon,
      symbols: {[symbol]: {state: "done", windowStart: noon - 3 * hour, coveredFrom: noon - 3 * hour, detail: null}},
    });
  }, 30_000);

  it("a run stopped halfway (the recorder stops): the marker still says loading, from REST", async () => {
    const controller = new AbortController();
    await run({signal: controller.signal, onPage: (n) => n === 5 && controller.abort()});
    const marker = await readMarker();
    expect(marker.symbols[symbol].state).toBe("loading");
    expect(marker.symbols[symbol].detail).toBe("REST");
    expect(writes.at(-1)?.symbols[symbol].state).toBe("loading"); // the end's write too
  }, 30_000);

  it("an earlier run's other symbols keep their entry; a marker that is not one is replaced, with one log line", async () => {
    await mkdir(join(lake, "history"));
    const eth = {state: "loading", windowStart: noon - 30 * hour, coveredFrom: noon - 20 * hour, detail: "archive 2026-11-29"};
    await writeFile(
      join(lake, "history", "state.json"),
      JSON.stringify({
        format: 1,
        windowMs: 30 * hour,
        startedAt: noon - hour,
        windowStart: noon - 31 * hour,
        updatedAt: noon - hour,
        symbols: {ETHUSDT: eth},
      }),
    );
    await run();
    const marker = await readMarker();
    expect(marker.symbols.ETHUSDT).toEqual(eth);
    expect(marker.symbols[symbol].state).toBe("done");
    expect(marker.windowMs).toBe(3 * hour);

    await writeFile(join(lake, "history", "state.json"), '{"format": 1, "windowMs": 108');
    const log: string[] = [];
    await run({log});
    expect(Object.keys((await readMarker()).symbols)).toEqual([symbol]);
    expect(log.filter((line) => line.includes("state.json"))).toHaveLength(1);
  }, 30_000);
});
