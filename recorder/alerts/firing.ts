// What a rule does with a value: fire, stay quiet (cooldown, not re-armed, seen before a restart) or
// re-arm; and the durable record of it: per-rule state and the event history in the lake, written
// before an event is announced (live feed, webhook).
import {intervalMs} from "../../src/lib/bars.js";
import type {AlertEvent, AlertRule, AlertRuleState, EventFilter} from "../../src/protocol/alerts.js";
import {conditionMet, rearms} from "./rules.js";
import {appendEvents, readEvents, readState, type RuleState, writeState} from "./store.js";
import type {Webhook} from "./webhook.js";

export interface FiringOptions {
  lake: string;
  log: (line: string) => void;
  onEvent?: (event: AlertEvent) => void;
  webhook?: Webhook;
  /** Wall clock, ms (an event's `time`). */
  now: () => number;
}

export class Firing {
  private state: Record<string, RuleState> = {};
  private history: AlertEvent[] = [];
  private persist: Promise<unknown> = Promise.resolve();
  private unsaved: {event: AlertEvent; rule: AlertRule}[] = [];
  private saveQueued = false;

  private constructor(private readonly options: FiringOptions) {}

  /** Loads state and history from the lake; the history wins over a state written before a crash. */
  static async open(options: FiringOptions, rules: readonly AlertRule[]): Promise<Firing> {
    const firing = new Firing(options);
    firing.state = await readState(options.lake);
    firing.history = await readEvents(options.lake);
    const intervalOf = (id: string) => ((rule) => (rule ? intervalMs(rule.interval) : 0))(rules.find((r) => r.id === id));
    // An event appended just before a crash (state not yet written) still counts.
    for (const event of firing.history) {
      const st = firing.state[event.ruleId],
        at = event.bar !== null ? event.bar + intervalOf(event.ruleId) : event.time;
      if (!st || (st.lastFiredAt ?? -Infinity) < at) firing.state[event.ruleId] = {armed: false, lastFiredAt: at, lastBar: event.bar};
    }
    return firing;
  }

  /** Whether a rule may fire (armed) or waits to re-arm, and when it last fired (market time for bar rules). */
  stateOf(id: string): Pick<AlertRuleState, "armed" | "lastFiredAt"> {
    const st = this.state[id];
    return {armed: st?.armed ?? true, lastFiredAt: st?.lastFiredAt ?? null};
  }

  /** Forgets a rule's state (deleted, or its condition changed). */
  reset(id: string): void {
    delete this.state[id];
  }

  get count(): number {
    return this.history.length;
  }

  events({rule, severity, since, limit = 1000}: EventFilter = {}): AlertEvent[] {
    const out = this.history.filter(
      (e) => (!rule || e.ruleId === rule) && (!severity || e.severity === severity) && (since === undefined || e.time >= since),
    );
    return out.slice(-limit);
  }

  /** Fires, suppresses or re-arms `rule` for `value` (of `bar`, at market time `at`). */
  decide(rule: AlertRule, value: number, bar: number | null, at: number): void {
    const st = (this.state[rule.id] ??= {armed: true, lastFiredAt: null, lastBar: null});
    if (!st.armed) {
      if (rearms(rule, value)) {
        st.armed = true;
        this.save();
      }
      return;
    }
    if (!conditionMet(rule, value)) return;
    if (bar !== null && st.lastBar !== null && bar <= st.lastBar) return; // seen before a restart
    if (st.lastFiredAt !== null && at - st.lastFiredAt < rule.cooldownSeconds * 1000) return;
    Object.assign(st, {armed: false, lastFiredAt: at, lastBar: bar});
    const event: AlertEvent = {
      id: `${rule.id}@${bar ?? at}`,
      ruleId: rule.id,
      ruleName: rule.name,
      target: rule.target,
      metric: rule.metric,
      comparator: rule.comparator,
      threshold: rule.threshold,
      value,
      severity: rule.severity,
      bar,
      time: this.options.now(),
    };
    this.history.push(event);
    this.options.log(
      `ALERT [${rule.severity}] ${rule.name}: ${rule.metric} of ${rule.target} = ${formatValue(value)} ${rule.comparator} ${rule.threshold}${bar !== null ? ` (bar ${new Date(bar).toISOString()})` : ""}`,
    );
    this.unsaved.push({event, rule});
    this.save();
  }

  /** Waits for what was decided so far to be written, then writes the state once more. */
  async flush(): Promise<void> {
    await this.persist;
    await writeState(this.options.lake, this.state);
  }

  /** Waits for what was decided so far to be written. */
  idle(): Promise<unknown> {
    return this.persist;
  }

  /**
   * Writes the events decided since the last write (one append, one fsync) and the state, then
   * announces them: durable first. Many rules firing at once cost one write, not one each.
   */
  private save(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    this.persist = this.persist
      .then(async () => {
        this.saveQueued = false;
        const batch = this.unsaved.splice(0);
        if (batch.length)
          await appendEvents(
            this.options.lake,
            batch.map((b) => b.event),
          );
        await writeState(this.options.lake, this.state);
        for (const {event, rule} of batch) {
          this.options.onEvent?.(event);
          void this.options.webhook?.send(event, rule);
        }
      })
      .catch((error: Error) => this.options.log(`alerts: could not write to the lake: ${error.message}`));
  }
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1000 || value === 0 ? value.toFixed(2) : value.toPrecision(4);
}
