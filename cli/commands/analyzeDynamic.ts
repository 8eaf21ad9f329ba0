import {intFlag, numberFlag, UsageError} from "../command.js";
import type {DynamicHedgeSpec} from "../../src/lib/dynamicHedge.js";
import type {HedgeMethod} from "../../src/lib/hedgeMethods.js";
import {hedgeMethodOption} from "../../src/lib/hedgeRatio.js";
import {reportMethods} from "../../src/lib/report/dynamicReport.js";

/** analyze's flags of the dynamic hedges. */
export const dynamicFlags = {
  "hedge-window": {type: "string"},
  delta: {type: "string"},
  ve: {type: "string"},
} as const;

/** The methods `--method` takes, as the pair page offers them. */
export const analyzeMethods = reportMethods;

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
