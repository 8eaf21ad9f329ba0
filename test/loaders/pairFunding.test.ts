// withPairFunding on a lake holding a perpetual's funding table (lake/funding.ts writeFunding): what
// the pair report's bars file carries for the page's backtest, decoded back (loaders/pairBarsFile.ts).
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {withDuckDB} from "../../lake/duckdb.js";
import {writeFunding} from "../../lake/funding.js";
import {pairBarsFile} from "../../loaders/pairBarsFile.js";
import {withPairFunding} from "../../loaders/pairFunding.js";
import {resample} from "../../src/lib/bars.js";
import type {BarsContent} from "../../src/protocol/barsFile.js";
import {decodeBarsFile} from "../../src/protocol/barsFile.js";

const t0 = Date.UTC(2026, 0, 1, 0, 0, 0),
  hour = 3_600_000;
let lake: string;
beforeAll(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-pairfunding-"));
  await withDuckDB((connection) =>
    writeFunding(connection, lake, "usdm:BTCUSDT", [
      {fundingTime: t0 - 8 * hour, rate: 5e-5, markPrice: 99, source: "rest"}, // before the bars: left out
      {fundingTime: t0, rate: 1e-4, markPrice: 100.5, source: "rest"},
      {fundingTime: t0 + 8 * hour, rate: -3e-5, markPrice: null, source: "archive"},
    ]),
  );
}, 60_000);
afterAll(async () => lake && (await rm(lake, {recursive: true, force: true})));

/** Bars of `symbols` over [t0, t0 + 16 h) at one-hour buckets (one trade an hour). */
function content(symbols: string[]): BarsContent {
  const time = Array.from({length: 16}, (_, i) => t0 + i * hour + 1);
  const legs = symbols.map((symbol) => ({
    symbol,
    bars: resample(
      {id: time.map((_, i) => i + 1), time, price: time.map(() => 100), qty: time.map(() => 1), isBuyerMaker: time.map(() => false)},
      hour,
      {
        from: t0,
        to: t0 + 16 * hour,
      },
    ),
    gap: new Uint8Array(16),
    trades: 16,
  }));
  return {interval: hour, from: t0, to: t0 + 16 * hour, legs, gaps: []};
}

const fileOptions = {interval: "1h", builtAt: 0, liveUrl: ""};

describe("withPairFunding(lake, content)", () => {
  it("adds the perpetual leg's events from the first bucket on (mark where the lake has one) and carries them in the pair's bars file", async () => {
    const loaded = await withPairFunding(lake, content(["BTCUSDT", "usdm:BTCUSDT"]));
    const expected = {
      "usdm:BTCUSDT": [
        {time: t0, rate: 1e-4, mark: 100.5},
        {time: t0 + 8 * hour, rate: -3e-5},
      ],
    };
    expect(loaded.funding).toEqual(expected);
    const file = decodeBarsFile(pairBarsFile(loaded, fileOptions).slice().buffer);
    expect(file.meta.funding).toEqual(expected);
  });

  it("gives a perpetual without stored events an empty list, and leaves a spot-only pair as it was", async () => {
    expect((await withPairFunding(lake, content(["usdm:ETHUSDT", "BTCUSDT"]))).funding).toEqual({"usdm:ETHUSDT": []});
    const spot = content(["BTCUSDT", "ETHUSDT"]);
    expect(await withPairFunding(lake, spot)).toBe(spot);
    expect(decodeBarsFile(pairBarsFile(spot, fileOptions).slice().buffer).meta.funding).toBeUndefined();
  });
});
