// The alerts' part of GET /health (src/protocol/health.ts): the rules, those the recorder paused for
// overrunning their budget, the events, the evaluation queue and its cost, and the webhook's deliveries.
import type {AlertRule} from "../../src/protocol/alerts.js";
import type {AlertsHealth} from "../../src/protocol/health.js";
import type {BarEvaluator} from "./evaluator.js";
import type {Firing} from "./firing.js";
import type {SliceScheduler} from "./scheduler.js";
import type {Webhook} from "./webhook.js";

export interface AlertsHealthSources {
  rules: readonly AlertRule[];
  firing: Pick<Firing, "count">;
  evaluator: Pick<BarEvaluator, "backlog" | "skipped" | "slowest">;
  scheduler: Pick<SliceScheduler, "busyShare" | "maxSliceMs">;
  webhook: Pick<Webhook, "sent" | "failed" | "pending"> | undefined;
}

export function alertsHealth({rules, firing, evaluator, scheduler, webhook}: AlertsHealthSources): AlertsHealth {
  const backlog = evaluator.backlog();
  return {
    rules: rules.length,
    active: rules.filter((r) => !r.paused).length,
    /** Rules the recorder paused because they overran their evaluation budget, with the reason. */
    overrun: rules.filter((r) => r.pauseReason).map((r) => ({id: r.id, reason: r.pauseReason!})),
    events: firing.count,
    evaluation: {
      queuedBars: backlog.bars,
      skippedBars: evaluator.skipped,
      backlogSeconds: Math.round(backlog.ms / 100) / 10,
      busyShare: Math.round(scheduler.busyShare() * 1000) / 1000,
      maxSliceMs: Math.round(scheduler.maxSliceMs * 100) / 100,
      slowest: evaluator.slowest,
    },
    webhook: webhook ? {sent: webhook.sent, failed: webhook.failed, pending: webhook.pending} : null,
  };
}
