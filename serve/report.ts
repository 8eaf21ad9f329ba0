// GET /api/v1/pairs/{a}/{b}/report: the pair report of the lake's bars — the very object
// `pairbook analyze --json` prints for a CSV of the same aligned closes (src/lib/report/analyzeReport.ts),
// its backtest charging a perpetual (usdm:) leg's funding events as the pair page's does.
import {degenerateReason} from "../src/lib/degenerateSeries.js";
import type {DynamicHedgeSpec} from "../src/lib/dynamicHedge.js";
import {withPairFunding} from "../loaders/pairFunding.js";
import type {AlignedBars} from "../src/lib/align.js";
import type {BacktestFunding} from "../src/lib/funding.js";
import {analyzeReport} from "../src/lib/report/analyzeReport.js";
import {reportMethods, withDynamicRule} from "../src/lib/report/dynamicReport.js";
import type {BarsContent} from "../src/protocol/barsFile.js";
import {queryBars, requireSymbols} from "./barsQuery.js";
import {pairCloses} from "./pairSeries.js";
import {ParamError, type Params} from "./params.js";
import {intervalParam, logParam, lookbackParam, pairPathParams} from "./paramSpecs.js";
import {errorReply, jsonReply} from "./reply.js";
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
  return {a, b, aligned, content, legs: [content.legs[0], content.legs[1]] as const};
}

/**
 * The backtest's funding option (src/lib/funding.ts) on the aligned rows: each perpetual (usdm:) leg's
 * events the lake holds from the range's first bucket on (loaders/pairFunding.ts, what the pair page's
 * bars file carries), marked at the lake's mark price or else the previous row's close; undefined for a
 * spot pair. A perpetual without stored events gets an empty schedule (funding paid 0, still reported).
 * O(days of funding read).
 */
export async function pairFunding(
  lake: string,
  content: BarsContent,
  [a, b]: readonly [string, string],
  aligned: AlignedBars,
): Promise<Omit<BacktestFunding, "unitMark"> | undefined> {
  const {funding} = await withPairFunding(lake, content);
  if (!funding) return undefined;
  return {times: aligned.time, a: funding[a], b: funding[b]};
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
    "The pair report (hedges, spread, z-score, ADF, Engle-Granger, Johansen, half-life, backtest; a perpetual usdm: leg's funding events in the lake charged, funding paid under backtestStats.funding): what `pairbook analyze --json` prints for the same bars and funding rates",
  params: [
    ...pairPathParams,
    intervalParam,
    lookbackParam,
    {name: "window", in: "query", kind: "integer", min: 2, max: 100_000, default: "20", description: "z-score window, bars"},
    {
      name: "method",
      in: "query",
      kind: "enum",
      values: reportMethods,
      default: "ols",
      description:
        "hedge: a fixed fit, or rolling-ols and kalman moving bar by bar (spread, z-score and backtest under β_t; the tests stay the fixed fit's)",
    },
    {
      name: "hedge-window",
      in: "query",
      kind: "integer",
      min: 3,
      max: 100_000,
      description: "rolling-ols: its window in bars (default 300)",
    },
    {name: "delta", in: "query", kind: "number", description: "kalman: transition δ, 0 < δ < 1 (default 1e-4)"},
    {name: "ve", in: "query", kind: "number", description: "kalman: observation noise variance, > 0 (default 1e-3)"},
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
    const dynamic = dynamicOf(params);
    const {a, b, aligned, content} = await pairOf(context);
    const log = params.string("log") === "true";
    // As `pairbook analyze`: no statistic means anything on a constant or exactly collinear series.
    const degenerate = degenerateReason([a, b], aligned.a, aligned.b, log);
    if (degenerate !== null) return errorReply(422, `the bars cannot be analysed: ${degenerate}`);
    const rule = {
      window: params.number("window"),
      entry: params.number("entry"),
      exit: params.number("exit"),
      stop: params.optionalNumber("stop"),
      lag: params.number("lag"),
      feeBps: params.number("fees"),
      funding: await pairFunding(context.lake, content, [a, b], aligned),
    };
    const method = params.string("method");
    const report = analyzeReport(aligned.a, aligned.b, {
      names: [a, b],
      time: aligned.time,
      log,
      method: method === "rolling-ols" ? "ols" : method,
      ...rule,
    });
    return jsonReply(dynamic ? withDynamicRule(report, aligned.a, aligned.b, dynamic, {...rule, log, time: aligned.time}) : report);
  },
};

/** The dynamic hedge `method` asks for (null: a fixed one); ParamError for a parameter of another method. */
export function dynamicOf(params: Params): DynamicHedgeSpec | null {
  const method = params.string("method");
  if (params.has("hedge-window") && method !== "rolling-ols")
    throw new ParamError("hedge-window", "hedge-window is for method=rolling-ols");
  for (const name of ["delta", "ve"])
    if (params.has(name) && method !== "kalman") throw new ParamError(name, `${name} is for method=kalman`);
  if (method === "rolling-ols") return {kind: "rolling-ols", window: params.optionalNumber("hedge-window") ?? 300};
  if (method !== "kalman") return null;
  const delta = params.optionalNumber("delta") ?? 1e-4,
    ve = params.optionalNumber("ve") ?? 1e-3;
  if (!(delta > 0 && delta < 1)) throw new ParamError("delta", `invalid delta: ${delta} (expected 0 < δ < 1)`);
  if (!(ve > 0)) throw new ParamError("ve", `invalid ve: ${ve} (expected > 0)`);
  return {kind: "kalman", delta, ve};
}
