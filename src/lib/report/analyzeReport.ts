// The pair report as `pairbook analyze --json` prints it and `pairbook serve` returns it
// (GET /api/v1/pairs/{a}/{b}/report): one assembly, so the two cannot drift apart.
import {logPrices} from "../hedgeRatio.js";
import {pairReport, type PairReport, type PairReportOptions} from "../pairReport.js";
import {barMsOf} from "../stream/pairSeries.js";
import {walkForward, type WalkForwardOptions} from "../walkForward.js";

export interface AnalyzeReportOptions extends Omit<PairReportOptions, "barMs" | "names"> {
  /** The two series' names, printed under `columns` and used in error messages. */
  readonly names: readonly [string, string];
  /** Row times in ms: the backtest is annualised with their mean spacing (1000 ms without). */
  readonly time?: ArrayLike<number>;
  /** A walk-forward backtest too: "TRAIN,TEST[,STEP]" in bars (src/lib/walkForward.ts). */
  readonly walkForward?: string;
}

/** A walk-forward section of the report. */
export type WalkForwardReport = ReturnType<typeof walkForwardReport>;

/** The report: row count, the columns analysed, pairReport's numbers and, when asked, the walk-forward. */
export type AnalyzeReport = Omit<PairReport, "n"> & {
  readonly n: number;
  readonly columns: {readonly a: string; readonly b: string; readonly log: boolean};
  readonly walkForward?: WalkForwardReport;
};

/**
 * The pair report of two price series (src/lib/pairReport.ts) with the names of its columns and an
 * optional walk-forward backtest: the object `pairbook analyze --json` prints. RangeError for a bad
 * option or series (pairReport's rules). O(n · the hedges' and tests' costs).
 *
 *   analyzeReport(closesA, closesB, {names: ["BTCUSDT", "ETHUSDT"], time, window: 20})
 */
export function analyzeReport(rawA: Float64Array, rawB: Float64Array, options: AnalyzeReportOptions): AnalyzeReport {
  const {names, time, walkForward: spec, ...rest} = options;
  const log = Boolean(options.log);
  const barMs = time === undefined ? 1000 : barMsOf(time);
  const {report: numbers} = pairReport(rawA, rawB, {...rest, barMs, names});
  const {n, ...numbersRest} = numbers;
  const rule = {
    window: options.window ?? 20,
    entry: options.entry ?? 2,
    exit: options.exit ?? 0,
    stop: options.stop,
    lag: options.lag ?? 1,
    feeBps: options.feeBps ?? 0,
    barMs,
    log,
  };
  const walk = spec === undefined ? undefined : walkForwardReport(spec, rawA, rawB, rule);
  return {n, columns: {a: names[0], b: names[1], log}, ...numbersRest, ...(walk ? {walkForward: walk} : {})};
}

/** "TRAIN,TEST[,STEP]" (src/lib/walkForward.ts) on the prices as analysed; RangeError for a bad value. */
export function walkForwardReport(spec: string, rawA: Float64Array, rawB: Float64Array, rule: Omit<WalkForwardOptions, "train" | "test">) {
  const [train, test, step = test] = spec.split(",").map(Number);
  if (!/^\d+,\d+(,\d+)?$/.test(spec)) throw new RangeError(`invalid --walk-forward: ${spec} (expected TRAIN,TEST[,STEP] in bars)`);
  const a = rule.log ? logPrices(rawA) : rawA,
    b = rule.log ? logPrices(rawB) : rawB;
  const {segments, stats} = walkForward(a, b, {...rule, train, test, step});
  return {train, test, step, segments, stats};
}
