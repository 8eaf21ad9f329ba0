import {adf, type AdfResult, autolagOption, type CriticalValues} from "./adf.js";
import {backtest, type BacktestResult} from "./backtest.js";
import {backtestStats, type BacktestStats} from "./backtestStats.js";
import {coint} from "./coint.js";
import type {BacktestFunding} from "./funding.js";
import {pearson} from "./correlation.js";
import {halfLife} from "./halfLife.js";
import {type HedgeMethod, hedgeMethodOption, hedgeRatio, logPrices} from "./hedgeRatio.js";
import {johansen} from "./johansen.js";
import {regressionOption} from "./mackinnon.js";
import {ols} from "./ols.js";
import {rollingZScore} from "./rolling.js";
import {spread as spreadOf} from "./spread.js";

export interface PairReportOptions {
  /** Work on log prices (default false). */
  readonly log?: boolean;
  /** Hedge used for the spread, the tests of the spread and the backtest (default ols). */
  readonly method?: string;
  /** z-score window, bars (default 20). */
  readonly window?: number;
  readonly adfRegression?: string;
  readonly autolag?: string | null;
  readonly maxlag?: number;
  readonly johansenDet?: number;
  readonly johansenLags?: number;
  readonly entry?: number;
  readonly exit?: number;
  readonly stop?: number;
  readonly lag?: number;
  readonly feeBps?: number;
  /** Bar length in ms, to annualise the backtest (default 1000). */
  readonly barMs?: number;
  /**
   * Funding schedules of perpetual legs and the bars' open times (src/lib/funding.ts), charged by the
   * backtest; with `log` every event is marked at 1 (a unit position is a unit of capital). Default none.
   */
  readonly funding?: Omit<BacktestFunding, "unitMark">;
  /** Names of the two series in error messages (default a, b). */
  readonly names?: readonly [string, string];
}

type Hedge = {readonly alpha: number; readonly beta: number};

/** The numbers of a pair report: exactly what `pairbook analyze --json` prints, minus the column names. */
export interface PairReport {
  readonly n: number;
  readonly hedge: {
    readonly method: HedgeMethod;
    readonly alpha: number;
    readonly beta: number;
    readonly rSquared: number;
    readonly betaStdErr: number | null;
  };
  readonly hedges: {
    readonly ols: Hedge;
    readonly huber: Hedge;
    readonly theilSen: Hedge;
    readonly tls: Hedge;
    readonly kalman: Hedge;
    readonly ransac: Hedge;
  };
  readonly spread: {readonly mean: number; readonly std: number; readonly last: number};
  readonly zscore: {readonly window: number; readonly last: number};
  readonly adf: AdfResult;
  readonly coint: {readonly statistic: number; readonly pValue: number; readonly criticalValues: CriticalValues};
  readonly johansen: {
    readonly traceStat: number[];
    readonly maxEigStat: number[];
    readonly eigenvalues: number[];
    readonly traceCritical: readonly (readonly number[])[];
    readonly maxEigCritical: readonly (readonly number[])[];
  };
  readonly halfLife: number;
  readonly correlation: number;
  readonly backtest: {
    readonly trades: number;
    readonly totalPnl: number;
    readonly maxDrawdown: number;
    readonly winRate: number;
    readonly sharpe: number;
    readonly sortino: number;
    readonly calmar: number;
    readonly profitFactor: number;
    readonly returnOnGross: number;
    readonly avgHoldingBars: number;
    readonly exposure: number;
    readonly feesPaid: number;
  };
  /** The backtest as quants read it: annualised return and risk, drawdowns, trades, buy-and-hold. */
  readonly backtestStats: BacktestStats;
}

