// Alert rules: validation that names the field at fault, and the condition and re-arm tests. Their
// shape and the lists of choices are the alerts API's (src/protocol/alerts.ts).
import {intervals} from "../../src/lib/bars.js";
import type {DynamicHedgeSpec} from "../../src/lib/dynamicHedge.js";
import {
  type AlertHedge,
  alertHedges,
  type AlertMetric,
  type AlertRule,
  type Comparator,
  comparators,
  isDynamicHedge,
  isPairMetric,
  metrics,
  type Severity,
  severities,
} from "../../src/protocol/alerts.js";
import {MAX_HEDGE_WINDOW, MAX_WINDOW, maxWindow} from "./limits.js";

/** A rule that cannot be accepted; `field` names the property at fault. */
export class RuleError extends Error {
  override name = "RuleError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(field: string, value: unknown, expected: string): never {
  throw new RuleError(field, `invalid ${field}: ${JSON.stringify(value)} (expected ${expected})`);
}

/** Whether the metric's value meets the rule's condition. */
export function conditionMet(rule: Pick<AlertRule, "comparator" | "threshold">, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  switch (rule.comparator) {
    case ">":
      return value > rule.threshold;
    case ">=":
      return value >= rule.threshold;
    case "<":
      return value < rule.threshold;
    case "<=":
      return value <= rule.threshold;
    case "abs>":
      return Math.abs(value) > rule.threshold;
  }
}

/** Whether a fired rule may fire again: back past its hysteresis level, or simply no longer met. */
export function rearms(rule: Pick<AlertRule, "comparator" | "threshold" | "hysteresis">, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.hysteresis === null) return !conditionMet(rule, value);
  switch (rule.comparator) {
    case ">":
    case ">=":
      return value < rule.hysteresis;
    case "<":
    case "<=":
      return value > rule.hysteresis;
    case "abs>":
      return Math.abs(value) < rule.hysteresis;
  }
}

/**
 * Checks a rule as sent by a page or written in the rules file, fills defaults, and returns it.
 * `recorded` lists the symbols the recorder records; `id` is used when the input has none.
 */
export function validateRule(input: unknown, recorded: readonly string[], id: string): AlertRule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new RuleError("rule", "a rule must be a JSON object");
  const r = input as Record<string, unknown>;
  const known = new Set([
    "id",
    "name",
    "target",
    "metric",
    "comparator",
    "threshold",
    "interval",
    "window",
    "hedge",
    "hedgeWindow",
    "delta",
    "ve",
    "severity",
    "cooldownSeconds",
    "hysteresis",
    "paused",
    "pauseReason",
  ]);
  for (const key of Object.keys(r))
    if (!known.has(key)) throw new RuleError(key, `unknown field ${JSON.stringify(key)} (expected one of ${[...known].join(", ")})`);
  const ruleId =
    r.id === undefined
      ? id
      : typeof r.id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(r.id)
        ? r.id
        : fail("id", r.id, "letters, digits, _ or -");
  const metric = metrics.includes(r.metric as AlertMetric) ? (r.metric as AlertMetric) : fail("metric", r.metric, metrics.join(", "));
  if (typeof r.target !== "string") fail("target", r.target, "a symbol such as BTCUSDT or usdm:BTCUSDT, or a pair such as BTCUSDT/ETHUSDT");
  // Symbols are upper case; a perpetual's qualifier is `usdm:` (src/protocol/symbol.ts).
  const legs = r.target.split("/").map((leg) => (/^usdm:/i.test(leg) ? `usdm:${leg.slice(5).toUpperCase()}` : leg.toUpperCase()));
  const isPair = isPairMetric(metric);
  if (legs.length !== (isPair ? 2 : 1))
    fail("target", r.target, isPair ? `a pair such as BTCUSDT/ETHUSDT for ${metric}` : `one symbol for ${metric}`);
  for (const leg of legs) if (!recorded.includes(leg)) fail("target", r.target, `symbols this recorder records: ${recorded.join(", ")}`);
  if (isPair && legs[0] === legs[1]) fail("target", r.target, "two different symbols");
  const comparator = comparators.includes(r.comparator as Comparator)
    ? (r.comparator as Comparator)
    : fail("comparator", r.comparator, comparators.join(", "));
  const threshold =
    typeof r.threshold === "number" && Number.isFinite(r.threshold) ? r.threshold : fail("threshold", r.threshold, "a number");
  const interval =
    r.interval === undefined
      ? "1m"
      : typeof r.interval === "string" && Object.hasOwn(intervals, r.interval)
        ? r.interval
        : fail("interval", r.interval, Object.keys(intervals).join(", "));
  const window =
    r.window === undefined
      ? 60
      : Number.isInteger(r.window) && (r.window as number) >= 3 && (r.window as number) <= MAX_WINDOW
        ? (r.window as number)
        : fail("window", r.window, `an integer from 3 to ${MAX_WINDOW} (bars)`);
  const hedge =
    r.hedge === undefined
      ? "ols"
      : alertHedges.includes(r.hedge as AlertHedge)
        ? (r.hedge as AlertHedge)
        : fail("hedge", r.hedge, alertHedges.join(", "));
  const limit = maxWindow(metric, hedge);
  if (window > limit) fail("window", window, `at most ${limit} bars for ${metric} with hedge ${hedge}: its cost grows with window²`);
  const dynamic = isDynamicHedge(hedge) ? dynamicFields(r, hedge) : {};
  const severity =
    r.severity === undefined
      ? "warning"
      : severities.includes(r.severity as Severity)
        ? (r.severity as Severity)
        : fail("severity", r.severity, severities.join(", "));
  const cooldownSeconds =
    r.cooldownSeconds === undefined
      ? 60
      : typeof r.cooldownSeconds === "number" && r.cooldownSeconds >= 0 && Number.isFinite(r.cooldownSeconds)
        ? r.cooldownSeconds
        : fail("cooldownSeconds", r.cooldownSeconds, "a number of seconds ≥ 0");
  const hysteresis =
    r.hysteresis === undefined || r.hysteresis === null
      ? null
      : typeof r.hysteresis === "number" && Number.isFinite(r.hysteresis)
        ? r.hysteresis
        : fail("hysteresis", r.hysteresis, "a number or null");
  if (hysteresis !== null) {
    const ok =
      comparator === ">" || comparator === ">="
        ? hysteresis < threshold
        : comparator === "abs>"
          ? hysteresis >= 0 && hysteresis < threshold
          : hysteresis > threshold;
    if (!ok)
      fail(
        "hysteresis",
        hysteresis,
        comparator === "abs>"
          ? `a level from 0 to below the threshold ${threshold}`
          : `a re-arm level on the other side of the threshold ${threshold}`,
      );
  }
  const paused = r.paused === undefined ? false : typeof r.paused === "boolean" ? r.paused : fail("paused", r.paused, "true or false");
  const reason =
    r.pauseReason === undefined || r.pauseReason === null
      ? null
      : typeof r.pauseReason === "string" && r.pauseReason.length <= 500
        ? r.pauseReason
        : fail("pauseReason", r.pauseReason, "text of at most 500 characters, or null");
  const name =
    r.name === undefined
      ? `${legs.join("/")} ${metric} ${comparator} ${threshold}`
      : typeof r.name === "string" && r.name.length <= 200
        ? r.name
        : fail("name", r.name, "text of at most 200 characters");
  return {
    id: ruleId,
    name,
    target: legs.join("/"),
    metric,
    comparator,
    threshold,
    interval,
    window,
    hedge,
    ...dynamic,
    severity,
    cooldownSeconds,
    hysteresis,
    paused,
    pauseReason: paused ? reason : null,
  };
}

