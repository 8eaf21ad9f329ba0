// The alerts API's shapes (recorder/alerts/api.ts serves them, the Alerts page sends and shows them):
// rules and their state, the events they fire, the events query, and the lists of choices a rule
// accepts. Validation stays with the recorder (recorder/alerts/rules.ts).
import type {BarMetric} from "../lib/alertMetric.js";
import type {Interval} from "../lib/bars.js";
import {type HedgeMethod, hedgeMethods} from "../lib/hedgeMethods.js";

/** Bar metrics (src/lib/alertMetric.ts), and two from the recorder's own state: seconds since the last trade, open gaps. */
export type AlertMetric = BarMetric | "staleness" | "openGaps";
export type Comparator = ">" | ">=" | "<" | "<=" | "abs>";
export type Severity = "info" | "warning" | "critical";
/**
 * A pair rule's hedge: hedgeRatio's fixed ones, fitted on the window, or a dynamic one as the pair page's
 * (src/lib/dynamicHedge.ts), β_t and α_t known at bar t's close from bars ≤ t: "rolling-ols" (OLS over
 * the last `hedgeWindow` bars) and "kalman" (the filter bar by bar, with `delta` and `ve`).
 */
export type AlertHedge = HedgeMethod | "rolling-ols";

export interface AlertRule {
  readonly id: string;
  readonly name: string;
  /** A symbol ("BTCUSDT", a perpetual "usdm:BTCUSDT") or a pair ("BTCUSDT/ETHUSDT": a regressed on b; a basis pair "BTCUSDT/usdm:BTCUSDT"). */
  readonly target: string;
  readonly metric: AlertMetric;
  readonly comparator: Comparator;
  readonly threshold: number;
  /** Bar interval and window (bars) for bar metrics. */
  readonly interval: string;
  readonly window: number;
  readonly hedge: AlertHedge;
  /**
   * Dynamic hedges only. rolling-ols: its window (bars); kalman: the filter's warm-up, started
   * hedgeWindow − 1 bars before the metric's window. Either way a value reads the last
   * window + hedgeWindow − 1 closes (default 60).
   */
  readonly hedgeWindow?: number;
  /** kalman only: transition δ (0 < δ < 1, default 1e-4) and observation noise variance (> 0, default 1e-3). */
  readonly delta?: number;
  readonly ve?: number;
  readonly severity: Severity;
  /** No second event for this rule within this many seconds of the last. */
  readonly cooldownSeconds: number;
  /** Re-arm only once the metric is back past this level (null: as soon as the condition is false). */
  readonly hysteresis: number | null;
  readonly paused: boolean;
  /** Why the recorder paused the rule (it overran its evaluation budget); null when the user paused it or it runs (cleared on resume). */
  readonly pauseReason: string | null;
}

/** A rule's state, listed with it by GET /alerts/rules. */
export interface AlertRuleState {
  /** Whether the rule may fire (else it waits to re-arm). */
  readonly armed: boolean;
  /** When it last fired (ms; market time, the bar's end, for bar rules), null if never. */
  readonly lastFiredAt: number | null;
  /** Moving average of one evaluation, ms (null until measured). */
  readonly evaluationMs: number | null;
  /** Closed bars waiting for their evaluation. */
  readonly queuedBars: number;
  /** Bars skipped because the queue fell too far behind. */
  readonly skippedBars: number;
  /** Bars not evaluated because their window held bars of a recorded gap. */
  readonly gapBars: number;
  /** Why the rule is not evaluated now: its latest window holds bars of a recorded gap (null when it is evaluated). */
  readonly gapReason: string | null;
}

/** A rule as GET /alerts/rules lists it: with its state. */
export interface ListedRule extends AlertRule {
  readonly state: AlertRuleState;
}

/** A rule as a page sends it (POST, PATCH): the recorder validates every field and fills the defaults. */
export type RuleInput = Partial<Record<keyof AlertRule, unknown>>;

export interface AlertEvent {
  /** `<rule id>@<bar start ms>` (or `@<time>` for clock metrics): unique per rule and bar. */
  readonly id: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly target: string;
  readonly metric: string;
  readonly comparator: string;
  readonly threshold: number;
  readonly value: number;
  readonly severity: string;
  /** Start of the bar the value belongs to (ms), or null for clock metrics (staleness, open gaps). */
  readonly bar: number | null;
  /** When the rule fired (ms). */
  readonly time: number;
}

/** The query of GET /alerts/events: one rule's, one severity's, since a time (ms), the latest `limit` (default 1000). */
export interface EventFilter {
  rule?: string;
  severity?: string;
  since?: number;
  limit?: number;
}

/** Metrics of a pair (a regressed on b). */
export const pairMetrics = ["zscore", "spread", "correlation", "adfPValue"] as const satisfies readonly BarMetric[];
/** Metrics of one symbol: from its bars (price, volatility) or from the recorder's state (staleness, open gaps). */
export const symbolMetrics = ["price", "volatility", "staleness", "openGaps"] as const satisfies readonly AlertMetric[];
export const metrics: readonly AlertMetric[] = [...pairMetrics, ...symbolMetrics];
export const comparators: readonly Comparator[] = [">", ">=", "<", "<=", "abs>"];
export const severities: readonly Severity[] = ["info", "warning", "critical"];
/** Hedges a pair rule offers, in the pair page's order. */
export const alertHedges: readonly AlertHedge[] = ["ols", "rolling-ols", ...hedgeMethods.filter((m) => m !== "ols")];
/** The hedges that move bar by bar (and take hedgeWindow; kalman also delta and ve). */
export const isDynamicHedge = (hedge: string): hedge is "rolling-ols" | "kalman" => hedge === "rolling-ols" || hedge === "kalman";
export const alertIntervals: readonly Interval[] = ["1s", "1m", "5m", "15m", "1h"];

/** Whether a metric is evaluated on a pair (else on one symbol). */
export const isPairMetric = (metric: string): boolean => (pairMetrics as readonly string[]).includes(metric);
