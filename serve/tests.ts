// GET /api/v1/tests/adf, /coint and /johansen: the statistical tests of src/lib on the lake's bars —
// ADF of one symbol's closes or of a pair's spread (fitted, or with a given β and α), Engle-Granger
// of a pair, Johansen of 2 to 6 symbols.
import {adf} from "../src/lib/adf.js";
import {coint} from "../src/lib/coint.js";
import {hedgeMethodOption, hedgeRatio, logPrices} from "../src/lib/hedgeRatio.js";
import {johansen} from "../src/lib/johansen.js";
import {regressionOption} from "../src/lib/mackinnon.js";
import {hedgedSeries} from "../src/lib/stream/pairSeries.js";
import {alignLegs} from "./alignLegs.js";
import {queryBars, requireSymbols} from "./barsQuery.js";
import {ParamError, type ParamSpec} from "./params.js";
import {autolagParam, intervalParam, logParam, lookbackParam, maxlagParam, methodParam, regressionParam} from "./paramSpecs.js";
import {jsonReply} from "./reply.js";
import {enoughRows, pairOf} from "./report.js";
import type {Route, RouteContext} from "./route.js";
import {symbolCloses} from "./pairSeries.js";

const common: readonly ParamSpec[] = [intervalParam, lookbackParam, logParam];
const leg = (name: "a" | "b" | "symbol", what: string): ParamSpec => ({name, in: "query", kind: "symbol", description: what});
const log = ({params}: RouteContext) => params.string("log") === "true";
const range = (time: Float64Array) => ({n: time.length, from: time[0] ?? null, to: time.length ? time[time.length - 1] : null});

export const adfRoute: Route = {
  path: "/api/v1/tests/adf",
  summary: "Augmented Dickey-Fuller test (statsmodels adfuller) of a symbol's closes, or of a pair's spread a − β·b − α",
  params: [
    leg("symbol", "test this symbol's closes (give symbol, or a and b)"),
    leg("a", "test the spread of a on b (give a and b, or symbol)"),
    leg("b", "the spread's second leg"),
    methodParam,
    {name: "beta", in: "query", kind: "number", description: "the spread's β instead of fitting it with method"},
    {name: "alpha", in: "query", kind: "number", description: "the spread's α with beta (default 0)"},
    regressionParam,
    autolagParam,
    maxlagParam,
    ...common,
  ],
  produces: ["application/json"],
  cache: true,
  async handle(context) {
    const {lake, params, limits} = context;
    const options = {
      regression: regressionOption(params.string("regression")),
      autolag: params.string("autolag"),
      maxlag: params.optionalNumber("maxlag"),
    };
    const symbol = params.optionalString("symbol");
    if (symbol !== undefined) {
      for (const name of ["a", "b", "beta", "alpha"])
        if (params.has(name)) throw new ParamError(name, `give ${name} for a spread, or symbol alone`);
      await requireSymbols(lake, [["symbol", symbol]]);
      const content = await queryBars(lake, {
        symbols: [symbol],
        interval: params.number("interval"),
        lookbackMs: params.number("lookback"),
        maxBars: limits.maxBars,
      });
      const {time, close} = symbolCloses(content.legs[0]);
      enoughRows(time.length, params);
      const x = log(context) ? logPrices(close, symbol) : close;
      return jsonReply({series: {symbol, log: log(context)}, ...range(time), adf: adf(x, options)});
    }
    if (!params.has("a")) throw new ParamError("symbol", "give symbol, or a and b");
    if (!params.has("b")) throw new ParamError("b", "missing parameter b (the spread's second leg)");
    if (params.has("alpha") && !params.has("beta")) throw new ParamError("alpha", "alpha goes with beta");
    const {a, b, aligned} = await pairOf(context);
    const method = hedgeMethodOption(params.string("method"));
    const hedge = params.has("beta")
      ? {method: "given", alpha: params.optionalNumber("alpha") ?? 0, beta: params.number("beta")}
      : hedgeRatio(aligned.a, aligned.b, {method, log: log(context)});
    const {spread} = hedgedSeries(aligned, hedge, log(context));
    return jsonReply({series: {a, b, log: log(context), hedge}, ...range(aligned.time), adf: adf(spread, options)});
  },
};

export const cointRoute: Route = {
  path: "/api/v1/tests/coint",
  summary: "Engle-Granger cointegration test of a pair (statsmodels coint): the regression of a on b and the ADF of its residuals",
  params: [
    {...leg("a", "dependent leg, e.g. BTCUSDT"), required: true},
    {...leg("b", "regressor leg, e.g. ETHUSDT"), required: true},
    {...regressionParam, name: "trend", description: "deterministic terms of the cointegrating regression: n, c, ct or ctt"},
    autolagParam,
    maxlagParam,
    ...common,
  ],
  produces: ["application/json"],
  cache: true,
  async handle(context) {
    const {params} = context;
    const {a, b, aligned} = await pairOf(context);
    const x = log(context) ? logPrices(aligned.a, a) : aligned.a,
      y = log(context) ? logPrices(aligned.b, b) : aligned.b;
    const r = coint(x, y, {
      trend: regressionOption(params.string("trend")),
      autolag: params.string("autolag"),
      maxlag: params.optionalNumber("maxlag"),
    });
    const result = {
      statistic: r.statistic,
      pValue: r.pValue,
      criticalValues: r.criticalValues,
      usedLag: r.usedLag,
      alpha: r.alpha,
      beta: r.beta,
      trend: r.trend,
      quadratic: r.quadratic,
    };
    return jsonReply({series: {a, b, log: log(context)}, ...range(aligned.time), coint: result});
  },
};

export const johansenRoute: Route = {
  path: "/api/v1/tests/johansen",
  summary:
    "Johansen cointegration test (statsmodels coint_johansen) of 2 to 6 symbols: eigenvalues, trace and max-eigenvalue statistics with 90/95/99% critical values",
  params: [
    {
      name: "symbols",
      in: "query",
      kind: "symbols",
      required: true,
      maxItems: 6,
      description: "2 to 6 comma-separated symbols, e.g. BTCUSDT,ETHUSDT",
    },
    {
      name: "det",
      in: "query",
      kind: "integer",
      min: -1,
      max: 1,
      default: "0",
      description: "deterministic terms: -1 none, 0 constant, 1 linear trend",
    },
    {name: "lags", in: "query", kind: "integer", min: 0, max: 100, default: "1", description: "lagged differences in the VECM (k_ar_diff)"},
    ...common,
  ],
  produces: ["application/json"],
  cache: true,
  async handle(context) {
    const {lake, params, limits} = context;
    const symbols = params.list("symbols");
    if (symbols.length < 2) throw new ParamError("symbols", "give at least 2 symbols");
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
    const series = closes.map((c, i) => (log(context) ? logPrices(c, symbols[i]) : c));
    const r = johansen(series, {detOrder: params.number("det"), kArDiff: params.number("lags")});
    const {eigenvalues, traceStat, maxEigStat, traceCritical, maxEigCritical, nobs} = r;
    return jsonReply({
      series: {symbols, log: log(context)},
      ...range(time),
      johansen: {eigenvalues, traceStat, maxEigStat, traceCritical, maxEigCritical, nobs},
    });
  },
};
