// Unfilled gaps on the live path: LiveBars.addGap (what a page does with the feed's gap messages)
// flags exactly the buckets gapFlags flags for the same ranges, in the file's rows and the live ones,
// whichever order the gap and the bars arrive in; PairStream then leaves them out and carries no
// close across them, equal to alignBars on the same bars and flags. End to end, a real LiveHub's gap
// reaches a PageFeed's bars through connectLiveFeed.
import {afterEach, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {LiveHub} from "../../recorder/liveHub.js";
import type {BarsFile, SymbolBars} from "../../src/protocol/barsFile.js";
import {LiveBars} from "../../src/client/liveBars.js";
import {connectLiveFeed} from "../../src/client/liveFeed.js";
import type {LiveBar, LiveGap} from "../../src/protocol/liveWire.js";
import {PageFeed} from "../../src/client/pageFeed.js";
import {PairStream, type StreamRule} from "../../src/lib/stream/pairStream.js";
import {pairView} from "../../src/lib/stream/pairView.js";
import {alignBars} from "../../src/lib/align.js";
import {gapFlags} from "../../src/lib/gapFlags.js";
import {Xorshift128} from "../lib/series.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const s = (k: number) => t0 + k * 1000; // start of second k

/** A bars file of seconds 0…n-1 of legs A and B, every tenth second empty. */
function file(n: number): BarsFile {
  const rng = new Xorshift128(11),
    time = Float64Array.from({length: n}, (_, k) => s(k));
  const leg = (p: number): SymbolBars => {
    const close = new Float64Array(n),
      count = new Float64Array(n),
      zero = new Float64Array(n);
    for (let k = 0; k < n; ++k) ((p *= 1 + 1e-3 * rng.normal()), (close[k] = k % 10 === 7 ? NaN : p), (count[k] = k % 10 === 7 ? 0 : 2));
    return {
      bars: {
        interval: 1000,
        start: time,
        open: close,
        high: close,
        low: close,
        close,
        volume: zero,
        quoteVolume: zero,
        count,
        vwap: close,
        takerBuyVolume: zero,
      },
      gap: new Uint8Array(n),
    };
  };
  return {
    meta: {
      symbols: ["AUSDT", "BUSDT"],
      interval: "1s",
      intervalMs: 1000,
      from: s(0),
      to: s(n),
      builtAt: s(n),
      trades: {},
      gaps: [],
      liveUrl: "",
    },
    time,
    symbols: new Map([
      ["AUSDT", leg(60_000)],
      ["BUSDT", leg(3_000)],
    ]),
  };
}

const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});
const rule: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const view = {intervalMs: 1000, lookbackMs: Infinity};

// The recorder was down over seconds 400…459 (no trades of either leg; B's last trade before was in
// second 395): it reports the hole of A from its last trade before (in second 399) to its first after
// (in second 460), and B's with an unknown start (a lake it could not read).
const gapA: LiveGap = {from: s(399) + 400, to: s(460) + 200};
const gapB: LiveGap = {from: null, to: s(460) + 700};
const gapB_resolved = {from: s(395), to: s(460) + 700}; // from B's last bucket with a trade before the one of `to`
const gapInFile: LiveGap = {from: s(250), to: s(252) + 500}; // a gap record the build did not have yet

/**
 * Feeds live seconds 300…599 to `bars` (seconds 300…302 arrive late, as an older snapshot after a
 * reconnect would), calling `step(k)` after each; `gaps` are added at the given seconds.
 */
function feed(bars: LiveBars, gaps: Map<number, [string, LiveGap][]>, step: (k: number) => void): void {
  const rng = new Xorshift128(5);
  let pa = 60_000,
    pb = 3_000;
  for (let k = 303; k < 600; ++k) {
    ((pa *= 1 + 1e-3 * rng.normal()), (pb *= 1 + 1e-3 * rng.normal()));
    if (k < 400 || k >= 460) bars.add("AUSDT", [bar(s(k), pa)]);
    if (k < 396 || k >= 460) bars.add("BUSDT", [bar(s(k), pb)]);
    if (k === 470) for (const j of [300, 301, 302]) (bars.add("AUSDT", [bar(s(j), 60_000)]), bars.add("BUSDT", [bar(s(j), 3_000)]));
    for (const [symbol, gap] of gaps.get(k) ?? []) bars.addGap(symbol, gap);
    step(k);
  }
}

