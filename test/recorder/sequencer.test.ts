import {describe, expect, it, vi} from "vitest";
import {deferredBackfill, Sequencer} from "../../recorder/sequencer.js";
import type {Trade} from "../../src/lib/bars.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

const trade = (id: number): Trade => ({id, time: 1_700_000_000_000 + id, price: 100, qty: 1, isBuyerMaker: false});

/** An exchange whose REST history holds `ids`, answering like historicalTrades (≤ limit from fromId). */
function exchange(ids: number[], {limit = 1000, fail = 0} = {}) {
  const calls: number[] = [];
  let failures = fail;
  const fetchTrades = async (_symbol: string, fromId: number) => {
    calls.push(fromId);
    if (failures-- > 0) throw new Error("HTTP 503");
    return ids
      .filter((id) => id >= fromId)
      .slice(0, limit)
      .map(trade);
  };
  return {calls, fetchTrades};
}

function sequencer(lastId: number | undefined, ex: ReturnType<typeof exchange>, graceMs = 50) {
  const emitted: number[] = [],
    gaps: GapRecord[] = [];
  const s = new Sequencer({
    symbol: "BTCUSDT",
    lastId,
    fetchTrades: ex.fetchTrades,
    graceMs,
    maxAttempts: 3,
    retryDelayMs: () => 1,
    emit: (t) => emitted.push(t.id),
    onGap: (g) => gaps.push(g),
  });
  return {s, emitted, gaps};
}

const range = (a: number, b: number) => Array.from({length: b - a + 1}, (_, i) => a + i);

