// Binance's limits on our side: connection attempts per 5 minutes, REST weight per minute, Retry-After.
import {createServer} from "node:http";
import {describe, expect, it} from "vitest";
import {TradeHistoryClient} from "../../recorder/binance/rest.js";
import {AttemptLimiter} from "../../recorder/binance/stream.js";

describe("AttemptLimiter", () => {
  it("allows `limit` attempts per window, then makes the next wait for the oldest to expire", async () => {
    const limiter = new AttemptLimiter(3, 300);
    const signal = new AbortController().signal;
    const started = performance.now();
    for (let k = 0; k < 3; ++k) await limiter.take(signal);
    expect(performance.now() - started).toBeLessThan(50);
    await limiter.take(signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

/** A historicalTrades endpoint whose weight header and status the test scripts. */
async function endpoint(script: {status: number; weight: number; retryAfter?: number}[]) {
  const seen: number[] = [];
  const server = createServer((req, res) => {
    const step = script[Math.min(seen.length, script.length - 1)];
    seen.push(Date.now());
    res.writeHead(step.status, {
      "content-type": "application/json",
      "x-mbx-used-weight-1m": String(step.weight),
      ...(step.retryAfter !== undefined && {"retry-after": String(step.retryAfter)}),
    });
    res.end(
      step.status === 200
        ? JSON.stringify([
            {id: 1, price: "1.0", qty: "2.0", quoteQty: "2.0", time: 1_700_000_000_000, isBuyerMaker: true, isBestMatch: true},
          ])
        : JSON.stringify({code: -1003, msg: "Too many requests"}),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as {port: number}).port;
  return {url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(resolve))};
}

describe("TradeHistoryClient", () => {
  it("waits for the next minute instead of going over the weight budget", async () => {
    const api = await endpoint([{status: 200, weight: 4790}]);
    let clock = Date.UTC(2026, 0, 1, 0, 0, 30); // half past the minute
    const sleeps: number[] = [];
    const client = new TradeHistoryClient(api.url, {now: () => clock, sleep: async (ms) => void (sleeps.push(ms), (clock += ms))});
    const trades = await client.historicalTrades("BTCUSDT", 1);
    expect(trades).toEqual([{id: 1, time: 1_700_000_000_000, price: 1, qty: 2, isBuyerMaker: true}]);
    await client.historicalTrades("BTCUSDT", 1); // 4790 + 25 > 4800: wait for the next minute
    expect(sleeps).toEqual([30_050]);
    expect(api.seen).toHaveLength(2);
    await api.close();
  });

  it("after HTTP 429 sends nothing until Retry-After has passed", async () => {
    const api = await endpoint([
      {status: 429, weight: 6000, retryAfter: 7},
      {status: 200, weight: 100},
    ]);
    let clock = Date.UTC(2026, 0, 1);
    const sleeps: number[] = [];
    const client = new TradeHistoryClient(api.url, {now: () => clock, sleep: async (ms) => void (sleeps.push(ms), (clock += ms))});
    await expect(client.historicalTrades("BTCUSDT", 1)).rejects.toThrow(/HTTP 429 \(rate limit\); waiting 7 s/);
    expect(client.rateLimited).toBe(1);
    await client.historicalTrades("BTCUSDT", 1);
    expect(sleeps).toEqual([7000]);
    expect(api.seen).toHaveLength(2);
    await api.close();
  });
});