/** The report plus the series it was computed from, for charts. */
export interface PairAnalysisResult {
  readonly report: PairReport;
  /** Prices as analysed (logs with `log`). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly spread: Float64Array;
  readonly zscore: Float64Array;
  readonly backtest: BacktestResult;
}

/** The static part of a report (everything but the z-score rule): hedges, spread, tests. */
export interface PairFit {
  readonly n: number;
  /** Prices as analysed (logs with `log`). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly hedge: PairReport["hedge"];
  readonly hedges: PairReport["hedges"];
  readonly spread: Float64Array;
  readonly spreadStats: PairReport["spread"];
  readonly adf: PairReport["adf"];
  readonly coint: PairReport["coint"];
  readonly johansen: PairReport["johansen"];
  readonly halfLife: number;
  readonly correlation: number;
}

/** The z-score rule on a fit's spread: rolling z-score and backtest. */
export interface PairRule {
  readonly zscore: Float64Array;
  readonly backtest: BacktestResult;
  /** The backtest's report statistics (src/lib/backtestStats.ts). */
  readonly stats: BacktestStats;
  readonly options: {
    readonly window: number;
    readonly entry: number;
    readonly exit: number;
    readonly stop: number | undefined;
    readonly lag: number;
    readonly feeBps: number;
    readonly barMs: number;
  };
}

/**
 * The full report of a pair, shared by `pairbook analyze` and the notebook's pair pages so both show
 * the same numbers: the chosen hedge (and all six static ones), spread statistics, rolling z-score,
 * ADF of the spread, Engle-Granger and Johansen tests, half-life, correlation and the backtest of the
 * z-score rule. `pairFit` + `pairRule` + `reportOf` split the same computation so a page can redo only
 * the cheap rule when a threshold slider moves. RangeError for invalid options or non-positive prices
 * with `log`. Cost: dominated by Theil-Sen (O(n log n)) and ADF's lag search (O(n·maxlag)).
 *
 *   pairReport(eth, btc, {window: 60, entry: 2, exit: 0.5}).report.coint.pValue
 */
export function pairReport(rawA: ArrayLike<number>, rawB: ArrayLike<number>, options: PairReportOptions = {}): PairAnalysisResult {
  const fit = pairFit(rawA, rawB, options);
  const rule = pairRule(fit, options);
  return {report: reportOf(fit, rule), a: fit.a, b: fit.b, spread: fit.spread, zscore: rule.zscore, backtest: rule.backtest};
}

/** Hedges, spread and cointegration tests of a pair (the options of the rule are ignored). */
export function pairFit(rawA: ArrayLike<number>, rawB: ArrayLike<number>, options: PairReportOptions = {}): PairFit {
  const method = hedgeMethodOption(options.method ?? "ols");
  const regression = regressionOption(options.adfRegression ?? "c");
  const autolag = autolagOption(options.autolag === undefined ? "aic" : options.autolag);
  const {maxlag} = options;
  const detOrder = options.johansenDet ?? 0,
    kArDiff = options.johansenLags ?? 1;
  const n = rawA.length;
  if (rawB.length !== n) throw new RangeError(`pairReport: a and b differ in length (${n} vs ${rawB.length})`);
  const [nameA, nameB] = options.names ?? ["a", "b"];
  const a = options.log ? logPrices(rawA, nameA) : Float64Array.from(rawA),
    b = options.log ? logPrices(rawB, nameB) : Float64Array.from(rawB);

  const fit = ols(a, b);
  const hedges = {
    ols: {alpha: fit.alpha, beta: fit.beta},
    huber: pick(hedgeRatio(a, b, {method: "huber"})),
    theilSen: pick(hedgeRatio(a, b, {method: "theil-sen"})),
    tls: pick(hedgeRatio(a, b, {method: "tls"})),
    kalman: pick(hedgeRatio(a, b, {method: "kalman"})),
    ransac: pick(hedgeRatio(a, b, {method: "ransac"})),
  };
  const chosen = method === "ols" ? hedges.ols : method === "theil-sen" ? hedges.theilSen : hedges[method];
  const s = spreadOf(a, b, chosen);
  let mean = 0,
    tss = 0,
    ssr = 0,
    ma = 0;
  for (let i = 0; i < n; ++i) ((mean += s[i]), (ma += a[i]));
  ((mean /= n), (ma /= n));
  for (let i = 0; i < n; ++i) ((ssr += (s[i] - mean) ** 2), (tss += (a[i] - ma) ** 2));
  const adfResult = adf(s, {regression, autolag, maxlag});
  const cointResult = coint(a, b, {autolag, maxlag});
  const jo = johansen([a, b], {detOrder, kArDiff});
  return {
    n,
    a,
    b,
    hedge: {method, alpha: chosen.alpha, beta: chosen.beta, rSquared: 1 - ssr / tss, betaStdErr: method === "ols" ? fit.betaStdErr : null},
    hedges,
    spread: s,
    spreadStats: {mean, std: Math.sqrt(ssr / (n - 1)), last: s[n - 1]},
    adf: {
      statistic: adfResult.statistic,
      pValue: adfResult.pValue,
      usedLag: adfResult.usedLag,
      nobs: adfResult.nobs,
      criticalValues: adfResult.criticalValues,
      icBest: adfResult.icBest,
    },
    coint: {statistic: cointResult.statistic, pValue: cointResult.pValue, criticalValues: cointResult.criticalValues},
    johansen: {
      traceStat: [...jo.traceStat],
      maxEigStat: [...jo.maxEigStat],
      eigenvalues: [...jo.eigenvalues],
      traceCritical: jo.traceCritical,
      maxEigCritical: jo.maxEigCritical,
    },
    halfLife: halfLife(s),
    correlation: pearson(a, b),
  };
}

/**
 * The rolling z-score of a fit's spread, the backtest of the rule and its statistics (options of the
 * fit ignored but `log`, which says whether a and b are log prices, for the legs' buy-and-hold). A
 * page may pass a longer spread built with the fit's hedge (bars that arrived after the fit). O(n).
 */
export function pairRule(
  fit: {
    readonly a: ArrayLike<number>;
    readonly b: ArrayLike<number>;
    readonly spread: ArrayLike<number>;
    readonly hedge: {readonly beta: number};
  },
  options: PairReportOptions = {},
): PairRule {
  const {window = 20, entry = 2, exit = 0, stop, lag = 1, feeBps = 0, barMs = 1000} = options;
  const zscore = rollingZScore(fit.spread, window);
  const log = options.log ?? false,
    funding = options.funding ? {...options.funding, unitMark: log} : undefined;
  const bt = backtest(fit.a, fit.b, zscore, {beta: fit.hedge.beta, entry, exit, stop, lag, feeBps, barMs, funding});
  const stats = backtestStats(bt, fit.a, fit.b, {barMs, log, funded: funding !== undefined});
  return {zscore, backtest: bt, stats, options: {window, entry, exit, stop, lag, feeBps, barMs}};
}

/** The report's plain numbers from a fit and a rule. */
export function reportOf(fit: PairFit, rule: PairRule): PairReport {
  const bt = rule.backtest,
    n = fit.n;
  return {
    n,
    hedge: fit.hedge,
    hedges: fit.hedges,
    spread: fit.spreadStats,
    zscore: {window: rule.options.window, last: rule.zscore[rule.zscore.length - 1]},
    adf: fit.adf,
    coint: fit.coint,
    johansen: fit.johansen,
    halfLife: fit.halfLife,
    correlation: fit.correlation,
    backtest: backtestSummary(bt),
    backtestStats: rule.stats,
  };
}

/** The backtest's headline metrics as the report (and analyze --json) prints them. */
export function backtestSummary(bt: BacktestResult): PairReport["backtest"] {
  const {trades, totalPnl, maxDrawdown, winRate, sharpe, sortino, calmar, profitFactor, returnOnGross, avgHoldingBars, exposure, feesPaid} =
    bt;
  return {trades, totalPnl, maxDrawdown, winRate, sharpe, sortino, calmar, profitFactor, returnOnGross, avgHoldingBars, exposure, feesPaid};
}

function pick({alpha, beta}: Hedge): Hedge {
  return {alpha, beta};
}
