// The demo's simulated past: only for a lake without trades; the recorder's history chatter off the terminal;
// the milestones the demo reports.
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {historyMilestones, isHistoryChatter, lakeHoldsTrades} from "../../cli/demoHistory.js";
import type {HistoryHealth, SymbolHistory} from "../../src/protocol/health.js";

let lake: string | undefined;
afterEach(async () => lake && rm(lake, {recursive: true, force: true}));

describe("lakeHoldsTrades(lake)", () => {
  it("is false for a missing lake and for one holding only logs, locks and hidden temp files", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-demo-history-"));
    expect(await lakeHoldsTrades(join(lake, "absent"))).toBe(false);
    await mkdir(join(lake, "logs"), {recursive: true});
    await writeFile(join(lake, "logs", "demo-2026-12-01T00-00-00Z.log"), "x");
    await mkdir(join(lake, "ticks", "market=spot", "symbol=BTCUSDT", "date=2026-12-01"), {recursive: true});
    await writeFile(join(lake, "ticks", "market=spot", "symbol=BTCUSDT", "date=2026-12-01", ".1-2.parquet.tmp"), "x");
    expect(await lakeHoldsTrades(lake)).toBe(false);
  });

  it("is true once a Parquet file is published, or a log segment holds trades not yet published", async () => {
    lake = await mkdtemp(join(tmpdir(), "pairbook-demo-history-"));
    await mkdir(join(lake, "wal", "BTCUSDT"), {recursive: true});
    await writeFile(join(lake, "wal", "BTCUSDT", "000000000001.csv"), "1,2,3\n");
    expect(await lakeHoldsTrades(lake)).toBe(true);
    await rm(join(lake, "wal"), {recursive: true});
    const day = join(lake, "ticks", "market=usdm", "symbol=BTCUSDT", "date=2026-12-01");
    await mkdir(day, {recursive: true});
    await writeFile(join(day, "000000000001-000000000009.parquet"), "x");
    expect(await lakeHoldsTrades(lake)).toBe(true);
  });
});

describe("isHistoryChatter(line)", () => {
  it("keeps progress lines off the terminal, failures and REST fallbacks on it", () => {
    expect(
      isHistoryChatter("history: loading the last 2 h of BTCUSDT, ETHUSDT in the background from REST; live recording goes on meanwhile"),
    ).toBe(true);
    expect(isHistoryChatter("BTCUSDT: history from 2026-12-01 22:09 UTC, 6.0 h to go; 0 trades, 0 REST requests")).toBe(true);
    // As the recorder writes them: an ISO timestamp first (the demo showed these on the terminal).
    expect(
      isHistoryChatter("2026-12-01T22:43:52.634Z BTCUSDT: history from 2026-12-01 22:43 UTC, 2.0 h to go; 0 trades, 0 REST requests"),
    ).toBe(true);
    expect(isHistoryChatter("2026-12-01T22:43:42.555Z history: loading the last 2 h of BTCUSDT in the background from REST")).toBe(true);
    expect(isHistoryChatter("2026-12-01T22:43:53.591Z BTCUSDT: history loaded: 43476 trades from 2026-12-01 20:43 UTC")).toBe(true);
    expect(isHistoryChatter("2026-12-01T22:43:42.567Z stream open: BTCUSDT from ws://127.0.0.1:37651")).toBe(false);
    expect(isHistoryChatter("BTCUSDT: history: archive day 2026-11-30 imported (1/1)")).toBe(true);
    expect(isHistoryChatter("usdm:BTCUSDT: history loaded (REST has no older trades): 65 trades from 2026-12-01 22:09 UTC")).toBe(true);
    expect(isHistoryChatter("BTCUSDT: history: archive day 2026-11-30 fails its checksum; fetching its trades from REST instead")).toBe(
      false,
    );
    expect(isHistoryChatter("BTCUSDT: history stopped: REST answered 418")).toBe(false);
    expect(isHistoryChatter("stream open: BTCUSDT, ETHUSDT from ws://127.0.0.1:9443")).toBe(false);
  });
});

describe("historyMilestones(history)", () => {
  const now = Date.parse("2026-12-01T12:00:00Z"),
    hour = 3_600_000;
  const symbol = (state: SymbolHistory["state"], coveredFrom: number | null, trades: number): SymbolHistory => ({
    state,
    windowStart: now - 2 * hour,
    coveredFrom,
    remainingMs: 0,
    etaMs: null,
    trades,
    requests: 0,
    archiveDays: {total: 0, imported: [], fellBack: []},
    detail: null,
  });

  it("covers a span once every asked symbol reaches back that far or is done; done when nothing loads", () => {
    const history: HistoryHealth = {
      windowMs: 2 * hour,
      loading: true,
      symbols: {A: symbol("done", now - 2 * hour, 7), B: symbol("loading", now - hour + 1, 5), C: symbol("waiting", null, 0)},
    };
    const m = historyMilestones(history);
    expect(m.covers(["A"], hour, now)).toBe(true);
    expect(m.covers(["A", "B"], hour, now)).toBe(false); // B reaches back 1 ms less than an hour
    expect(m.covers(["A", "B"], hour - 1, now)).toBe(true);
    expect(m.covers(["C"], 1, now)).toBe(false);
    expect(m.done).toBe(false);
    expect(m.trades).toBe(12);
    expect(historyMilestones({...history, loading: false}).done).toBe(true);
    expect(historyMilestones(null).done).toBe(true);
  });
});
