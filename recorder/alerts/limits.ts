// How much work alert rules may ask of the recorder: how many rules, how large a window per metric,
// and the budget their evaluation runs in (off the trade path, in short slices; see scheduler.ts).
//
// Cost model (one evaluation = one rule on one closed bar, n = window):
//   price                                   O(1)
//   volatility, correlation                 O(n)
//   zscore, spread (ols, tls, huber)        O(n)
//   adfPValue (those hedges)                O(n·L + L³), L = 12·(n/100)^¼ ≤ 37 lags: ≈ 1.5 ms at n = 10 000
//   any pair metric with theil-sen           O(n² log n) (all pairwise slopes): ≈ 3–5 ms at n = 250
//   zscore, spread with rolling-ols, kalman  O(n + h), h = hedgeWindow ≤ 10 000 (the hedge runs bar by
//                                            bar over the h − 1 bars before the window too; adfPValue: + ADF)
// A rule costs (one evaluation) × (bars per second of its interval). Windows are capped so that one
// evaluation stays within a few ms; the runtime budget below catches the rest (a slow machine, many
// rules on 1 s bars): rules that together need more than `share` of each second are paused, costliest
// first, with the reason.
import type {AlertHedge, AlertMetric} from "../../src/protocol/alerts.js";

/** Rules a recorder holds at most (rules file and API together, paused ones included). */
export const MAX_ALERT_RULES = 200;

/** Largest window (bars) of a bar metric. */
export const MAX_WINDOW = 10_000;

/** Largest hedgeWindow (bars) of a dynamic hedge (rolling OLS's window, the Kalman filter's warm-up). */
export const MAX_HEDGE_WINDOW = 10_000;

/** Largest window (bars) of a pair metric hedged with Theil-Sen, whose cost grows with window². */
export const MAX_THEIL_SEN_WINDOW = 250;

/** Largest window (bars) of a pair metric hedged with RANSAC: up to 100 trials of O(window) each (≈ 2–4 ms at 2,000 bars on noise). */
export const MAX_RANSAC_WINDOW = 2_000;

/** Largest window allowed for `metric` with `hedge`. */
export function maxWindow(metric: AlertMetric, hedge: AlertHedge): number {
  const hedged = metric === "zscore" || metric === "spread" || metric === "adfPValue";
  if (hedged && hedge === "theil-sen") return MAX_THEIL_SEN_WINDOW;
  if (hedged && hedge === "ransac") return MAX_RANSAC_WINDOW;
  return MAX_WINDOW;
}

/** The budget alert evaluation runs in (all durations ms). */
export interface EvaluationBudget {
  /** Evaluation runs in slices of about this long; the event loop (log fsync, sockets, /health, signals) runs between them. */
  readonly sliceMs: number;
  /** Share of the recorder's main thread alert evaluation may use at most (after a slice of d ms, it waits d·(1 − share)/share). */
  readonly share: number;
  /** CPU time one evaluation of one rule may take; a rule over it is paused. */
  readonly evaluationMs: number;
  /** Estimated time to clear the queued evaluations (at `share`); above it (a burst, e.g. a backfill), rules skip their oldest queued bars until it is half. */
  readonly backlogMs: number;
  /** A rule further behind than this many bars skips the oldest ones (the bar series keep no more). */
  readonly backlogBars: number;
  /** At shutdown, queued evaluations (and webhook deliveries) are given this long, then dropped. */
  readonly closeMs: number;
}

export const defaultBudget: EvaluationBudget = {
  sliceMs: 5,
  share: 0.5,
  evaluationMs: 100,
  backlogMs: 30_000,
  backlogBars: 10_000,
  closeMs: 1000,
};
