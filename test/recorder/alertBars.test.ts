// Alert rules evaluate on the pages' bars: the expected events come from src/lib (resample,
// gapFlags) over the same trades, closes carried over quiet buckets as the pages' alignment carries
// them, and no window evaluated that holds a gap's bars or carries a close across them.
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {AlertEngine} from "../../recorder/alerts/engine.js";
import {resample, type Trade} from "../../src/lib/bars.js";
import {gapFlags, type GapRange} from "../../src/lib/gapFlags.js";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0),
  W = 3,
  threshold = 105;
const rule = {
  id: "p",
  target: "BTCUSDT",
  metric: "price",
  comparator: ">",
  threshold,
  interval: "1s",
  window: W,
  cooldownSeconds: 0,
  hysteresis: null,
};

// In arrival order. Second 2: the later trade by time (and so the bar's close) arrives first.
// Second 3 is quiet. Ids 7..9 are a hole no one can fill: from trade 6 (5.5 s) to trade 10 (8.3 s).
const trades: Trade[] = [
  [1, 0.1, 100],
  [2, 1.1, 101],
  [3, 2.9, 110],
  [4, 2.2, 99],
  [5, 4.5, 102],
  [6, 5.5, 103],
  [10, 8.3, 120],
  [11, 9.4, 121],
  [12, 10.5, 122],
  [13, 11.5, 123],
  [14, 12.5, 101],
  [15, 13.5, 104],
  [16, 14.5, 100],
].map(([id, s, price]) => ({id, time: t0 + s * 1000, price, qty: 1, isBuyerMaker: false}));
const gap: GapRecord = {
  symbol: "BTCUSDT",
  fromId: 7,
  toId: 9,
  fromTime: t0 + 5500,
  toTime: t0 + 8300,
  cause: "stream",
  filled: false,
  detectedAt: t0 + 9000,
};

/**
 * The oracle: bars by src/lib/bars.ts, the last bucket still open; bar k is evaluated when its window
 * (k − W + 1 .. k, and back to the bar its first close is carried from) holds no flagged bucket; the
 * rule fires when armed and the close is above the threshold, and re-arms when it is not.
 */
function expected(upTo: number, gaps: GapRange[]) {
  const fed = trades.slice(0, upTo);
  const cols = {
    id: fed.map((t) => t.id),
    time: fed.map((t) => t.time),
    price: fed.map((t) => t.price),
    qty: fed.map((t) => t.qty),
    isBuyerMaker: fed.map((t) => t.isBuyerMaker),
  };
  const bars = resample(cols, 1000),
    flags = gapFlags(bars.start, 1000, gaps);
  const close: number[] = [],
    from: number[] = [];
  for (let k = 0; k < bars.start.length; ++k) {
    const traded = bars.count[k] > 0;
    (close.push(traded ? bars.close[k] : close[k - 1]), from.push(traded ? k : from[k - 1]));
  }
  const events: {bar: number; value: number}[] = [];
  let armed = true,
    skipped = 0,
    lastSkipped = false;
  for (let k = W - 1; k < bars.start.length - 1; ++k) {
    if (flags.slice(from[k - W + 1], k + 1).some(Boolean)) (skipped++, (lastSkipped = true));
    else {
      lastSkipped = false;
      if (armed && close[k] > threshold) (events.push({bar: bars.start[k], value: close[k]}), (armed = false));
      else if (!(close[k] > threshold)) armed = true;
    }
  }
  return {events, skipped, lastSkipped};
}

let lake: string;
beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-alertbars-"));
  await writeFile(join(lake, "alerts.json"), JSON.stringify({rules: [rule]}));
});
afterEach(async () => rm(lake, {recursive: true, force: true}));

async function run(upTo: number, gaps: readonly GapRecord[]) {
  const events: AlertEvent[] = [];
  const engine = await AlertEngine.open({
    lake,
    rulesFile: join(lake, "alerts.json"),
    symbols: ["BTCUSDT"],
    log: () => {},
    feedState: () => ({}),
    onEvent: (event) => events.push(event),
  });
  for (const trade of trades.slice(0, upTo)) {
    // The sequencer records a hole before it releases the trades after it.
    for (const g of gaps) if (g.toId + 1 === trade.id) engine.onGap(g);
    engine.onTrade("BTCUSDT", trade);
  }
  await engine.close();
  return {events: events.map((e) => ({bar: e.bar, value: e.value})), state: engine.stateOf("p")};
}

describe("AlertEngine evaluates on the bars of src/lib/bars.ts", () => {
  const range = {from: gap.fromTime!, to: gap.toTime!};

  it("a bar's close is its latest trade by (time, id), not the last to arrive; quiet buckets carry it", async () => {
    const oracle = expected(trades.length, []);
    expect(oracle.events.length).toBeGreaterThan(0);
    expect(oracle.events[0]).toEqual({bar: t0 + 2000, value: 110}); // (the last to arrive in second 2 is 99)
    const {events, state} = await run(trades.length, []);
    expect(events).toEqual(oracle.events);
    expect(state.gapBars).toBe(0);
  });

  it("a rule does not fire on a window holding a recorded gap's bars, and says so while it waits", async () => {
    const withGap = expected(trades.length, [range]),
      without = expected(trades.length, []);
    expect(withGap.events).not.toEqual(without.events); // the gap matters for this data
    const {events, state} = await run(trades.length, [gap]);
    expect(events).toEqual(withGap.events);
    expect(state.gapBars).toBe(withGap.skipped);
    expect(state.gapReason).toBeNull();

    // Stopped while the latest window still holds the gap: the rule's state gives the reason.
    await rm(join(lake, "alerts"), {recursive: true, force: true});
    const upTo = trades.findIndex((t) => t.id === 12) + 1,
      partial = expected(upTo, [range]);
    expect(partial.lastSkipped).toBe(true);
    const stopped = await run(upTo, [gap]);
    expect(stopped.events).toEqual(partial.events);
    expect(stopped.state.gapBars).toBe(partial.skipped);
    expect(stopped.state.gapReason).toMatch(/recorded gap in BTCUSDT's trades \(2026-11-21T09:00:05\.500Z to 2026-11-21T09:00:08\.300Z\)/);
  });
});
