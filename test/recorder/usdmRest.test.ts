// The fapi client against a small local server that answers as fapi documents it.
import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {afterEach, describe, expect, it} from "vitest";
import {UsdmHistoryClient, validateUsdmSymbols} from "../../recorder/binance/usdmRest.js";

interface Scripted {
  status?: number;
  weight?: number;
  retryAfter?: number;
}

const exchangeInfo = {
  timezone: "UTC",
  serverTime: 1_723_161_256_000,
  rateLimits: [{rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400}],
  symbols: [
    {symbol: "BTCUSDT", pair: "BTCUSDT", contractType: "PERPETUAL", status: "TRADING"},
    {symbol: "ETHUSDT", pair: "ETHUSDT", contractType: "PERPETUAL", status: "TRADING"},
    {symbol: "BTCUSDT_250926", pair: "BTCUSDT", contractType: "CURRENT_QUARTER", status: "TRADING"},
    {symbol: "OLDUSDT", pair: "OLDUSDT", contractType: "PERPETUAL", status: "SETTLING"},
  ],
};

/** Aggregates 100..104 of BTCUSDT; 102 was invalidated by Binance (price/qty "0", f/l -1). */
const aggRows = [
  {a: 100, p: "61800.30", q: "0.006", f: 1000, l: 1000, T: 1_723_161_256_322, m: false},
  {a: 101, p: "61800.40", q: "1.250", f: 1001, l: 1004, T: 1_723_161_256_344, m: true},
  {a: 102, p: "0", q: "0", f: -1, l: -1, T: 1_723_161_256_350, m: true},
  {a: 103, p: "61799.90", q: "0.002", f: 1006, l: 1006, T: 1_723_161_256_431, m: false},
  {a: 104, p: "61800.00", q: "0.010", f: 1007, l: 1008, T: 1_723_161_256_500, m: true},
];

const fundingRows = [
  {symbol: "BTCUSDT", fundingTime: 1_570_608_000_000, fundingRate: "-0.03750000", markPrice: ""},
  {symbol: "BTCUSDT", fundingTime: 1_570_636_800_003, fundingRate: "0.00010000", markPrice: "34287.54619963"},
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => (await close?.(), (close = undefined)));

/** A fapi server; `script` answers the next requests in order (then 200s with weight 1). */
async function fapi(script: Scripted[] = []) {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    seen.push(`${url.pathname}${url.search}`);
    const {weight = 1, retryAfter} = script[0] ?? {};
    let {status = 200} = script.shift() ?? {};
    const headers: Record<string, string> = {"content-type": "application/json", "x-mbx-used-weight-1m": String(weight)};
    if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
    let body: unknown;
    if (status !== 200) body = {code: -1003, msg: "Too many requests; current limit of IP is 2400 requests per minute."};
    else if (url.pathname === "/fapi/v1/exchangeInfo") body = exchangeInfo;
    else if (url.pathname === "/fapi/v1/aggTrades") {
      const fromId = Number(url.searchParams.get("fromId")),
        limit = Number(url.searchParams.get("limit"));
      body = aggRows.filter((r) => r.a >= fromId).slice(0, limit);
    } else if (url.pathname === "/fapi/v1/fundingRate") body = fundingRows;
    else (((status as number) = 404), (body = {code: -1, msg: "not found"}));
    response.writeHead(status, headers).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen};
}

/** A fake clock whose sleeps advance it and are recorded. */
function fakeClock(start: number) {
  const clock = {t: start, sleeps: [] as number[]};
  return {clock, now: () => clock.t, sleep: async (ms: number) => void (clock.sleeps.push(ms), (clock.t += ms))};
}