describe("LiveBars.addGap(symbol, gap)", () => {
  const arrivals = new Map<number, [string, LiveGap][]>([
    [430, [["AUSDT", gapA]]], // during the outage: before the bars after the hole
    [465, [["BUSDT", gapB]]], // after them
    [500, [["AUSDT", gapInFile]]], // reaching back into the file's rows
    [
      520,
      [
        ["AUSDT", gapA],
        ["BUSDT", gapB],
      ],
    ], // the same gaps again (a snapshot after a reconnect)
  ]);

  it("flags the buckets gapFlags flags for the same ranges, file rows included, in any order of arrival", () => {
    const withGaps = new LiveBars(file(300)),
      without = new LiveBars(file(300));
    let before520 = 0;
    feed(without, new Map(), () => {});
    feed(withGaps, arrivals, (k) => {
      (withGaps.bars("AUSDT"), withGaps.bars("BUSDT")); // lay rows out as a page's frames do, between arrivals
      if (k === 519) before520 = withGaps.version;
      // The repeated gaps changed nothing: second 520's two bars are its only versions.
      if (k === 520) expect(withGaps.version).toBe(before520 + 2);
    });
    for (const [symbol, ranges] of [
      ["AUSDT", [gapA, gapInFile]],
      ["BUSDT", [gapB_resolved]],
    ] as const) {
      const got = withGaps.bars(symbol),
        base = without.bars(symbol);
      expect(got.bars.start).toEqual(base.bars.start);
      const expected = gapFlags(
        base.bars.start,
        1000,
        ranges.map(({from, to}) => ({from: from!, to: to!})),
      );
      for (let i = 0; i < expected.length; ++i) expected[i] |= base.gap[i];
      expect(Array.from(got.gap), symbol).toEqual(Array.from(expected));
      expect(expected.reduce((a, b) => a + b, 0)).toBeGreaterThan(60);
    }
  });

  it("PairStream leaves the flagged buckets out and carries no close across them, equal to alignBars on the same bars and flags", () => {
    const bars = new LiveBars(file(300)),
      stream = new PairStream();
    let version = bars.version;
    stream.update(bars.bars("AUSDT"), bars.bars("BUSDT"), -Infinity, view, rule);
    feed(bars, arrivals, (k) => {
      const legA = bars.bars("AUSDT"),
        legB = bars.bars("BUSDT");
      stream.update(legA, legB, bars.changedSince(version), view, rule);
      version = bars.version;
      if (k % 7 !== 0 && k !== 430 && k !== 465 && k !== 500) return;
      const batch = pairView(legA, legB, view);
      expect(Array.from(stream.column("time")), `second ${k}`).toEqual(Array.from(batch.time));
      expect(Array.from(stream.column("a")), `second ${k}`).toEqual(Array.from(batch.a));
      expect(Array.from(stream.column("b")), `second ${k}`).toEqual(Array.from(batch.b));
      expect(stream.gaps, `second ${k}`).toEqual(batch.gaps);
    });
    const legA = bars.bars("AUSDT"),
      legB = bars.bars("BUSDT");
    const flagA = gapFlags(
      legA.bars.start,
      1000,
      [gapA, gapInFile].map(({from, to}) => ({from: from!, to: to!})),
    );
    const flagB = gapFlags(legB.bars.start, 1000, [gapB_resolved]);
    const aligned = alignBars(legA.bars, legB.bars, {gapA: flagA, gapB: flagB});
    expect(Array.from(stream.column("time"))).toEqual(Array.from(aligned.time));
    expect(Array.from(stream.column("a"))).toEqual(Array.from(aligned.a));
    expect(Array.from(stream.column("b"))).toEqual(Array.from(aligned.b));
    expect(stream.excluded).toBe(aligned.excluded);
    expect(stream.gaps).toEqual(aligned.gaps);
    // Nothing inside the holes; after the outage the first row's closes are traded ones, not carried from second 399.
    const time = Array.from(stream.column("time"));
    expect(time.filter((t) => (t >= s(399) && t <= s(460)) || (t >= s(250) && t <= s(252)))).toEqual([]);
    const after = time.findIndex((t) => t > s(460));
    expect(time[after]).toBe(s(461));
    expect(stream.column("a")[after]).toBe(legA.bars.close[legA.bars.start.indexOf(s(461))]);

    // Without the gap messages, the outage's empty seconds would be rows carrying second 399's closes.
    const blind = new LiveBars(file(300));
    feed(blind, new Map(), () => {});
    const flat = pairView(blind.bars("AUSDT"), blind.bars("BUSDT"), view);
    const inside = Array.from(flat.time)
      .map((t, i) => [t, flat.a[i]] as const)
      .filter(([t]) => t > s(400) && t < s(460));
    expect(inside).toHaveLength(59);
    expect(new Set(inside.map(([, a]) => a)).size).toBe(1);
  });
});

