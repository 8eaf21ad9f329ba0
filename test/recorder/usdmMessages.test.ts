import {existsSync, readFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {parseUsdmFrame, parseUsdmFrameJson, usdmStreamPath} from "../../recorder/binance/usdmMessages.js";

const real = "../shared/data/real/hftbacktest-binance-ws/usdm";
const now = Date.UTC(2026, 10, 21);
const symbols = new Set(["BTCUSDT", "ETHUSDT"]);
// The documented payload shapes (derivatives docs, "Aggregate Trade Streams" and "Mark Price Stream"),
// with times after 2017 (the docs' aggTrade example is dated 1973, which the parser calls absurd).
const agg = {
  e: "aggTrade",
  E: 1723161256322,
  s: "BTCUSDT",
  a: 5933014,
  p: "61800.30",
  q: "0.006",
  nq: "0.006",
  f: 100,
  l: 105,
  T: 1723161256320,
  m: true,
};
const mark = {
  e: "markPriceUpdate",
  E: 1562305380000,
  s: "BTCUSDT",
  p: "11794.15000000",
  i: "11784.62659091",
  P: "11784.25641265",
  r: "0.00038167",
  T: 1562306400000,
};

describe("parseUsdmFrame", () => {
  it("parseUsdmFrame(@aggTrade) keeps a as the id and f/l as the first/last trade ids", () => {
    const event = parseUsdmFrame(JSON.stringify({stream: "btcusdt@aggTrade", data: agg}), symbols, now);
    expect(event).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      trade: {
        id: 5933014,
        time: 1723161256320,
        price: 61800.3,
        qty: 0.006,
        isBuyerMaker: true,
        eventTime: 1723161256322,
        firstId: 100,
        lastId: 105,
      },
    });
  });

  it("parseUsdmFrame(@markPrice@1s) gives mark, index, settle price, funding rate and funding time", () => {
    expect(parseUsdmFrame(JSON.stringify({stream: "btcusdt@markPrice@1s", data: mark}), symbols, now)).toEqual({
      type: "markPrice",
      mark: {
        symbol: "BTCUSDT",
        eventTime: 1562305380000,
        markPrice: 11794.15,
        indexPrice: 11784.62659091,
        estimatedSettlePrice: 11784.25641265,
        fundingRate: 0.00038167,
        nextFundingTime: 1562306400000,
      },
    });
    const negative = parseUsdmFrame(JSON.stringify({...mark, r: "-0.00010000"}), symbols, now);
    expect(negative.type === "markPrice" && negative.mark.fundingRate).toBe(-0.0001);
  });

  it("parseUsdmFrame drops @trade rows with X NA (price and quantity 0) without rejecting them", () => {
    const na = {e: "trade", E: 1723161256322, T: 1723161256322, s: "BTCUSDT", t: 5266583935, p: "0", q: "0", X: "NA", m: false};
    expect(parseUsdmFrame(JSON.stringify({stream: "btcusdt@trade", data: na}), symbols, now).type).toBe("ignored");
    const insurance = parseUsdmFrame(JSON.stringify({...na, X: "INSURANCE_FUND", p: "61800.3", q: "0.5"}), symbols, now);
    expect(insurance).toMatchObject({type: "marketTrade", execution: "INSURANCE_FUND", trade: {id: 5266583935, price: 61800.3}});
  });

  it.each([
    ["an invalidated aggregate (p 0, f/l -1)", {...agg, p: "0", q: "0", f: -1, l: -1}, /non-positive or invalid price/],
    ["last before first", {...agg, f: 106}, /invalid first\/last trade ids/],
    ["a missing aggregate id", {...agg, a: undefined}, /invalid aggregate id/],
    ["a numeric quantity", {...agg, q: 100}, /invalid quantity/],
    ["an exponent price", {...agg, p: "1e3"}, /invalid price/],
    ["another symbol", {...agg, s: "DOGEUSDT"}, /unexpected symbol "DOGEUSDT"/],
    ["a time before 2017", {...agg, T: 1000}, /absurd trade time/],
    ["a spot trade event's M-less cousin of unknown type", {...agg, e: "depthUpdate"}, /unknown event "depthUpdate"/],
    ["a funding rate that is not a decimal", {...mark, r: "0.1%"}, /invalid funding rate/],
    ["an empty funding rate", {...mark, r: ""}, /invalid funding rate/],
    ["a zero mark price", {...mark, p: "0.00"}, /non-positive or invalid mark price/],
    ["a missing funding time", {...mark, T: undefined}, /invalid funding time/],
    ["a mark event two days ahead", {...mark, E: now + 2 * 86_400_000}, /absurd event time/],
  ])("parseUsdmFrame rejects %s", (_, data, reason) => {
    const event = parseUsdmFrame(JSON.stringify(data), symbols, now);
    expect(event.type).toBe("rejected");
    expect(event.type === "rejected" && event.reason).toMatch(reason);
  });

  it("parseUsdmFrame recognizes serverShutdown, control replies and errors", () => {
    expect(parseUsdmFrame(JSON.stringify({e: "serverShutdown", E: now}), symbols, now)).toEqual({type: "shutdown"});
    expect(parseUsdmFrame(JSON.stringify({result: null, id: 3}), symbols, now)).toEqual({type: "response", id: 3, result: null});
    expect(parseUsdmFrame('{"code":2,"msg":"Invalid request","id":1}', symbols, now)).toMatchObject({reason: "error 2: Invalid request"});
    expect(parseUsdmFrame("{not json", symbols, now)).toMatchObject({type: "rejected", reason: "malformed JSON"});
  });

  it("parseUsdmFrame stamps the wall-clock receive time from the performance.now() reading", () => {
    const at = performance.now();
    const event = parseUsdmFrame(JSON.stringify(agg), symbols, now, at);
    expect(event.type === "trade" && event.trade.receiveTime).toBe(Math.round(performance.timeOrigin + at));
  });

  // Facts from the captures' PROVENANCE.md: trade id ranges, gapless (+1 each).
  const captures = [
    ["btcusdt_20240718.gz", 5182005737, 5182006710],
    ["btcusdt_20240719.gz", 5182006711, 5182016437],
    ["ethusdt_20240718.gz", 4217896584, 4217898223],
    ["ethusdt_20240719.gz", 4217898224, 4217910238],
    ["btcusdt_20240808.gz", 5266583935, 5266605247],
    ["ethusdt_20240808.gz", 4308068523, 4308082598],
  ] as const;

  it.skipIf(!existsSync(real))("parseUsdmFrame parses every trade line of the real USD-M captures, ids as the JSON says", () => {
    let total = 0;
    for (const [file, first, last] of captures) {
      const lines = gunzipSync(readFileSync(`${real}/${file}`))
        .toString()
        .split("\n")
        .filter((l) => l.includes('"stream":"btcusdt@trade"') || l.includes('"stream":"ethusdt@trade"') || l.includes("@aggTrade"));
      const ids: number[] = [],
        parsed: unknown[] = [],
        expected: unknown[] = [];
      for (const line of lines) {
        const json = line.slice(line.indexOf(" ") + 1);
        const event = parseUsdmFrame(json, symbols, now);
        if (event.type !== "marketTrade") throw new Error(`${file}: ${JSON.stringify(event)}`);
        const {data} = JSON.parse(json) as {data: {t: number; T: number; E: number; p: string; q: string; m: boolean; X: string}};
        const {id, time, eventTime, price, qty, isBuyerMaker} = event.trade;
        parsed.push([id, time, eventTime, price, qty, isBuyerMaker, event.execution]);
        expected.push([data.t, data.T, data.E, Number(data.p), Number(data.q), data.m, data.X]);
        ids.push(id);
      }
      expect(parsed).toEqual(expected);
      expect(ids.length).toBe(last - first + 1);
      expect(ids[0]).toBe(first);
      expect(ids.every((v, k) => v === first + k)).toBe(true);
      total += ids.length;
    }
    expect(total).toBe(974 + 9727 + 1640 + 12015 + 21313 + 14076);
  });

  it.skipIf(!existsSync(real))("parseUsdmFrame drops the real rows turned into X NA rows, and only those", () => {
    const lines = gunzipSync(readFileSync(`${real}/btcusdt_20240808.gz`))
      .toString()
      .split("\n")
      .filter((l) => l.includes("btcusdt@trade"))
      .slice(0, 200)
      .map((l) => l.slice(l.indexOf(" ") + 1));
    const mutated = lines.map((l, k) => (k % 3 === 0 ? l.replace(/"p":"[^"]*","q":"[^"]*","X":"MARKET"/, '"p":"0","q":"0","X":"NA"') : l));
    const kinds = mutated.map((l) => parseUsdmFrame(l, symbols, now).type);
    expect(kinds.filter((k) => k === "ignored").length).toBe(Math.ceil(200 / 3));
    expect(kinds.filter((k) => k === "marketTrade").length).toBe(200 - Math.ceil(200 / 3));
  });
});

