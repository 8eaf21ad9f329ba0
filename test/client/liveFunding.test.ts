// Funding events on the live path: a real LiveHub's stored funding (recorder/fundingRecorder.ts calls
// onFunding) reaches a PageFeed through connectLiveFeed — in the snapshot of a page opened later, then
// as each batch is stored — merged with the build's events (a settled rate replaces an estimate, never
// the reverse), and counts as news for the page's refits. Only subscribers of the perpetual get them.
import {afterEach, describe, expect, it, vi} from "vitest";
import WebSocket from "ws";
import {LiveHub} from "../../recorder/liveHub.js";
import {connectLiveFeed} from "../../src/client/liveFeed.js";
import {PageFeed} from "../../src/client/pageFeed.js";
import type {BarsFile, SymbolBars} from "../../src/protocol/barsFile.js";
import {liveFundingOf, mergeLiveFunding} from "../../src/protocol/liveFunding.js";

const t0 = Date.UTC(2026, 10, 20, 8, 0, 0),
  h8 = 8 * 3600_000;
const [perp, spot] = ["usdm:BTCUSDT", "ETHUSDT"];

/** A bars file of two one-second bars per leg, built with one funding event of the perpetual at t0. */
function file(): BarsFile {
  const time = Float64Array.of(t0 - 2000, t0 - 1000),
    close = Float64Array.of(100, 101),
    zero = new Float64Array(2);
  const leg: SymbolBars = {
    bars: {
      interval: 1000,
      start: time,
      open: close,
      high: close,
      low: close,
      close,
      volume: zero,
      quoteVolume: zero,
      count: zero,
      vwap: close,
      takerBuyVolume: zero,
    },
    gap: new Uint8Array(2),
  };
  return {
    meta: {
      symbols: [perp, spot],
      interval: "1s",
      intervalMs: 1000,
      from: t0 - 2000,
      to: t0,
      builtAt: t0,
      trades: {},
      gaps: [],
      liveUrl: "",
      funding: {[perp]: [{time: t0, rate: 1e-4, mark: 100}]},
    },
    time,
    symbols: new Map([
      [perp, leg],
      [spot, leg],
    ]),
  };
}

let hub: LiveHub | undefined, page: PageFeed | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  page?.stop();
  for (const s of sockets) s.terminate();
  await hub?.close();
  ((hub = undefined), (page = undefined), (sockets.length = 0));
});

describe("funding on the live feed (LiveHub → connectLiveFeed → PageFeed)", () => {
  it("mergeLiveFunding: a settled event replaces an estimate of its time, never the reverse; unchanged input keeps the array", () => {
    const est = {time: t0, rate: 1e-4, mark: 100, source: "stream" as const},
      settled = {time: t0, rate: 2e-4, mark: null, source: "rest" as const};
    const merged = mergeLiveFunding([est], [settled]);
    expect(merged).toEqual([{...settled, mark: 100}]); // the estimate's mark kept where REST has none, as the lake's mergeFunding
    expect(mergeLiveFunding(merged, [est])).toBe(merged);
    expect(mergeLiveFunding(merged, [{...settled, mark: 100}])).toBe(merged);
    expect(mergeLiveFunding([], [est, {...est, time: t0 + h8}, {...est, time: t0 + 2 * h8}], 2).map((e) => e.time)).toEqual([
      t0 + h8,
      t0 + 2 * h8,
    ]);
    // Hostile shapes are dropped, never thrown on.
    expect(
      liveFundingOf([
        null,
        1,
        {time: 1.5, rate: 0, mark: null, source: "rest"},
        {time: 1, rate: "x"},
        {time: 1, rate: 0, mark: 1, source: "api"},
      ]),
    ).toEqual([]);
    expect(liveFundingOf({time: 1})).toEqual([]);
  });

  it("a page gets the kept funding in its snapshot, then each stored batch, merged with the build's, as refit news", async () => {
    hub = await LiveHub.start({host: "127.0.0.1", port: 0, symbols: [perp, spot], health: () => ({})});
    // Stored before the page opens (a settlement since the build): the snapshot carries it.
    hub.onFunding(perp, [{fundingTime: t0 + h8, rate: 3e-4, markPrice: 101, source: "stream"}]);
    const connect: typeof connectLiveFeed = (o) =>
      connectLiveFeed({...o, socket: (url) => new WebSocket(url) as unknown as globalThis.WebSocket});
    page = new PageFeed(file(), {url: `ws://127.0.0.1:${hub.port}`, symbols: [perp, spot], enabled: true, connect});
    const refits: number[] = [];
    const stopRefits = page.refits((v) => refits.push(v), 10);
    await vi.waitFor(() => expect(page!.funding.legs(perp, spot)?.a).toHaveLength(2), {timeout: 10_000, interval: 10});
    expect(page.funding.legs(perp, spot)).toEqual({
      a: [
        {time: t0, rate: 1e-4, mark: 100},
        {time: t0 + h8, rate: 3e-4, mark: 101},
      ],
      b: undefined,
    });
    // A spot-only subscriber never gets the perpetual's funding.
    const other = new WebSocket(`ws://127.0.0.1:${hub.port}`),
      got: {type: string}[] = [];
    sockets.push(other);
    other.on("message", (d) => got.push(JSON.parse(d.toString()) as {type: string}));
    await new Promise((r) => other.once("open", r));
    other.send(JSON.stringify({type: "subscribe", symbols: [spot]}));
    await vi.waitFor(() => expect(got.some((m) => m.type === "snapshot")).toBe(true), {timeout: 10_000, interval: 10});

    // While open: REST settles t0 + 8 h at another rate, the next estimate comes; a late estimate of a settled time is not sent.
    const before = refits.length;
    hub.onFunding(perp, [{fundingTime: t0 + h8, rate: 2.5e-4, markPrice: 101.5, source: "rest"}]);
    hub.onFunding(perp, [{fundingTime: t0 + 2 * h8, rate: -1e-4, markPrice: 102, source: "stream"}]);
    const sent = hub.messagesSent;
    hub.onFunding(perp, [{fundingTime: t0 + h8, rate: 9e-4, markPrice: 101, source: "stream"}]);
    expect(hub.messagesSent).toBe(sent);
    await vi.waitFor(() => expect(page!.funding.legs(perp, spot)?.a).toHaveLength(3), {timeout: 10_000, interval: 10});
    expect(page.funding.legs(perp, spot)!.a).toEqual([
      {time: t0, rate: 1e-4, mark: 100},
      {time: t0 + h8, rate: 2.5e-4, mark: 101.5},
      {time: t0 + 2 * h8, rate: -1e-4, mark: 102},
    ]);
    await vi.waitFor(() => expect(refits.length).toBeGreaterThan(before), {timeout: 10_000, interval: 10});
    stopRefits();
    expect(got.filter((m) => m.type === "funding")).toEqual([]);
  });
});
