// The public surface of pairbook's analytics library: pure TypeScript, the same in Node and the browser.
export {type AlignedPair, alignCloses} from "./align.js";
export {addTrade, type Bar, type BarColumns, barColumnNames, barOf, bucketStart, type Interval, intervalMs, intervals, resample, type Trade, type TradeColumns} from "./bars.js";
export {ols, type OlsFit} from "./ols.js";
export {rollingMean, rollingStd, rollingZScore} from "./rolling.js";
export {spread} from "./spread.js";
