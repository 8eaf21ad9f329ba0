// runStream with the USD-M feed against a local WebSocket server on fstream's /market route.
import type {AddressInfo} from "node:net";
import {describe, expect, it} from "vitest";
import {WebSocketServer} from "ws";
import {spotRules, usdmRules} from "../../recorder/binance/connectionRules.js";
import {spotTradeFeed, usdmFeed} from "../../recorder/binance/streamFeed.js";
import {runStream} from "../../recorder/binance/stream.js";
import type {UsdmStreamEvent} from "../../recorder/binance/usdmMessages.js";

const aggTrade = {
  e: "aggTrade",
  E: 1723161256322,
  s: "BTCUSDT",
  a: 7,
  p: "61800.30",
  q: "0.006",
  nq: "0.006",
  f: 70,
  l: 72,
  T: 1723161256320,
  m: false,
};
const markPrice = {
  e: "markPriceUpdate",
  E: 1723161257000,
  s: "BTCUSDT",
  p: "61801.1",
  i: "61790.5",
  P: "61795.0",
  r: "-0.00002500",
  T: 1723190400000,
};

describe("runStream(usdmFeed)", () => {
  it("runStream(usdmFeed([BTCUSDT])) opens /market/stream with aggTrade and markPrice@1s, parses both and pongs the server's ping", async () => {
    const server = new WebSocketServer({host: "127.0.0.1", port: 0});
    await new Promise((resolve) => server.once("listening", resolve));
    const paths: string[] = [];
    const ponged = new Promise<string>((resolve) =>
      server.on("connection", (socket, request) => {
        paths.push(request.url ?? "");
        socket.on("pong", (data) => resolve(data.toString()));
        socket.ping("fstream-ping");
        socket.send(JSON.stringify({stream: "btcusdt@aggTrade", data: aggTrade}));
        socket.send(JSON.stringify({stream: "btcusdt@markPrice@1s", data: markPrice}));
      }),
    );
    const controller = new AbortController();
    const events: UsdmStreamEvent[] = [];
    let resolveTwo!: () => void;
    const twoEvents = new Promise<void>((resolve) => (resolveTwo = resolve));
    const done = runStream(usdmFeed(["BTCUSDT"]), {
      wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      signal: controller.signal,
      onEvent: (event) => void (events.push(event), events.length === 2 && resolveTwo()),
    });
    await twoEvents;
    expect(await ponged).toBe("fstream-ping");
    controller.abort();
    await done;
    expect(paths).toEqual(["/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s"]);
    expect(events.map((e) => e.type)).toEqual(["trade", "markPrice"]);
    expect(events[0]).toMatchObject({
      symbol: "BTCUSDT",
      trade: {id: 7, firstId: 70, lastId: 72, price: 61800.3, qty: 0.006, isBuyerMaker: false},
    });
    expect(events[1]).toMatchObject({
      mark: {markPrice: 61801.1, indexPrice: 61790.5, fundingRate: -0.000025, nextFundingTime: 1723190400000},
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("connection rules", () => {
  it("each feed carries its market's documented rules", () => {
    // fstream: pings every 3 min, pong within 10 min, 10 messages/s, 1024 streams, 24 h.
    expect(usdmFeed(["BTCUSDT"]).rules).toBe(usdmRules);
    expect(usdmRules).toMatchObject({
      serverPingMs: 3 * 60_000,
      pongWithinMs: 10 * 60_000,
      maxIncomingPerSecond: 10,
      maxStreams: 1024,
      maxAgeMs: 86_400_000,
    });
    // spot: pings every 20 s, pong within 1 min, 5 messages/s.
    expect(spotTradeFeed(["BTCUSDT"]).rules).toBe(spotRules);
    expect(spotRules).toMatchObject({
      serverPingMs: 20_000,
      pongWithinMs: 60_000,
      maxIncomingPerSecond: 5,
      maxStreams: 1024,
      maxAgeMs: 86_400_000,
    });
    // Rotation happens before the server's cut: 23 h 30 min, as the spot stream has always done.
    expect(usdmRules.maxAgeMs - usdmRules.rotateAheadMs).toBe(23.5 * 3600_000);
  });

  it("usdmFeed refuses more symbols than fit one connection's 1024 streams", () => {
    const symbols = Array.from({length: 513}, (_, k) => `S${k}USDT`);
    expect(() => usdmFeed(symbols)).toThrow(/1026 streams/);
    expect(usdmFeed(symbols, ["aggTrade"]).path.match(/@aggTrade/g)).toHaveLength(513);
  });
});
