// GET /api/v1/correlation: the Pearson correlation matrix of several symbols' returns (or prices) on
// their common bars (serve/alignLegs.ts), as pandas' DataFrame.corr() computes it.
import {correlationMatrix} from "../src/lib/correlation.js";
import {returns} from "../src/lib/stream/pairSeries.js";
import {alignLegs} from "./alignLegs.js";
import {queryBars, requireSymbols} from "./barsQuery.js";
import {ParamError} from "./params.js";
import {intervalParam, lookbackParam} from "./paramSpecs.js";
import {jsonReply} from "./reply.js";
import {enoughRows} from "./report.js";
import type {Route} from "./route.js";

export const correlationRoute: Route = {
  path: "/api/v1/correlation",
  summary: "Pearson correlation matrix of several symbols' simple returns (or closes) on the bars where all have traded",
  params: [
    {name: "symbols", in: "query", kind: "symbols", required: true, maxItems: 20, description: "2 to 20 comma-separated symbols"},
    intervalParam,
    lookbackParam,
    {
      name: "of",
      in: "query",
      kind: "enum",
      values: ["returns", "prices"],
      default: "returns",
      description: "correlate simple returns or closes",
    },
  ],
  produces: ["application/json"],
  cache: true,
  async handle({lake, params, limits}) {
    const symbols = params.list("symbols");
    if (symbols.length < 2) throw new ParamError("symbols", "give at least 2 symbols");
    if (symbols.length > limits.maxSymbols) throw new ParamError("symbols", `at most ${limits.maxSymbols} symbols`);
    await requireSymbols(
      lake,
      symbols.map((s) => ["symbols", s] as const),
    );
    const content = await queryBars(lake, {
      symbols,
      interval: params.number("interval"),
      lookbackMs: params.number("lookback"),
      maxBars: limits.maxBars,
    });
    const {time, closes} = alignLegs(content.legs);
    enoughRows(time.length, params);
    const ofReturns = params.string("of") === "returns";
    const series = ofReturns ? closes.map((c) => returns(c).subarray(1)) : closes;
    const flat = correlationMatrix(series),
      k = symbols.length;
    const matrix = Array.from({length: k}, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
    return jsonReply({symbols, of: params.string("of"), n: series[0].length, from: time[0], to: time[time.length - 1], matrix});
  },
};