describe("validateUsdmSymbols", () => {
  it("validateUsdmSymbols(BTCUSDT, ETHUSDT) accepts trading perpetuals", async () => {
    const {url, seen} = await fapi();
    const infos = await validateUsdmSymbols(url, ["BTCUSDT", "ETHUSDT"]);
    expect(infos.map((i) => [i.symbol, i.contractType, i.status])).toEqual([
      ["BTCUSDT", "PERPETUAL", "TRADING"],
      ["ETHUSDT", "PERPETUAL", "TRADING"],
    ]);
    expect(seen).toEqual(["/fapi/v1/exchangeInfo"]);
  });

  it.each([
    ["XRPUSDT", "unknown symbol usdm:XRPUSDT"],
    ["BTCUSDT_250926", "symbol usdm:BTCUSDT_250926 is not a perpetual (contractType CURRENT_QUARTER)"],
    ["OLDUSDT", "symbol usdm:OLDUSDT is not trading (status SETTLING)"],
  ])("validateUsdmSymbols refuses %s with one line naming it", async (symbol, message) => {
    const {url} = await fapi();
    const error = await validateUsdmSymbols(url, ["BTCUSDT", symbol]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("validateUsdmSymbols names an unreachable fapi", async () => {
    const {url} = await fapi();
    await close?.();
    close = undefined;
    await expect(validateUsdmSymbols(url, ["BTCUSDT"])).rejects.toThrow(`could not reach ${url}/fapi/v1/exchangeInfo`);
  });
});

describe("UsdmHistoryClient", () => {
  it("aggTrades(symbol, fromId) asks fapi for 1000 from fromId and keeps a, f, l; invalidated ids apart", async () => {
    const {url, seen} = await fapi();
    const page = await new UsdmHistoryClient(url).aggTrades("BTCUSDT", 101);
    expect(seen).toEqual(["/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=101&limit=1000"]);
    expect(page).toEqual({
      trades: [
        {id: 101, time: 1_723_161_256_344, price: 61800.4, qty: 1.25, isBuyerMaker: true, firstId: 1001, lastId: 1004},
        {id: 103, time: 1_723_161_256_431, price: 61799.9, qty: 0.002, isBuyerMaker: false, firstId: 1006, lastId: 1006},
        {id: 104, time: 1_723_161_256_500, price: 61800, qty: 0.01, isBuyerMaker: true, firstId: 1007, lastId: 1008},
      ],
      invalidated: [102],
      nextFromId: 105,
    });
    expect(await new UsdmHistoryClient(url).aggTrades("BTCUSDT", 105)).toEqual({trades: [], invalidated: [], nextFromId: 105});
  });

  it("aggTrades waits for the next minute rather than go over 2400 weight (X-MBX-USED-WEIGHT-1M)", async () => {
    const {url, seen} = await fapi([{weight: 2381}, {weight: 21}]);
    const fake = fakeClock(Date.UTC(2026, 0, 1, 0, 0, 30)); // half past the minute
    const client = new UsdmHistoryClient(url, fake);
    await client.aggTrades("BTCUSDT", 100, {limit: 2}); // the server says 2381 used
    await client.aggTrades("BTCUSDT", 102, {limit: 2}); // 2381 + 20 > 2400: wait for the next minute
    expect(fake.clock.sleeps).toEqual([30_050]);
    expect(seen).toHaveLength(2);
    await client.aggTrades("BTCUSDT", 104, {limit: 2}); // a new minute: 21 + 20 fits
    expect(fake.clock.sleeps).toEqual([30_050]);
  });

  it.each([
    [429, 7, 7000],
    [418, 120, 120_000],
    [429, undefined, 60_000],
  ])("after HTTP %i with Retry-After %s sends nothing for %i ms", async (status, retryAfter, wait) => {
    const {url, seen} = await fapi([{status, weight: 2400, retryAfter}]);
    const fake = fakeClock(Date.UTC(2026, 0, 1));
    const client = new UsdmHistoryClient(url, fake);
    await expect(client.aggTrades("BTCUSDT", 100)).rejects.toThrow(`answered HTTP ${status} (rate limit); waiting ${wait / 1000} s`);
    expect(client.rateLimited).toBe(1);
    const page = await client.aggTrades("BTCUSDT", 100);
    expect(page.nextFromId).toBe(105);
    expect(fake.clock.sleeps).toEqual([wait]);
    expect(seen).toHaveLength(2);
  });

  it("fundingRates(symbol, range) reads signed rates and an empty mark price as null", async () => {
    const {url, seen} = await fapi();
    const rows = await new UsdmHistoryClient(url).fundingRates("BTCUSDT", {startTime: 1_570_000_000_000, endTime: 1_571_000_000_000});
    expect(seen).toEqual(["/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=1570000000000&endTime=1571000000000&limit=1000"]);
    expect(rows).toEqual([
      {symbol: "BTCUSDT", fundingTime: 1_570_608_000_000, fundingRate: -0.0375, markPrice: null},
      {symbol: "BTCUSDT", fundingTime: 1_570_636_800_003, fundingRate: 0.0001, markPrice: 34287.54619963},
    ]);
  });

  it("fundingRates keeps to its own request limit (500 per 5 min by default) apart from the weight", async () => {
    expect(new UsdmHistoryClient("http://127.0.0.1:1").fundingLimit).toMatchObject({limit: 500, windowMs: 300_000});
    expect(new UsdmHistoryClient("http://127.0.0.1:1").weight.budget).toBe(2400);
    const {url, seen} = await fapi();
    const fake = fakeClock(Date.UTC(2026, 0, 1));
    const client = new UsdmHistoryClient(url, {...fake, fundingRequests: 3});
    for (let k = 0; k < 3; ++k) (await client.fundingRates("BTCUSDT"), (fake.clock.t += 1000));
    expect(fake.clock.sleeps).toEqual([]);
    await client.fundingRates("BTCUSDT"); // the 4th within 5 minutes waits until the 1st leaves the window
    expect(fake.clock.sleeps).toEqual([300_000 - 3000]);
    expect(seen).toHaveLength(4);
    await client.aggTrades("BTCUSDT", 100); // aggTrades does not count against the funding limit
    expect(fake.clock.sleeps).toHaveLength(1);
  });
});
