// The funding events a pair report charges (src/lib/funding.ts): for each USD-M leg of the pair, the
// events the lake holds (lake/funding.ts) from the bars' first bucket on, as the bars file carries them.
import {withDuckDB} from "../lake/duckdb.js";
import {readFunding} from "../lake/funding.js";
import type {FundingRateEvent} from "../src/lib/funding.js";
import type {BarsContent} from "../src/protocol/barsFile.js";
import {parseMarketSymbol} from "../src/protocol/symbol.js";

/**
 * `content` with `funding`: per perpetual (`usdm:`) leg, its funding events with a funding time at or
 * after the first bucket (`content.from`; all of them when the range is empty), the mark price where
 * the lake has one; an empty list for a perpetual without events. Spot-only pairs are returned as
 * given. An event at or before the first bucket's start is never charged (src/lib/funding.ts), one
 * after the last bar is charged once a live bar opens after it. O(days of funding read).
 *
 *   pairBarsFile(await withPairFunding(lake, await loadLakeBars(lake, pair, options)), fileOptions)
 */
export async function withPairFunding(lake: string, content: BarsContent): Promise<BarsContent> {
  const perpetuals = content.legs.map((l) => l.symbol).filter((s) => parseMarketSymbol(s).market === "usdm");
  if (perpetuals.length === 0) return content;
  const funding = await withDuckDB(async (connection) => {
    const bySymbol: Record<string, FundingRateEvent[]> = {};
    for (const symbol of perpetuals) {
      const records = await readFunding(connection, lake, symbol, content.from === null ? {} : {from: content.from});
      bySymbol[symbol] = records.map((r) =>
        r.markPrice === null ? {time: r.fundingTime, rate: r.rate} : {time: r.fundingTime, rate: r.rate, mark: r.markPrice},
      );
    }
    return bySymbol;
  });
  return {...content, funding};
}
