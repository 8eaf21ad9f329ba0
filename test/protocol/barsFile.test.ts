// The bars file's funding events (src/protocol/barsFile.ts): perpetual legs' events written in the
// metadata and read back as given; spot legs and files from before funding carry none.
import {Schema, Table, tableFromIPC, tableToIPC} from "apache-arrow";
import {describe, expect, it} from "vitest";
import {resample} from "../../src/lib/bars.js";
import {type BarsContent, decodeBarsFile, encodeBarsFile} from "../../src/protocol/barsFile.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const options = {interval: "1s", builtAt: 0, liveUrl: "ws://127.0.0.1:8787"};

/** Two legs of three one-second bars (one trade each second). */
function content(funding?: BarsContent["funding"]): BarsContent {
  const leg = (symbol: string, price: number) => ({
    symbol,
    bars: resample(
      {
        id: [1, 2, 3],
        time: [t0, t0 + 1000, t0 + 2000],
        price: [price, price + 1, price + 2],
        qty: [1, 1, 1],
        isBuyerMaker: [false, true, false],
      },
      1000,
      {from: t0, to: t0 + 3000},
    ),
    gap: new Uint8Array(3),
    trades: 3,
  });
  return {
    interval: 1000,
    from: t0,
    to: t0 + 3000,
    legs: [leg("BTCUSDT", 100), leg("usdm:BTCUSDT", 101)],
    gaps: [],
    ...(funding ? {funding} : {}),
  };
}

const decode = (bytes: Uint8Array) => decodeBarsFile(bytes.slice().buffer);

describe("encodeBarsFile / decodeBarsFile: funding events", () => {
  it("round-trips a perpetual leg's events (time, rate, mark where known) and an empty list", () => {
    const events = [
      {time: t0 + 500, rate: 1e-4, mark: 101.25},
      {time: t0 + 1500, rate: -2.5e-5},
    ];
    const file = decode(encodeBarsFile(content({"usdm:BTCUSDT": events, "usdm:ETHUSDT": []}), options));
    expect(file.meta.funding).toEqual({"usdm:BTCUSDT": events, "usdm:ETHUSDT": []});
    expect("mark" in file.meta.funding!["usdm:BTCUSDT"][1]).toBe(false);
    expect(Array.from(file.symbols.get("usdm:BTCUSDT")!.bars.close)).toEqual([101, 102, 103]);
  });

  it("a file without funding (spot legs, or written before funding was carried) decodes with none", () => {
    expect(decode(encodeBarsFile(content(), options)).meta.funding).toBeUndefined();
    // An older file: the same columns, metadata without the key.
    const table = tableFromIPC(encodeBarsFile(content(), options));
    const meta = JSON.parse(table.schema.metadata.get("pairbook")!) as Record<string, unknown>;
    expect("funding" in meta).toBe(false);
    const older = tableToIPC(
      new Table(new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify(meta)]])), table.batches),
      "stream",
    );
    const file = decode(older);
    expect(file.meta.funding).toBeUndefined();
    expect(file.meta.symbols).toEqual(["BTCUSDT", "usdm:BTCUSDT"]);
  });

  it("drops malformed events of a file's metadata (non-finite rate or time, a mark that is not a number)", () => {
    const table = tableFromIPC(encodeBarsFile(content(), options));
    const meta = JSON.parse(table.schema.metadata.get("pairbook")!) as Record<string, unknown>;
    meta.funding = {
      "usdm:BTCUSDT": [
        {time: t0, rate: null},
        {time: "x", rate: 1},
        {time: t0 + 1, rate: 2e-4, mark: "7"},
        {time: t0 + 2, rate: 3e-4, mark: 9, extra: 1},
      ],
      bad: 5,
    };
    const bytes = tableToIPC(
      new Table(new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify(meta)]])), table.batches),
      "stream",
    );
    expect(decode(bytes).meta.funding).toEqual({"usdm:BTCUSDT": [{time: t0 + 2, rate: 3e-4, mark: 9}]});
  });
});
