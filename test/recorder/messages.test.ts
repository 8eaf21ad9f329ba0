import {existsSync, readFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {parseFrame, parseFrameJson} from "../../recorder/binance/messages.js";

const real = "../shared/data/real/hftbacktest-binance-ws";
const now = Date.UTC(2026, 10, 21);
const symbols = new Set(["BTCUSDT", "ETHUSDT"]);
const good = {
  e: "trade",
  E: 1723161255343,
  s: "BTCUSDT",
  t: 3735683259,
  p: "61837.63000000",
  q: "0.02000000",
  T: 1723161255342,
  m: true,
  M: true,
};

describe("parseFrame", () => {
  it("parseFrame(combined trade frame) gives the normalized trade", () => {
    expect(parseFrame(JSON.stringify({stream: "btcusdt@trade", data: good}), symbols, now)).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      trade: {id: 3735683259, time: 1723161255342, price: 61837.63, qty: 0.02, isBuyerMaker: true, eventTime: 1723161255343},
    });
  });

  it("parseFrame accepts raw-stream frames and the pre-2024 shape with b/a order ids", () => {
    const event = parseFrame(JSON.stringify({...good, b: 88, a: 50}), symbols, now);
    expect(event.type).toBe("trade");
  });

  it.each([
    ["malformed JSON", "{not json", /malformed JSON/],
    ["an array", "[1,2]", /not an object/],
    ["an unknown event", JSON.stringify({...good, e: "aggTrade"}), /unknown event "aggTrade"/],
    ["another symbol", JSON.stringify({...good, s: "DOGEUSDT"}), /unexpected symbol "DOGEUSDT"/],
    ["a zero price", JSON.stringify({...good, p: "0.00000000"}), /non-positive or invalid price/],
    ["a negative quantity", JSON.stringify({...good, q: "-1.0"}), /non-positive or invalid quantity/],
    ["a numeric price", JSON.stringify({...good, p: 61837.63}), /invalid price/],
    ["a time before 2017", JSON.stringify({...good, T: 1000}), /absurd trade time/],
    ["a time two days ahead", JSON.stringify({...good, T: now + 2 * 86_400_000}), /absurd trade time/],
    ["a fractional id", JSON.stringify({...good, t: 1.5}), /invalid trade id/],
    ["an error reply", JSON.stringify({code: 2, msg: "Invalid request", id: 1}), /error 2: Invalid request/],
  ])("parseFrame rejects %s", (_, frame, reason) => {
    const event = parseFrame(frame, symbols, now);
    expect(event.type).toBe("rejected");
    expect(event.type === "rejected" && event.reason).toMatch(reason);
  });

  it("parseFrame recognizes serverShutdown and control replies", () => {
    expect(parseFrame(JSON.stringify({e: "serverShutdown", E: now}), symbols, now)).toEqual({type: "shutdown"});
    expect(parseFrame(JSON.stringify({result: null, id: 3}), symbols, now)).toEqual({type: "response", id: 3, result: null});
  });

  it.skipIf(!existsSync(real))("parseFrame on the real spot capture gives exactly the trades of the derived CSV", () => {
    for (const [capture, csv] of [
      ["spot/btcusdt_20240808.gz", "derived/spot_BTCUSDT_trades_20240808T2354_20240809T0005.csv.gz"],
      ["spot/ethusdt_20240808.gz", "derived/spot_ETHUSDT_trades_20240808T2354_20240809T0005.csv.gz"],
    ]) {
      const parsed = [];
      for (const line of gunzipSync(readFileSync(`${real}/${capture}`))
        .toString()
        .split("\n")) {
        if (!line.includes("@trade")) continue;
        const event = parseFrame(line.slice(line.indexOf(" ") + 1), symbols, now);
        expect(event.type).toBe("trade");
        // The derived CSV has no event time; the stream's E is checked above.
        if (event.type === "trade") parsed.push({...event.trade, eventTime: undefined});
      }
      const rows = gunzipSync(readFileSync(`${real}/${csv}`))
        .toString()
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(","));
      const expected = rows.map(([id, price, qty, time, , maker]) => ({
        id: Number(id),
        time: Number(time),
        price: Number(price),
        qty: Number(qty),
        isBuyerMaker: maker === "true",
      }));
      // The derived CSV covers both days' files; the 2024-08-08 capture is its prefix.
      expect(parsed.length).toBeGreaterThan(1000);
      expect(parsed).toEqual(expected.slice(0, parsed.length));
    }
  });
});