describe("usdmStreamPath", () => {
  it("usdmStreamPath builds the /market combined path, aggTrade and markPrice@1s by default", () => {
    expect(usdmStreamPath(["BTCUSDT"])).toBe("/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s");
    expect(usdmStreamPath(["BTCUSDT", "ETHUSDT"], ["aggTrade"])).toBe("/market/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade");
  });

  it("usdmStreamPath refuses more streams than one connection may carry, or none", () => {
    const many = Array.from({length: 513}, (_, k) => `S${k}USDT`);
    expect(() => usdmStreamPath(many)).toThrow("1026 streams (fstream allows 1024 per connection)");
    expect(usdmStreamPath(many.slice(0, 512))).toMatch(/^\/market\/stream\?streams=/);
    expect(() => usdmStreamPath([])).toThrow(RangeError);
  });
});

describe("parseUsdmFrame's @aggTrade fast path", () => {
  const frames = [
    JSON.stringify({stream: "btcusdt@aggTrade", data: agg}),
    JSON.stringify(agg),
    JSON.stringify({stream: "ethusdt@aggTrade", data: {...agg, s: "ETHUSDT", m: false, p: "2650.1", q: "12", nq: "12", f: 7, l: 7}}),
    JSON.stringify({stream: "btcusdt@markPrice@1s", data: mark}),
  ];

  it("gives the same event as the JSON path on aggTrade frames and on every one-character mutation of them", () => {
    // xorshift32: a fixed, reproducible sequence of mutations
    let state = 2463534242;
    const random = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 4294967296);
    const alphabet = '0123456789.-"{}:,eEaAsSpPqQnflLTmMbx \\';
    let trades = 0,
      checked = 0;
    for (const frame of frames) {
      const variants = [frame];
      for (let k = 0; k < 60; ++k) {
        const at = Math.floor(random() * frame.length);
        const c = alphabet[Math.floor(random() * alphabet.length)];
        variants.push(frame.slice(0, at) + c + frame.slice(at + 1)); // replace
        variants.push(frame.slice(0, at) + frame.slice(at + 1)); // delete
      }
      for (const variant of variants) {
        const fast = parseUsdmFrame(variant, symbols, now, 1),
          json = parseUsdmFrameJson(variant, symbols, now, 1);
        if (fast.type === "rejected" && json.type === "rejected") expect(fast.reason).toBe(json.reason);
        else expect({variant, fast}).toEqual({variant, fast: json});
        checked++;
        if (fast.type === "trade") trades++;
      }
    }
    expect(checked).toBeGreaterThan(400);
    expect(trades).toBeGreaterThan(50); // many mutations (in digits) still parse as trades
  });
});
