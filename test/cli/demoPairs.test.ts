// The demo's pair reports: featured first, then spot/perp basis pairs, then the rest, each pair once.
import {describe, expect, it} from "vitest";
import {demoPairs} from "../../cli/demoPairs.js";

describe("demoPairs(symbols)", () => {
  it("the demo's symbols: BTC/ETH spot featured, then the two basis pairs spot first, then the other 12 pairs", () => {
    const {featured, pairs, basisPages} = demoPairs(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "usdm:BTCUSDT", "usdm:ETHUSDT"]);
    expect(featured).toBe("BTCUSDT/ETHUSDT");
    const list = pairs.split(",");
    // 6 symbols: 6 × 5 / 2 = 15 pairs.
    expect(list).toHaveLength(15);
    expect(list.slice(0, 3)).toEqual(["BTCUSDT/ETHUSDT", "BTCUSDT/usdm:BTCUSDT", "ETHUSDT/usdm:ETHUSDT"]);
    expect(list.slice(3, 6)).toEqual(["BTCUSDT/SOLUSDT", "BTCUSDT/BNBUSDT", "BTCUSDT/usdm:ETHUSDT"]);
    expect(new Set(list.map((p) => p.split("/").sort().join())).size).toBe(15);
    expect(basisPages).toEqual(["BTCUSDT-usdm_BTCUSDT", "ETHUSDT-usdm_ETHUSDT"]);
  });

  it("a basis pair given first is featured once, in the order given; spot only has no basis pages", () => {
    expect(demoPairs(["usdm:BTCUSDT", "BTCUSDT", "ETHUSDT"])).toEqual({
      featured: "usdm:BTCUSDT/BTCUSDT",
      featuredPage: "usdm_BTCUSDT-BTCUSDT",
      pairs: "usdm:BTCUSDT/BTCUSDT,usdm:BTCUSDT/ETHUSDT,BTCUSDT/ETHUSDT",
      basisPages: ["BTCUSDT-usdm_BTCUSDT"],
    });
    expect(demoPairs(["BTCUSDT", "ETHUSDT"])).toEqual({
      featured: "BTCUSDT/ETHUSDT",
      featuredPage: "BTCUSDT-ETHUSDT",
      pairs: "BTCUSDT/ETHUSDT",
      basisPages: [],
    });
  });
});
