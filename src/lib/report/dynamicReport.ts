// The pair report under a hedge that moves bar by bar (rolling OLS or Kalman): `pairbook analyze
// --method rolling-ols|kalman` and `pairbook serve`'s report route both print it.
import type {DynamicHedgeSpec} from "../dynamicHedge.js";
import {dynamicPairRule, type DynamicRuleOptions} from "../dynamicPairRule.js";
import {hedgeMethods} from "../hedgeMethods.js";
import {logPrices} from "../hedgeRatio.js";
import {backtestSummary} from "../pairReport.js";
import {barMsOf} from "../stream/pairSeries.js";
import type {AnalyzeReport} from "./analyzeReport.js";

/** The hedge methods a report takes, as the pair page offers them: the fixed ones and rolling-ols. */
export const reportMethods = ["ols", "rolling-ols", ...hedgeMethods.filter((m) => m !== "ols")] as const;

/** The report under a dynamic hedge: `hedge` is the last bar's, with the spec. */
export type DynamicAnalyzeReport = Omit<AnalyzeReport, "hedge"> & {
  readonly hedge: Omit<AnalyzeReport["hedge"], "method"> & {readonly method: DynamicHedgeSpec["kind"]; readonly dynamic: DynamicHedgeSpec};
};

/**
 * The report with its spread, z-score and backtest under the dynamic hedge (src/lib/dynamicPairRule.ts),
 * and `hedge` its last β_t, α_t with the spec. The tests of the spread stay the fixed fit's. RangeError
 * when no bar gets a z-score (a rolling window as long as the series). O(n).
 *
 *   withDynamicRule(analyzeReport(a, b), a, b, {kind: "kalman", delta: 1e-4, ve: 1e-3}, {window: 60})
 */
export function withDynamicRule(
  report: AnalyzeReport,
  rawA: Float64Array,
  rawB: Float64Array,
  spec: DynamicHedgeSpec,
  options: Omit<DynamicRuleOptions, "barMs"> & {time?: ArrayLike<number>},
): DynamicAnalyzeReport {
  const n = rawA.length,
    log = Boolean(options.log),
    window = options.window ?? 20;
  if (spec.kind === "rolling-ols" && spec.window + window - 1 > n)
    throw new RangeError(`--hedge-window ${spec.window} with --window ${window} leaves no z-score in ${n} rows`);
  const a = log ? logPrices(rawA) : rawA,
    b = log ? logPrices(rawB) : rawB;
  const barMs = options.time === undefined ? 1000 : barMsOf(options.time);
  const r = dynamicPairRule(a, b, spec, {...options, barMs, log});
  // Spread statistics and R² over the bars with a hedge, as pairFit computes them for a fixed one.
  const s = r.spread.subarray(r.first),
    x = a.subarray(r.first),
    m = s.length;
  let mean = 0,
    ma = 0,
    ssr = 0,
    tss = 0;
  for (let i = 0; i < m; ++i) ((mean += s[i]), (ma += x[i]));
  ((mean /= m), (ma /= m));
  for (let i = 0; i < m; ++i) ((ssr += (s[i] - mean) ** 2), (tss += (x[i] - ma) ** 2));
  const bt = r.backtest;
  return {
    ...report,
    hedge: {
      method: spec.kind,
      alpha: r.alpha[n - 1],
      beta: r.beta[n - 1],
      rSquared: 1 - ssr / tss,
      betaStdErr: null,
      dynamic: spec,
    },
    spread: {mean, std: Math.sqrt(ssr / (m - 1)), last: r.spread[n - 1]},
    zscore: {window, last: r.zscore[n - 1]},
    backtest: backtestSummary(bt),
    backtestStats: r.stats,
  };
}
