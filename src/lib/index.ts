// The public surface of pairbook's analytics library: pure TypeScript, the same in Node and the browser.
export {type AlignedBars, type AlignedPair, alignBars, alignCloses} from "./align.js";
export {
  addTrade,
  type Bar,
  type BarColumns,
  barColumnNames,
  barOf,
  bucketStart,
  type Interval,
  intervalMs,
  intervals,
  resample,
  type Trade,
  type TradeColumns,
} from "./bars.js";
export {gapFlags, type GapRange} from "./gapFlags.js";
export {rebucket} from "./rebucket.js";
export {ols, type OlsFit} from "./ols.js";
export {rollingMean, rollingStd, rollingZScore} from "./rolling.js";
export {spread} from "./spread.js";
export {type AdfOptions, type AdfResult, type Autolag, adf, adfMaxlag, autolagOption, type CriticalValues} from "./adf.js";
export {argsort} from "./argsort.js";
export {type BacktestMetrics, type BacktestOptions, type BacktestResult, backtest, type BacktestTrade} from "./backtest.js";
export {type BacktestStats, backtestStats, type BacktestStatsOptions, type FundingStats, type LegBenchmark} from "./backtestStats.js";
export {walkForward, type WalkForwardOptions, type WalkForwardResult, type WalkForwardSegment} from "./walkForward.js";
export {takerImbalance, vwap} from "./barFlow.js";
export {type BasketBacktestOptions, type BasketBacktestResult, basketBacktest, type BasketTrade} from "./basketBacktest.js";
export {type BasketAnalysisResult, type BasketReport, basketReport, type BasketReportOptions} from "./basketReport.js";
export {bollinger} from "./bollinger.js";
export {cholesky} from "./cholesky.js";
export {type CointOptions, type CointResult, coint, maxCointRegressors} from "./coint.js";
export {correlationMatrix, pearson, rollingCorrelation} from "./correlation.js";
export {ema} from "./ema.js";
export {type BacktestFunding, fundingOnBar, fundingOption, type FundingRateEvent} from "./funding.js";
export {halfLife} from "./halfLife.js";
export {type AlignState, IncrementalAlign} from "./incrementalAlign.js";
export {type BacktestState, IncrementalBacktest} from "./incrementalBacktest.js";
export {type CorrelationState, IncrementalCorrelation} from "./incrementalCorrelation.js";
export {IncrementalZScore, type ZScoreState} from "./incrementalZScore.js";
export {hedgeDrift, type HedgeDriftOptions} from "./hedgeDrift.js";
export {type HedgeMethod, hedgeMethodOption, hedgeRatio, logPrices} from "./hedgeRatio.js";
export {type HuberFit, type HuberOptions, huber} from "./huber.js";
export {hurst} from "./hurst.js";
export {rollingHurst} from "./rollingHurst.js";
export {expandingQuantile} from "./expandingQuantile.js";
export {type JohansenOptions, type JohansenResult, johansen} from "./johansen.js";
export {type KalmanHedge, type KalmanOptions, kalmanHedge} from "./kalman.js";
export {type LstsqFit, lstsq} from "./lstsq.js";
export {mackinnonCrit, mackinnonP, type Regression} from "./mackinnon.js";
export {macd} from "./macd.js";
export {mulberry32} from "./mulberry32.js";
export {constantRtol, type Extent, extent, nearConstant} from "./nearConstant.js";
export {normalCdf} from "./normalCdf.js";
export {medianAbsoluteDeviation, ransac, type RansacFit, type RansacOptions} from "./ransac.js";
export {rollingOls} from "./rollingOls.js";
export {rsi} from "./rsi.js";
export {median, selectInPlace} from "./select.js";
export {
  type PairAnalysisResult,
  type PairFit,
  type PairReport,
  type PairReportOptions,
  type PairRule,
  pairFit,
  pairReport,
  pairRule,
  reportOf,
} from "./pairReport.js";
export {type SweepCell, type SweepOptions, sweep} from "./sweep.js";
export {symmetricEigen} from "./symmetricEigen.js";
export {type TheilSenFit, theilSen} from "./theilSen.js";
export {tls} from "./tls.js";
export {rollingVolatility, type VolatilityRegime} from "./volatility.js";
export {type BarMetric, type BarMetricOptions, barMetric} from "./alertMetric.js";