describe("Sequencer", () => {
  it("passes contiguous trades straight through and drops duplicates", () => {
    const ex = exchange([]);
    const {s, emitted} = sequencer(undefined, ex);
    for (const id of [5, 6, 6, 7, 5, 8]) s.push(trade(id));
    expect(emitted).toEqual([5, 6, 7, 8]);
    expect(s.duplicates).toBe(2);
    expect(ex.calls).toEqual([]);
  });

  it("reorders trades that arrive out of order within the grace period, without REST", async () => {
    const ex = exchange([]);
    const {s, emitted, gaps} = sequencer(10, ex);
    s.push(trade(11)); // clears the restart label
    for (const id of [13, 12, 14]) s.push(trade(id));
    expect(emitted).toEqual([11, 12, 13, 14]);
    expect(ex.calls).toEqual([]);
    expect(gaps).toEqual([]);
  });

  it("backfills a stream hole from REST, in pages, and releases later trades after it", async () => {
    const ex = exchange(range(1, 3000), {limit: 1000});
    const {s, emitted, gaps} = sequencer(100, ex);
    s.push(trade(101));
    s.push(trade(2501)); // ids 102..2500 missing from the stream
    s.push(trade(2502));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(2502));
    expect(emitted).toEqual(range(101, 2502));
    expect(ex.calls).toEqual([102, 1102, 2102]);
    expect(gaps).toEqual([expect.objectContaining({symbol: "BTCUSDT", fromId: 102, toId: 2500, cause: "stream", filled: true})]);
  });

  it("records ids REST does not have either as an unfilled exchange-side hole", async () => {
    const ex = exchange([...range(1, 104), ...range(108, 200)]);
    const {s, emitted, gaps} = sequencer(100, ex);
    s.push(trade(101));
    s.push(trade(110));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(110));
    expect(emitted).toEqual([101, 102, 103, 104, 108, 109, 110]);
    expect(gaps.map(({fromId, toId, filled}) => [fromId, toId, filled])).toEqual([
      [102, 104, true],
      [105, 107, false],
      [108, 109, true],
    ]);
  });

  it("labels a hole found at start-up 'restart' and backfills it at once", async () => {
    const ex = exchange(range(1, 100));
    const {s, emitted, gaps} = sequencer(50, ex, 60_000);
    s.push(trade(60));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(60));
    expect(emitted).toEqual(range(51, 60));
    expect(gaps).toEqual([expect.objectContaining({fromId: 51, toId: 59, cause: "restart", filled: true})]);
  });

  it("labels a hole after markReconnect 'reconnect'", async () => {
    const ex = exchange(range(1, 100));
    const {s, emitted, gaps} = sequencer(undefined, ex, 60_000);
    s.push(trade(10));
    s.markReconnect();
    s.push(trade(20));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(20));
    expect(gaps).toEqual([expect.objectContaining({fromId: 11, toId: 19, cause: "reconnect", filled: true})]);
  });

  it("records the hole as unfilled when REST keeps failing, and goes on", async () => {
    const ex = exchange(range(1, 100), {fail: 10});
    const {s, emitted, gaps} = sequencer(10, ex);
    s.push(trade(11));
    s.push(trade(15));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(15));
    expect(emitted).toEqual([11, 15]);
    expect(ex.calls.length).toBe(3);
    expect(gaps).toEqual([
      expect.objectContaining({fromId: 12, toId: 14, filled: false, cause: expect.stringMatching(/^stream; backfill failed: HTTP 503/)}),
    ]);
  });

  it("keeps live trades that arrive during a backfill, and handles a second hole after it", async () => {
    const ex = exchange(range(1, 400));
    const {s, emitted, gaps} = sequencer(undefined, ex, 10);
    s.push(trade(1));
    s.push(trade(100));
    for (const id of [101, 102, 300, 301]) s.push(trade(id));
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(301));
    expect(emitted).toEqual(range(1, 301));
    expect(gaps.map((g) => [g.fromId, g.toId, g.filled])).toEqual([
      [2, 99, true],
      [103, 299, true],
    ]);
  });

  it("past maxQueued live trades, stops a backfill REST cannot keep up with: the rest of the hole is recorded as deferred, and the queue released", async () => {
    // REST answers its first page, then hangs until aborted (a budget wait, a slow exchange).
    const calls: number[] = [];
    let aborted = 0;
    const fetchTrades = (_symbol: string, fromId: number, signal: AbortSignal) => {
      calls.push(fromId);
      if (calls.length === 1) return Promise.resolve(range(fromId, fromId + 9).map(trade));
      return new Promise<Trade[]>((_resolve, reject) => signal.addEventListener("abort", () => (aborted++, reject(new Error("aborted")))));
    };
    const emitted: number[] = [],
      gaps: GapRecord[] = [];
    const s = new Sequencer({
      symbol: "BTCUSDT",
      lastId: 100,
      fetchTrades,
      maxQueued: 50,
      emit: (t) => emitted.push(t.id),
      onGap: (g) => gaps.push(g),
    });
    s.push(trade(1001)); // after a restart: ids 101..1000 are backfilled at once
    await vi.waitFor(() => expect(calls).toHaveLength(2)); // the first page (101..110) is in, the second hangs
    for (const id of range(1002, 1050)) s.push(trade(id)); // 50 queued: at the bound, still waiting
    expect(aborted).toBe(0);
    expect(emitted).toEqual(range(101, 110));
    s.push(trade(1051)); // 51: past it
    expect(aborted).toBe(1);
    await vi.waitFor(() => expect(emitted.at(-1)).toBe(1051));
    expect(emitted).toEqual([...range(101, 110), ...range(1001, 1051)]);
    expect(gaps).toEqual([
      expect.objectContaining({fromId: 101, toId: 110, filled: true, cause: "restart"}),
      expect.objectContaining({fromId: 111, toId: 1000, filled: false, cause: `restart; ${deferredBackfill}`}),
    ]);
    expect(gaps[1].fromTime).toBe(trade(110).time); // the last stored trade before the rest of the hole
    expect(gaps[1].toTime).toBe(trade(1001).time);
    s.push(trade(1052)); // and the stream goes on without REST
    expect(emitted.at(-1)).toBe(1052);
    expect(calls).toHaveLength(2);
  });
});
