import {intFlag, numberFlag, UsageError} from "../command.js";
import type {DynamicHedgeSpec} from "../../src/lib/dynamicHedge.js";
import {dynamicPairRule, type DynamicRuleOptions} from "../../src/lib/dynamicPairRule.js";
import {hedgeMethods, type HedgeMethod} from "../../src/lib/hedgeMethods.js";
import {hedgeMethodOption, logPrices} from "../../src/lib/hedgeRatio.js";
import type {AnalyzeReport} from "../../src/lib/report/analyzeReport.js";
import {barMsOf} from "../../src/lib/stream/pairSeries.js";

/** analyze's flags of the dynamic hedges. */
export const dynamicFlags = {
  "hedge-window": {type: "string"},
  delta: {type: "string"},
  ve: {type: "string"},
} as const;

/** The methods `--method` takes, as the pair page offers them. */
export const analyzeMethods = ["ols", "rolling-ols", ...hedgeMethods.filter((m) => m !== "ols")] as const;

export const dynamicUsage = `  --method M             hedge: ${analyzeMethods.slice(0, -1).join(", ")} or ${analyzeMethods[analyzeMethods.length - 1]}
                         (default ols). rolling-ols and kalman move bar by bar, as on the pair page:
                         the spread, z-score and backtest use β_t, α_t known at bar t's close (the
                         backtest enters at β_t); the tests of the spread stay the fixed fit's (OLS
                         for rolling-ols, the filter's final state for kalman)
  --hedge-window N       rolling-ols: its window in bars (default 300, at least 3)
  --delta D --ve V       kalman: transition δ (0 < δ < 1, default 1e-4) and observation noise
                         variance (default 1e-3)`;

/**
 * `--method` and the dynamic hedges' parameters: the fixed method pairReport fits (rolling-ols: OLS)
 * and the dynamic hedge, null for a fixed one. UsageError for a parameter of another method.
 */
export function hedgeOfFlags(f: {method?: string; "hedge-window"?: string; delta?: string; ve?: string}): {
  method: HedgeMethod;
  dynamic: DynamicHedgeSpec | null;
} {
  const name = f.method ?? "ols";
  if (f["hedge-window"] !== undefined && name !== "rolling-ols") throw new UsageError("--hedge-window is for --method rolling-ols");
  if ((f.delta ?? f.ve) !== undefined && name !== "kalman") throw new UsageError("--delta and --ve are for --method kalman");
  if (name === "rolling-ols")
    return {method: "ols", dynamic: {kind: "rolling-ols", window: intFlag(f["hedge-window"], "hedge-window", 300, {min: 3})}};
  let method: HedgeMethod;
  try {
    method = hedgeMethodOption(name);
  } catch {
    throw new UsageError(`invalid method: ${JSON.stringify(name)} (expected ${analyzeMethods.join(", ")})`);
  }
  if (method !== "kalman") return {method, dynamic: null};
  const delta = numberFlag(f.delta, "delta", 1e-4, {min: 0});
  if (!(delta > 0 && delta < 1)) throw new UsageError(`invalid --delta: ${f.delta} (expected 0 < δ < 1)`);
  const ve = numberFlag(f.ve, "ve", 1e-3, {min: 0});
  if (!(ve > 0)) throw new UsageError(`invalid --ve: ${f.ve} (expected > 0)`);
  return {method, dynamic: {kind: "kalman", delta, ve}};
}

/** The report under a dynamic hedge: `hedge` is the last bar's, with the spec. */
export type DynamicAnalyzeReport = Omit<AnalyzeReport, "hedge"> & {
  readonly hedge: Omit<AnalyzeReport["hedge"], "method"> & {readonly method: DynamicHedgeSpec["kind"]; readonly dynamic: DynamicHedgeSpec};
};

/**
 * The report with its spread, z-score and backtest under the dynamic hedge (src/lib/dynamicPairRule.ts),
 * and `hedge` its last β_t, α_t with the spec. RangeError when no bar gets a z-score (a rolling window
 * as long as the series).
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
    backtest: {
      trades: bt.trades,
      totalPnl: bt.totalPnl,
      maxDrawdown: bt.maxDrawdown,
      winRate: bt.winRate,
      sharpe: bt.sharpe,
      sortino: bt.sortino,
      calmar: bt.calmar,
      profitFactor: bt.profitFactor,
      returnOnGross: bt.returnOnGross,
      avgHoldingBars: bt.avgHoldingBars,
      exposure: bt.exposure,
      feesPaid: bt.feesPaid,
    },
    backtestStats: r.stats,
  };
}
