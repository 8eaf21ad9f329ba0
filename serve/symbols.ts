// GET /api/v1/symbols: what the lake holds — each symbol (market-qualified: `usdm:X` for a perpetual,
// plain for spot), its first and last stored trade, the UTC days it has files for, and its gap records.
import {withDuckDB} from "../lake/duckdb.js";
import {tickFiles} from "../lake/files.js";
import {readGaps, withGapTimes} from "../lake/gaps.js";
import {lakeSymbols, lastTradeTime} from "../lake/reader.js";
import {firstTradeTime} from "../loaders/lakeBars.js";
import {parseMarketSymbol} from "../src/protocol/symbol.js";
import {jsonReply} from "./reply.js";
import type {Route} from "./route.js";
import {retryVanished} from "../lake/vanishedFiles.js";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export const symbolsRoute: Route = {
  path: "/api/v1/symbols",
  summary: "The symbols the lake holds, with coverage (first and last trade, days with files) and gap records",
  params: [],
  produces: ["application/json"],
  cache: true,
  async handle({lake}) {
    const symbols = await lakeSymbols(lake);
    // Run again from a fresh listing when compaction deleted a listed file meanwhile (lake/vanishedFiles.ts).
    const out = await retryVanished(() =>
      withDuckDB(async (connection) => {
        const gaps = await withGapTimes(
          connection,
          lake,
          (await readGaps(connection, lake)).filter((g) => symbols.includes(g.symbol)),
        );
        const list = [];
        for (const symbol of symbols) {
          const first = await firstTradeTime(connection, lake, symbol),
            last = await lastTradeTime(connection, lake, symbol);
          const days = [...new Set((await tickFiles(lake, symbol)).map((f) => f.date))].sort();
          const own = gaps.filter((g) => g.symbol === symbol);
          list.push({
            symbol,
            market: parseMarketSymbol(symbol).market,
            first,
            last,
            firstIso: iso(first),
            lastIso: iso(last),
            days,
            gaps: own,
            unfilledGaps: own.filter((g) => !g.filled).length,
          });
        }
        return list;
      }),
    );
    return jsonReply({symbols: out});
  },
};
