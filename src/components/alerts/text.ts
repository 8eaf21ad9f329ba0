// How an alert reads everywhere (toasts, live list, history, export): one wording, UTC times.
import type {AlertEvent, AlertRule} from "../../protocol/alerts.js";

const metricNames: Record<string, string> = {
  zscore: "z-score",
  spread: "spread",
  correlation: "correlation",
  adfPValue: "ADF p-value",
  price: "price",
  volatility: "volatility",
  staleness: "staleness (s)",
  openGaps: "open gaps",
};

export const metricName = (metric: string): string => metricNames[metric] ?? metric;

/** A number with up to 6 significant digits, thousands grouped. */
export function alertNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return "—";
  return Number(v.toPrecision(6)).toLocaleString("en-US", {maximumFractionDigits: 6});
}

/** "2026-11-21 09:00:03 UTC" (seconds), or "—". */
export function utcTime(ms: number | null): string {
  return ms === null ? "—" : `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "price > 1" or "|z-score| > 2.5". */
export function conditionText(rule: Pick<AlertRule, "metric" | "comparator" | "threshold">): string {
  return rule.comparator === "abs>"
    ? `|${metricName(rule.metric)}| > ${alertNumber(rule.threshold)}`
    : `${metricName(rule.metric)} ${rule.comparator} ${alertNumber(rule.threshold)}`;
}

/** "price of BTCUSDT = 65,012.3 (> 1)" */
export function describeAlert(e: Pick<AlertEvent, "metric" | "target" | "value" | "comparator" | "threshold">): string {
  return `${metricName(e.metric)} of ${e.target} = ${alertNumber(e.value)} (${e.comparator === "abs>" ? "|·| >" : e.comparator} ${alertNumber(e.threshold)})`;
}
