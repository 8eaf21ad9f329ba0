// History loaders of one market take turns newest first (recorder/history/historyTurns.ts): HistoryTurns
// on its own, and startHistory with two symbols of different trade rates against a fake REST — each
// request goes to the symbol whose history reaches least far back, so both hold their last hour
// before either asks for anything older.
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {LakeWriter} from "../../lake/writer.js";
import {HistoryTurns} from "../../recorder/history/historyTurns.js";
import {startHistory} from "../../recorder/history/startHistory.js";
import type {Trade} from "../../src/lib/bars.js";

const signal = new AbortController().signal;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("HistoryTurns", () => {
  it("take(symbol) grants the loader reaching least far back first, one turn at a time", async () => {
    const turns = new HistoryTurns(["A", "B"]);
    turns.at("A", 100);
    turns.at("B", 90);
    const order: string[] = [];
    const b = turns.take("B", signal).then((release) => (order.push("B"), release));
    const a = turns.take("A", signal).then((release) => (order.push("A"), release));
    await tick();
    expect(order).toEqual(["A"]); // B (older) waits although it asked first
    turns.at("A", 80);
    (await a)();
    await tick();
    expect(order).toEqual(["A", "B"]);
    (await b)();
  });

  it("a symbol still waiting for its first stored trade holds the others back for graceMs only; one away holds none", async () => {
    const turns = new HistoryTurns(["A", "B", "C"], {graceMs: 30});
    turns.at("A", 100);
    turns.at("C", 200);
    turns.away("C"); // an archive import: C stands nearer to now, but does not hold A back
    const started = Date.now();
    (await turns.take("A", signal))();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25); // B (pending) held A back until the grace ran out
  });

  it("take rejects once the recorder stops", async () => {
    const turns = new HistoryTurns(["A", "B"]);
    turns.at("A", 100);
    turns.at("B", 200);
    const controller = new AbortController();
    const waiting = turns.take("A", controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow("aborted");
  });
});

describe("startHistory with two symbols of one market", () => {
  const noon = Date.UTC(2026, 10, 30, 12),
    hour = 3_600_000;
  // BTCUSDT trades every 500 ms (7.2 pages an hour), ETHUSDT every 2 s (1.8): turns follow time, not a rotation.
  const spacing: Record<string, number> = {BTCUSDT: 500, ETHUSDT: 2000};
  const trades = (symbol: string, from: number, to: number): Trade[] => {
    const out: Trade[] = [];
    for (let id = from; id <= to; ++id)
      out.push({id, time: noon - 4 * hour + id * spacing[symbol], price: 100, qty: 1, isBuyerMaker: id % 2 === 0});
    return out;
  };
  const lastId = (symbol: string) => (4 * hour) / spacing[symbol]; // the trade at noon: the live stream's first
  let lake: string;

  beforeEach(async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-history-turns-"));
  });
  afterEach(async () => {
    await rm(lake, {recursive: true, force: true});
  });

  it("each REST page goes to the symbol whose history reaches least far back; both hold their last hour before either's older hours", async () => {
    const symbols = Object.keys(spacing);
    const live = await LakeWriter.open(lake, symbols, {publishMs: 0});
    for (const s of symbols) live.add(s, trades(s, lastId(s), lastId(s))[0]);
    await live.close();
    const writer = await LakeWriter.open(lake, symbols, {publishMs: 0});
    // Where each symbol's fetched history reaches (ms), and every page: who asked, and where both stood then.
    const reach: Record<string, number> = {BTCUSDT: noon, ETHUSDT: noon};
    const pages: {symbol: string; mine: number; other: number; oldest: number; newest: number}[] = [];
    const run = startHistory({
      lake,
      symbols,
      windowMs: 3 * hour,
      fetchTrades: async (symbol, fromId) => {
        const page = trades(symbol, Math.max(0, fromId), Math.min(lastId(symbol), fromId + 999));
        const other = symbols.find((s) => s !== symbol)!;
        if (page.length === 0) return page;
        pages.push({symbol, mine: reach[symbol], other: reach[other], oldest: page[0].time, newest: page.at(-1)!.time});
        reach[symbol] = Math.min(reach[symbol], page[0].time);
        await tick();
        return page;
      },
      fetchOne: async (symbol, id) => trades(symbol, id, id)[0],
      budget: () => ({spare: () => 1e9, budget: 1e9}),
      liveGapOpen: () => false,
      publish: (symbol, batch) => writer.publishFill(symbol, batch),
      log: () => {},
      signal,
      now: () => noon,
      graceMs: 60_000,
    });
    await run.done;
    await writer.close();
    for (const s of symbols) expect(run.health()!.symbols[s].state).toBe("done");
    const windowStart = noon - 3 * hour;
    // Each page was asked for by the symbol reaching least far back, unless the other had its whole window.
    for (const p of pages) if (p.other > windowStart) expect(p.mine).toBeGreaterThanOrEqual(p.other);
    // Both symbols reached an hour back before any page wholly older than that hour.
    const firstOlder = pages.findIndex((p) => p.newest < noon - hour);
    expect(firstOlder).toBeGreaterThan(0);
    for (const s of symbols) {
      const reachedHour = pages.findIndex((p) => p.symbol === s && p.oldest <= noon - hour);
      expect(reachedHour).toBeGreaterThanOrEqual(0);
      expect(reachedHour).toBeLessThan(firstOlder);
    }
    // 3 h at one trade per 500 ms and per 2 s: 22 pages and 6 (the first of each also covers the live trade's neighbours).
    expect(pages.map((p) => p.symbol).sort()).toEqual([...Array(22).fill("BTCUSDT"), ...Array(6).fill("ETHUSDT")]);
  }, 30_000);
});
