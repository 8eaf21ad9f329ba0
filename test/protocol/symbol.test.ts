import {describe, expect, it} from "vitest";
import {
  formatMarketSymbol,
  isMarketSymbol,
  isSymbol,
  marketSymbolSlug,
  parseMarketSymbol,
  parseMarketSymbolSlug,
} from "../../src/protocol/symbol.js";

describe("market-qualified symbols", () => {
  it('parseMarketSymbol("usdm:BTCUSDT") is the USD-M perpetual; a plain name is spot', () => {
    expect(parseMarketSymbol("usdm:BTCUSDT")).toEqual({market: "usdm", symbol: "BTCUSDT"});
    expect(parseMarketSymbol("BTCUSDT")).toEqual({market: "spot", symbol: "BTCUSDT"});
    expect(parseMarketSymbol("usdm:1000PEPEUSDT")).toEqual({market: "usdm", symbol: "1000PEPEUSDT"});
  });

  it("formatMarketSymbol and marketSymbolSlug write the forms parseMarketSymbol and parseMarketSymbolSlug read", () => {
    expect(formatMarketSymbol({market: "usdm", symbol: "ETHUSDT"})).toBe("usdm:ETHUSDT");
    expect(formatMarketSymbol({market: "spot", symbol: "ETHUSDT"})).toBe("ETHUSDT");
    expect(marketSymbolSlug({market: "usdm", symbol: "ETHUSDT"})).toBe("usdm_ETHUSDT");
    expect(marketSymbolSlug({market: "spot", symbol: "ETHUSDT"})).toBe("ETHUSDT");
    for (const text of ["BTCUSDT", "usdm:BTCUSDT", "usdm:ETHBTC", "A1"]) {
      const parsed = parseMarketSymbol(text);
      expect(formatMarketSymbol(parsed)).toBe(text);
      expect(parseMarketSymbolSlug(marketSymbolSlug(parsed))).toEqual(parsed);
    }
  });

  it("the path form is URL- and file-safe and never a spot symbol (no collision)", () => {
    const slug = marketSymbolSlug({market: "usdm", symbol: "BTCUSDT"});
    expect(encodeURIComponent(slug)).toBe(slug);
    expect(slug).not.toMatch(/[-:./\\]/); // "-" joins a pair's legs; ":" and "." are not safe in names
    expect(isSymbol(slug)).toBe(false);
    expect(isSymbol("BTCUSDT")).toBe(true);
    // A pair path of a spot and a perp leg still splits at its one "-".
    expect(`BTCUSDT-${slug}`.split("-").map(parseMarketSymbolSlug)).toEqual([
      {market: "spot", symbol: "BTCUSDT"},
      {market: "usdm", symbol: "BTCUSDT"},
    ]);
  });

  it.each([
    "usdm:btcusdt",
    "USDM:BTCUSDT",
    "coinm:BTCUSD",
    "usdm_BTCUSDT",
    "usdm:",
    ":BTCUSDT",
    "usdm:BTC-USDT",
    "B",
    "",
    "usdm:BTCUSDT\nx",
  ])("parseMarketSymbol(%j) throws one line naming it", (text) => {
    expect(() => parseMarketSymbol(text)).toThrow(RangeError);
    expect(isMarketSymbol(text)).toBe(false);
    try {
      parseMarketSymbol(text);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toContain(JSON.stringify(text));
    }
  });

  it.each(["usdm:BTCUSDT", "usdm-BTCUSDT", "btcusdt", "BTCUSDT.P", "usdm_"])("parseMarketSymbolSlug(%j) throws naming it", (slug) => {
    expect(() => parseMarketSymbolSlug(slug)).toThrow(`invalid symbol in path ${JSON.stringify(slug)}`);
  });

  it("isMarketSymbol accepts both written forms and nothing that is not a string", () => {
    expect(isMarketSymbol("usdm:BTCUSDT")).toBe(true);
    expect(isMarketSymbol("BTCUSDT")).toBe(true);
    expect(isMarketSymbol(42)).toBe(false);
  });
});
