// GET /api/v1/pairs/{a}/{b}/report: the pair report of the lake's bars — the very object
// `pairbook analyze --json` prints for a CSV of the same aligned closes (src/lib/report/analyzeReport.ts).
import {analyzeReport} from "../src/lib/report/analyzeReport.js";
import {queryBars, requireSymbols} from "./barsQuery.js";
import {pairCloses} from "./pairSeries.js";
import {ParamError, type Params} from "./params.js";
import {intervalParam, logParam, lookbackParam, methodParam, pairPathParams} from "./paramSpecs.js";
import {jsonReply} from "./reply.js";
import type {Route, RouteContext} from "./route.js";

/** Fewest aligned rows a report or a test is computed on (as `pairbook analyze`). */
export const minRows = 30;

/** The aligned closes of the path's pair over the request's interval and lookback; ParamError when too few. */
export async function pairOf({lake, params, limits}: RouteContext, [pa, pb] = ["a", "b"]) {
  const a = params.string(pa),
    b = params.string(pb);
  if (a === b) throw new ParamError(pb, `${pb} must differ from ${pa} (both are ${a})`);
  await requireSymbols(lake, [
    [pa, a],
    [pb, b],
  ]);
  const content = await queryBars(lake, {
    symbols: [a, b],
    interval: params.number("interval"),
    lookbackMs: params.number("lookback"),
    maxBars: limits.maxBars,
  });
  const aligned = pairCloses(content.legs[0], content.legs[1]);
  enoughRows(aligned.time.length, params);
  return {a, b, aligned};
}

/** ParamError naming `lookback` when fewer than minRows rows remain. */
export function enoughRows(n: number, params: Params): void {
  if (n < minRows)
    throw new ParamError(
      "lookback",
      `too few bars where every leg has traded in the lookback (${n}; need at least ${minRows}): widen lookback (now ${params.number("lookback")} ms) or use a shorter interval`,
    );
}

export const reportRoute: Route = {
  path: "/api/v1/pairs/{a}/{b}/report",
  summary:
    "The pair report (hedges, spread, z-score, ADF, Engle-Granger, Johansen, half-life, backtest): what `pairbook analyze --json` prints for the same bars",
  params: [
    ...pairPathParams,
    intervalParam,
    lookbackParam,
    {name: "window", in: "query", kind: "integer", min: 2, max: 100_000, default: "20", description: "z-score window, bars"},
    methodParam,
    {name: "entry", in: "query", kind: "number", min: 0, default: "2", description: "backtest entry |z|"},
    {name: "exit", in: "query", kind: "number", default: "0", description: "backtest exit z"},
    {name: "stop", in: "query", kind: "number", min: 0, description: "backtest stop-loss |z| (default none)"},
    {name: "fees", in: "query", kind: "number", min: 0, max: 10_000, default: "0", description: "fees per leg, basis points"},
    {name: "lag", in: "query", kind: "integer", min: 0, max: 1000, default: "1", description: "fill lag, bars"},
    logParam,
  ],
  produces: ["application/json"],
  cache: true,
  async handle(context) {
    const {params} = context;
    const {a, b, aligned} = await pairOf(context);
    const report = analyzeReport(aligned.a, aligned.b, {
      names: [a, b],
      time: aligned.time,
      log: params.string("log") === "true",
      method: params.string("method"),
      window: params.number("window"),
      entry: params.number("entry"),
      exit: params.number("exit"),
      stop: params.optionalNumber("stop"),
      lag: params.number("lag"),
      feeBps: params.number("fees"),
    });
    return jsonReply(report);
  },
};