/** A dynamic hedge's parameters, checked, with their defaults (kept only for the hedge that uses them). */
function dynamicFields(r: Record<string, unknown>, hedge: "rolling-ols" | "kalman"): Pick<AlertRule, "hedgeWindow" | "delta" | "ve"> {
  const hedgeWindow =
    r.hedgeWindow === undefined
      ? 60
      : Number.isInteger(r.hedgeWindow) && (r.hedgeWindow as number) >= 3 && (r.hedgeWindow as number) <= MAX_HEDGE_WINDOW
        ? (r.hedgeWindow as number)
        : fail("hedgeWindow", r.hedgeWindow, `an integer from 3 to ${MAX_HEDGE_WINDOW} (bars)`);
  if (hedge === "rolling-ols") return {hedgeWindow};
  const delta =
    r.delta === undefined
      ? 1e-4
      : typeof r.delta === "number" && r.delta > 0 && r.delta < 1
        ? r.delta
        : fail("delta", r.delta, "a number between 0 and 1 (exclusive)");
  const ve =
    r.ve === undefined ? 1e-3 : typeof r.ve === "number" && r.ve > 0 && Number.isFinite(r.ve) ? r.ve : fail("ve", r.ve, "a number > 0");
  return {hedgeWindow, delta, ve};
}

/** The dynamic hedge of a pair rule whose metric is hedged (zscore, spread, adfPValue), or null. */
export function ruleDynamicHedge(rule: Pick<AlertRule, "metric" | "hedge" | "hedgeWindow" | "delta" | "ve">): DynamicHedgeSpec | null {
  if (!(rule.metric === "zscore" || rule.metric === "spread" || rule.metric === "adfPValue")) return null;
  if (rule.hedge === "rolling-ols") return {kind: "rolling-ols", window: rule.hedgeWindow ?? 60};
  if (rule.hedge === "kalman") return {kind: "kalman", delta: rule.delta ?? 1e-4, ve: rule.ve ?? 1e-3};
  return null;
}

/** Closes one evaluation of the rule reads: its window, and before it a dynamic hedge's hedgeWindow − 1 bars. */
export function ruleSpan(rule: Pick<AlertRule, "metric" | "window" | "hedge" | "hedgeWindow" | "delta" | "ve">): number {
  return ruleDynamicHedge(rule) ? rule.window + (rule.hedgeWindow ?? 60) - 1 : rule.window;
}