describe("a LiveHub gap reaches a page's bars (connectLiveFeed → PageFeed → LiveBars)", () => {
  let hub: LiveHub | undefined, page: PageFeed | undefined;
  afterEach(async () => (page?.stop(), await hub?.close(), (hub = page = undefined)));

  it("a gap sent live and one in a later client's snapshot flag the same buckets as gapFlags", async () => {
    const f = file(300);
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: ["AUSDT", "BUSDT"], health: () => ({})});
    let id = 1;
    const trade = (k: number, ms: number, price: number) => ({id: id++, time: s(k) + ms, price, qty: 1, isBuyerMaker: false});
    for (let k = 300; k < 320; ++k) (hub.onTrade("AUSDT", trade(k, 100, 60_000 + k)), hub.onTrade("BUSDT", trade(k, 100, 3_000 + k)));
    // The browser client as the page runs it, over Node's ws (same onopen/onmessage/onclose API).
    const connect: typeof connectLiveFeed = (o) =>
      connectLiveFeed({...o, socket: (url) => new WebSocket(url) as unknown as globalThis.WebSocket});
    page = new PageFeed(f, {url: `ws://127.0.0.1:${hub.port}`, symbols: ["AUSDT", "BUSDT"], enabled: true, connect});
    await vi.waitFor(() => expect(page!.bars.bars("AUSDT").bars.start.length).toBe(320), {timeout: 10_000, interval: 20});
    hub.onGap({symbol: "AUSDT", fromTime: s(318) + 100, toTime: s(330) + 5, filled: false});
    hub.onGap({symbol: "BUSDT", fromTime: s(1), toTime: s(2), filled: true}); // filled: no bar changes, not sent
    for (let k = 330; k < 340; ++k) (hub.onTrade("AUSDT", trade(k, 5, 60_000 + k)), hub.onTrade("BUSDT", trade(k, 5, 3_000 + k)));
    await vi.waitFor(() => expect(page!.bars.bars("AUSDT").bars.start.length).toBe(340), {timeout: 10_000, interval: 20});
    const a = page.bars.bars("AUSDT");
    expect(Array.from(a.gap)).toEqual(Array.from(gapFlags(a.bars.start, 1000, [{from: s(318) + 100, to: s(330) + 5}])));
    expect(page.bars.bars("BUSDT").gap.every((g) => g === 0)).toBe(true);

    // A page opened now gets the gap with its snapshot.
    const second = new PageFeed(f, {url: `ws://127.0.0.1:${hub.port}`, symbols: ["AUSDT", "BUSDT"], enabled: true, connect});
    try {
      await vi.waitFor(() => expect(Array.from(second.bars.bars("AUSDT").gap)).toEqual(Array.from(a.gap)), {timeout: 10_000, interval: 20});
    } finally {
      second.stop();
    }
  });
});
