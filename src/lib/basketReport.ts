import {adf, type AdfResult, autolagOption, type CriticalValues} from "./adf.js";
import type {BacktestMetrics} from "./backtest.js";
import {basketBacktest, type BasketBacktestResult} from "./basketBacktest.js";
import {coint, maxCointRegressors} from "./coint.js";
import {halfLife} from "./halfLife.js";
import {logPrices} from "./hedgeRatio.js";
import {johansen} from "./johansen.js";
import {type Regression, regressionOption} from "./mackinnon.js";
import type {PairReport, PairReportOptions} from "./pairReport.js";
import {rollingZScore} from "./rolling.js";

export interface BasketReportOptions extends Omit<PairReportOptions, "method" | "names"> {
  /** Deterministic terms of the hedge regression and of Engle-Granger: n, c (default), ct or ctt. */
  readonly trend?: string;
  /** Names of a and of each leg in error messages (default a, b1, b2, …). */
  readonly names?: readonly string[];
}

/** The numbers of a basket report: what `pairbook analyze --b X,Y --json` prints, minus the names. */
export interface BasketReport {
  readonly n: number;
  /** OLS of a on the legs and the trend's terms: a = alpha + Σ betas[i]·bᵢ + trend·t + quadratic·t². */
  readonly hedge: {
    readonly method: "ols";
    readonly trend: Regression;
    readonly alpha: number;
    readonly betas: number[];
    readonly trendSlope: number;
    readonly quadratic: number;
    readonly rSquared: number;
  };
  readonly spread: PairReport["spread"];
  readonly zscore: PairReport["zscore"];
  readonly adf: AdfResult;
  readonly coint: {readonly statistic: number; readonly pValue: number; readonly criticalValues: CriticalValues; readonly usedLag: number};
  /** Across a and every leg. */
  readonly johansen: PairReport["johansen"];
  readonly halfLife: number;
  readonly backtest: BacktestMetrics;
}

export interface BasketAnalysisResult {
  readonly report: BasketReport;
  /** Prices as analysed (logs with `log`). */
  readonly a: Float64Array;
  readonly legs: readonly Float64Array[];
  /** The hedge regression's residuals, what the ADF, the z-score and the rule see. */
  readonly spread: Float64Array;
  readonly zscore: Float64Array;
  readonly backtest: BasketBacktestResult;
}

/**
 * The report of a basket, a against legs b1 … bk (1 ≤ k ≤ 5): the OLS hedge vector with the chosen
 * trend (the regression of statsmodels `coint(a, [b1 … bk], trend)`), its residual spread with ADF
 * and half-life, Engle-Granger with the basket, Johansen across all k + 1 series, and the z-score
 * rule backtested across every leg (`basketBacktest`: −βᵢ units of leg i per unit of a, fees on every
 * leg). O(n·(k + maxlag)² + n·k²·lags²).
 *
 *   basketReport(btc, [eth, sol], {trend: "c", window: 60}).report.coint.pValue
 */
export function basketReport(
  rawA: ArrayLike<number>,
  rawLegs: readonly ArrayLike<number>[],
  options: BasketReportOptions = {},
): BasketAnalysisResult {
  const trend = regressionOption(options.trend ?? "c");
  const regression = regressionOption(options.adfRegression ?? "c");
  const autolag = autolagOption(options.autolag === undefined ? "aic" : options.autolag);
  const {maxlag, window = 20, entry = 2, exit = 0, stop, lag = 1, feeBps = 0, barMs = 1000} = options;
  const k = rawLegs.length,
    n = rawA.length;
  if (k < 1 || k > maxCointRegressors) throw new RangeError(`basketReport: ${k} legs (expected 1 to ${maxCointRegressors})`);
  for (const leg of rawLegs)
    if (leg.length !== n) throw new RangeError(`basketReport: a and a leg differ in length (${n} vs ${leg.length})`);
  const names = options.names ?? ["a", ...rawLegs.map((_, i) => `b${i + 1}`)];
  const prices = (x: ArrayLike<number>, name: string) => (options.log ? logPrices(x, name) : Float64Array.from(x));
  const a = prices(rawA, names[0]),
    legs = rawLegs.map((leg, i) => prices(leg, names[i + 1]));

  const eg = coint(a, legs, {trend, autolag, maxlag});
  const s = eg.residuals;
  let mean = 0,
    ma = 0;
  for (let i = 0; i < n; ++i) ((mean += s[i]), (ma += a[i]));
  ((mean /= n), (ma /= n));
  let ssr = 0,
    tss = 0,
    dev = 0;
  for (let i = 0; i < n; ++i) ((ssr += s[i] * s[i]), (dev += (s[i] - mean) ** 2), (tss += (a[i] - (trend === "n" ? 0 : ma)) ** 2));
  const jo = johansen([a, ...legs], {detOrder: options.johansenDet ?? 0, kArDiff: options.johansenLags ?? 1});
  const zscore = rollingZScore(s, window);
  const bt = basketBacktest(a, legs, zscore, {betas: eg.betas, entry, exit, stop, lag, feeBps, barMs});
  const {position: _p, pnl: _pnl, equity: _e, drawdown: _d, betas: _b, tradeList: _t, ...metrics} = bt;
  const report: BasketReport = {
    n,
    hedge: {
      method: "ols",
      trend,
      alpha: eg.alpha,
      betas: [...eg.betas],
      trendSlope: eg.trend,
      quadratic: eg.quadratic,
      rSquared: 1 - ssr / tss,
    },
    spread: {mean, std: Math.sqrt(dev / (n - 1)), last: s[n - 1]},
    zscore: {window, last: zscore[n - 1]},
    adf: adf(s, {regression, autolag, maxlag}),
    coint: {statistic: eg.statistic, pValue: eg.pValue, criticalValues: eg.criticalValues, usedLag: eg.usedLag},
    johansen: {
      traceStat: [...jo.traceStat],
      maxEigStat: [...jo.maxEigStat],
      eigenvalues: [...jo.eigenvalues],
      traceCritical: jo.traceCritical,
      maxEigCritical: jo.maxEigCritical,
    },
    halfLife: halfLife(s),
    backtest: metrics,
  };
  return {report, a, legs, spread: s, zscore, backtest: bt};
}
