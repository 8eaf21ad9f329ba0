// The trade parsers' fast paths read frames as bytes (recorder/binance/byteCursor.ts), as ws hands them
// over. Whatever the bytes — real captures, the simulator's frames, hostile mutations with control
// characters, invalid UTF-8 or numbers past 2^53 — they must give exactly what the reference parser
// (JSON.parse of the decoded text, then shape checks) gives.
import {existsSync, readFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import {describe, expect, it} from "vitest";
import {parseFrame, parseFrameJson} from "../../recorder/binance/messages.js";
import {parseUsdmFrame, parseUsdmFrameJson} from "../../recorder/binance/usdmMessages.js";
import {Outbound} from "../../simulator/outbound.js";

const real = "../shared/data/real";
const now = Date.UTC(2026, 10, 21);
const symbols = new Set(["BTCUSDT", "ETHUSDT", "SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT", "ÄUSDT"]);

/** Both parsers of both markets on `bytes`: fast (bytes) and reference (decoded text) must agree. */
function expectAgreement(bytes: Buffer): {spot: string; usdm: string} {
  const text = bytes.toString();
  const spot = parseFrame(bytes, symbols, now, 7),
    usdm = parseUsdmFrame(bytes, symbols, now, 7);
  expect({text, spot}).toEqual({text, spot: parseFrameJson(text, symbols, now, 7)});
  expect({text, usdm}).toEqual({text, usdm: parseUsdmFrameJson(text, symbols, now, 7)});
  return {spot: spot.type, usdm: usdm.type};
}

/** The JSON text of each line of a capture (`<time> <json>` or `<time>: <json>`). */
function captureLines(path: string): string[] {
  const raw = readFileSync(path);
  return (path.endsWith(".gz") ? gunzipSync(raw) : raw)
    .toString()
    .split("\n")
    .filter((l) => l.includes("{"))
    .map((l) => l.slice(l.indexOf("{")));
}

/** Frames exactly as the simulator writes them (simulator/outbound.ts): spot trades and USD-M aggTrades. */
function simulatorFrames(): Buffer[] {
  const out = new Outbound(["BTCUSDT", "ETHUSDT"]);
  out.pushTrade(0, 1764000000123, 5000000001, 4300012000000, 100000, 1764000000120, true);
  out.pushTrade(1, 1764000000123, 9007199254740991, 1, 250000000, 1764000000121, false);
  out.pushAggTrade(0, 1764000000123, 300000000000000, 6180030000000, 600000, 1200000000000000, 1200000000000003, 1764000000120, true);
  out.pushAggTrade(1, 1764000000124, 7, 265010000000, 1200000000, 8, 8, 1764000000124, false);
  const frames: Buffer[] = [];
  for (let i = 0; i < out.length; ++i) {
    const payload = out.bytes.subarray(out.start[i], out.end[i]);
    const stream = `${["btcusdt", "ethusdt"][out.symbol[i]]}@${payload.includes("aggTrade") ? "aggTrade" : "trade"}`;
    frames.push(Buffer.from(payload), Buffer.concat([Buffer.from(`{"stream":"${stream}","data":`), payload, Buffer.from("}")]));
  }
  return frames;
}

describe("parseFrame and parseUsdmFrame on bytes", () => {
  it("agree with the reference parsers on the simulator's frames, and take them as trades", () => {
    const kinds = simulatorFrames().map(expectAgreement);
    expect(kinds.slice(0, 4).map((k) => k.spot)).toEqual(["trade", "trade", "trade", "trade"]);
    expect(kinds.slice(4).map((k) => k.usdm)).toEqual(["trade", "trade", "trade", "trade"]);
  });

  it.skipIf(!existsSync(real))("agree with the reference parsers on every line of the real captures", () => {
    const files = [
      ...["btcusdt_20240808.gz", "ethusdt_20240809.gz"].map((f) => `${real}/hftbacktest-binance-ws/spot/${f}`),
      ...["btcusdt_20240808.gz", "ethusdt_20240718.gz"].map((f) => `${real}/hftbacktest-binance-ws/usdm/${f}`),
      `${real}/cryptofeed-binance-ws-fixtures/binance_spot_ws_capture_20210814.txt`,
      `${real}/cryptofeed-binance-ws-fixtures/binance_usdm_ws_capture_20210722.txt`,
    ];
    let trades = 0,
      aggregates = 0,
      lines = 0;
    for (const file of files) {
      // Every 7th line of the big captures keeps the test quick; the fixtures are small and read whole.
      const all = captureLines(file);
      for (const [k, line] of all.entries()) {
        if (all.length > 5000 && k % 7 !== 0) continue;
        const kind = expectAgreement(Buffer.from(line));
        if (kind.spot === "trade") trades++;
        if (kind.usdm === "trade") aggregates++;
        lines++;
      }
    }
    expect(lines).toBeGreaterThan(10_000);
    expect(trades).toBeGreaterThan(1000);
    expect(aggregates).toBeGreaterThan(50); // the 2021 fstream capture's aggTrades
  });

  it("agree with the reference parsers on every byte mutation: control characters, invalid UTF-8, quotes, escapes", () => {
    let state = 2463534242; // xorshift32: a fixed, reproducible sequence
    const random = (n: number) => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), (state >>> 0) % n);
    const alphabet = [
      0x00, 0x09, 0x0a, 0x1f, 0x20, 0x22, 0x2b, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x39, 0x45, 0x5c, 0x65, 0x7d, 0x7f, 0x80, 0xc3, 0xe2, 0xff,
    ];
    const seen = new Set<string>();
    let checked = 0;
    for (const frame of simulatorFrames()) {
      for (let k = 0; k < 400; ++k) {
        const at = random(frame.length),
          byte = alphabet[random(alphabet.length)];
        const variant = [
          Buffer.concat([frame.subarray(0, at), Buffer.of(byte), frame.subarray(at + 1)]), // replace
          Buffer.concat([frame.subarray(0, at), frame.subarray(at + 1)]), // delete
          Buffer.concat([frame.subarray(0, at), Buffer.of(byte), frame.subarray(at)]), // insert
          Buffer.concat([frame.subarray(0, at), Buffer.from("é\\u0041"), frame.subarray(at)]), // multibyte and escape
        ][random(4)];
        const kind = expectAgreement(variant);
        seen.add(`${kind.spot}/${kind.usdm}`);
        checked++;
      }
    }
    expect(checked).toBe(3200);
    // Mutations that still parse (a digit changed) and ones rejected both ways were both met.
    expect(seen).toContain("trade/rejected");
    expect(seen).toContain("rejected/trade");
    expect(seen).toContain("rejected/rejected");
  });

  it("read ids around 2^53, an escaped or unknown symbol and a non-ASCII one as the reference parsers do", () => {
    const trade = (s: string, t: string, p = "43000.12000000") =>
      Buffer.from(`{"e":"trade","E":1764000000123,"s":"${s}","t":${t},"p":"${p}","q":"0.5","T":1764000000120,"m":true,"M":true}`);
    const agg = (a: string, f: string, l: string) =>
      Buffer.from(
        `{"e":"aggTrade","E":1764000000123,"s":"BTCUSDT","a":${a},"p":"1.5","q":"2","nq":"2","f":${f},"l":${l},"T":1764000000120,"m":false}`,
      );
    const frames = [
      ...["9007199254740991", "9007199254740992", "9007199254740993", "9999999999999999", "10000000000000000", "01", "0"].map((t) =>
        trade("BTCUSDT", t),
      ),
      trade("BTC\\u0055SDT", "5"), // escaped: JSON reads BTCUSDT
      trade("XRPUSDT", "5"),
      trade("ÄUSDT", "5"),
      trade("BTCUSDT", "5", "1234567890.123456789"), // past 15 digits: Number()'s rounding
      trade("BTCUSDT", "5", "0"),
      agg("9007199254740991", "9007199254740990", "9007199254740991"),
      agg("9007199254740993", "1", "2"),
      agg("5", "9", "8"),
    ];
    const kinds = frames.map(expectAgreement);
    expect(kinds.map((k) => k.spot)).toEqual([
      "trade",
      "rejected",
      "rejected",
      "rejected",
      "rejected",
      "rejected",
      "trade",
      "trade",
      "rejected",
      "trade",
      "trade",
      "rejected",
      "rejected",
      "rejected",
      "rejected",
    ]);
    expect(kinds.slice(-3).map((k) => k.usdm)).toEqual(["trade", "rejected", "rejected"]);
  });
});