describe("parseFrame fast path", () => {
  const frames = [
    JSON.stringify({stream: "btcusdt@trade", data: good}),
    JSON.stringify(good),
    JSON.stringify({stream: "ethusdt@trade", data: {...good, s: "ETHUSDT", m: false, p: "2650.1", q: "12"}}),
  ];
  if (existsSync(real)) {
    const lines = gunzipSync(readFileSync(`${real}/spot/btcusdt_20240808.gz`))
      .toString()
      .split("\n")
      .filter((l) => l.includes("@trade"));
    for (const line of lines.slice(0, 300)) frames.push(line.slice(line.indexOf(" ") + 1));
  }

  it("parseFrame agrees with parseFrameJson on real frames and on every one-character mutation of them", () => {
    // xorshift32: a fixed, reproducible sequence of mutations
    let state = 2463534242;
    const random = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 4294967296);
    const alphabet = '0123456789.-"{}:,eEtTsSpPqQmMabx \\';
    let fast = 0,
      checked = 0;
    for (const frame of frames) {
      const variants = [frame];
      for (let k = 0; k < 40; ++k) {
        const at = Math.floor(random() * frame.length);
        const c = alphabet[Math.floor(random() * alphabet.length)];
        variants.push(frame.slice(0, at) + c + frame.slice(at + 1)); // replace
        variants.push(frame.slice(0, at) + frame.slice(at + 1)); // delete
      }
      for (const variant of variants) {
        const a = parseFrame(variant, symbols, now, 1),
          b = parseFrameJson(variant, symbols, now, 1);
        if (a.type === "rejected" && b.type === "rejected") expect(a.reason).toBe(b.reason);
        else expect({variant, a}).toEqual({variant, a: b});
        checked++;
        if (a.type === "trade") fast++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(fast).toBeGreaterThan(frames.length); // some mutations still parse (digits changed) and must agree
  });

  it("reads prices, quantities, ids and times of every length as JSON.parse and Number() do", () => {
    let state = 88172645;
    const random = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) / 4294967296);
    const digits = (n: number) => Array.from({length: n}, () => Math.floor(random() * 10)).join("");
    for (let k = 0; k < 20_000; ++k) {
      // 1 to 20 digits with the point anywhere (or none): the digit-sum path up to 15, Number() past it
      const whole = "1" + digits(Math.floor(random() * 10)),
        fraction = random() < 0.2 ? "" : digits(1 + Math.floor(random() * 10));
      const p = fraction ? `${whole}.${fraction}` : whole,
        q = `0.${digits(1 + Math.floor(random() * 16))}1`;
      const t = Number(`1${digits(Math.floor(random() * 16))}`); // 1 to 16 digits
      const data = {...good, t: Number.isSafeInteger(t) ? t : 7, E: 1723161255343 + Math.floor(random() * 1e6), p, q};
      const a = parseFrame(JSON.stringify({stream: "btcusdt@trade", data}), symbols, now, 1);
      if (a.type !== "trade") throw new Error(`not parsed: ${JSON.stringify(data)}`);
      expect({p, q, t: data.t, E: data.E, parsed: [a.trade.price, a.trade.qty, a.trade.id, a.trade.eventTime]}).toEqual({
        p,
        q,
        t: data.t,
        E: data.E,
        parsed: [Number(p), Number(q), data.t, data.E],
      });
    }
  });
});
