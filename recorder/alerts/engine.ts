// Alert rules evaluated live inside the recorder, on the bars of the stored trades (src/lib's bar and
// metric definitions: the pages' bars, gap flags included), so alerts fire with no browser open. The
// trade path only folds trades into bars (alertBars.ts); bar metrics are evaluated off it, in time-budgeted slices (scheduler.ts,
// evaluator.ts), with cooldowns in market time (so a replay gives the same events as live); a rule
// over its budget is paused with the reason. Staleness and open gaps run on a 0.5 s clock. State and
// history are durable: a restart neither re-fires nor forgets. The rules themselves are kept by
// ruleSet.ts, the health report is built by alertsHealth.ts.
import type {Trade} from "../../src/lib/bars.js";
import type {AlertEvent, AlertRule, AlertRuleState, EventFilter} from "../../src/protocol/alerts.js";
import type {AlertsHealth} from "../../src/protocol/health.js";
import type {GapRecord} from "../../src/protocol/gaps.js";
import {AlertBars} from "./alertBars.js";
import {alertsHealth} from "./alertsHealth.js";
import {BarEvaluator, isBarRule} from "./evaluator.js";
import {defaultBudget, type EvaluationBudget} from "./limits.js";
import {Firing} from "./firing.js";
import {RuleSet} from "./ruleSet.js";
import {SliceScheduler} from "./scheduler.js";
import {Webhook} from "./webhook.js";

export interface AlertEngineOptions {
  lake: string;
  rulesFile: string;
  symbols: readonly string[];
  log: (line: string) => void;
  webhookUrl?: string;
  /** Per symbol: when its last trade arrived (ms) and how many holes are being backfilled. */
  feedState: () => Record<string, {lastReceivedAt: number | null; openGaps: number}>;
  onEvent?: (event: AlertEvent) => void;
  now?: () => number;
  /** Monotonic clock for the evaluation budget, ms (default performance.now). */
  monotonic?: () => number;
  /** Overrides of the evaluation budget (limits.ts). */
  budget?: Partial<EvaluationBudget>;
  webhookRetryDelayMs?: (attempt: number) => number;
}

export class AlertEngine {
  private firing!: Firing;
  private timer: NodeJS.Timeout | undefined;
  readonly webhook: Webhook | undefined;
  private readonly startedAt: number;
  private readonly budget: EvaluationBudget;
  private readonly rules: RuleSet;
  private readonly series: AlertBars;
  private readonly evaluator: BarEvaluator;
  private readonly scheduler: SliceScheduler;

  private constructor(private readonly options: AlertEngineOptions) {
    this.startedAt = this.now();
    this.budget = {...defaultBudget, ...options.budget};
    this.rules = new RuleSet(options.rulesFile, options.symbols, this.budget.backlogBars);
    const monotonic = options.monotonic ?? (() => performance.now());
    this.series = new AlertBars((interval) => this.rules.keep(interval));
    this.evaluator = new BarEvaluator(
      this.series,
      () => this.rules.all,
      this.budget,
      {
        decide: (rule, value, bar, at) => this.firing.decide(rule, value, bar, at),
        pause: (rule, reason) => this.pauseForOverrun(rule, reason),
        log: options.log,
      },
      monotonic,
    );
    this.scheduler = new SliceScheduler((deadline) => this.evaluator.run(deadline), {
      sliceMs: this.budget.sliceMs,
      share: this.budget.share,
      now: monotonic,
      onError: (error) => options.log(`alerts: evaluation failed: ${error.message}`),
    });
    if (options.webhookUrl)
      this.webhook = new Webhook({
        url: options.webhookUrl,
        lake: options.lake,
        log: options.log,
        retryDelayMs: options.webhookRetryDelayMs,
      });
  }

  /** Loads the rules file (invalid rules, or more than MAX_ALERT_RULES, stop the start, naming the rule and field), state and history. */
  static async open(options: AlertEngineOptions): Promise<AlertEngine> {
    const engine = new AlertEngine(options);
    await engine.rules.load();
    for (const rule of engine.rules.all) if (rule.pauseReason) options.log(`alerts: rule ${rule.id} stays paused: ${rule.pauseReason}`);
    engine.firing = await Firing.open(
      {lake: options.lake, log: options.log, onEvent: options.onEvent, webhook: engine.webhook, now: () => engine.now()},
      engine.rules.all,
    );
    engine.timer = setInterval(() => engine.tick(), 500);
    engine.timer.unref();
    return engine;
  }

  list(): readonly AlertRule[] {
    return this.rules.all;
  }

  /** Whether a rule may fire (armed) or waits to re-arm, when it last fired (market time for bar rules), its cost, queue and a gap it waits out. */
  stateOf(id: string): AlertRuleState {
    const rule = this.rules.find(id);
    return {
      ...this.firing.stateOf(id),
      ...(rule ? this.evaluator.stateOf(rule) : {evaluationMs: null, queuedBars: 0, skippedBars: 0, gapBars: 0, gapReason: null}),
    };
  }

  async create(input: unknown): Promise<AlertRule> {
    const rule = this.rules.add(input);
    this.evaluator.startAtNextBar(rule);
    await this.saveRules();
    return rule;
  }

  /** Applies a partial change (e.g. {paused: false}, which also clears a pause reason) to a rule and validates the result. */
  async update(id: string, patch: unknown): Promise<AlertRule | undefined> {
    const changed = this.rules.change(id, patch);
    if (!changed) return undefined;
    const {before, after: rule} = changed;
    if (rule.metric !== before.metric || rule.target !== before.target || rule.threshold !== before.threshold) this.firing.reset(id);
    // Resumed (or moved to other bars): start at the next bar, not at the backlog of the pause.
    if ((before.paused && !rule.paused) || rule.target !== before.target || rule.interval !== before.interval)
      this.evaluator.startAtNextBar(rule);
    await this.saveRules();
    return rule;
  }

  async remove(id: string): Promise<boolean> {
    if (!this.rules.delete(id)) return false;
    this.evaluator.forget(id);
    this.firing.reset(id);
    await this.saveRules();
    return true;
  }

  events(filter: EventFilter = {}): AlertEvent[] {
    return this.firing.events(filter);
  }

  /**
   * Folds a stored trade into the bars the rules use: this runs on the trade path, so it only
   * appends (O(1) per interval; O(pair rules) when a bar closes) and queues the evaluation.
   */
  onTrade(symbol: string, trade: Trade): void {
    let closed = false;
    for (const interval of this.rules.intervalsFor(symbol)) {
      if (!this.series.add(symbol, interval, trade)) continue;
      this.series.align(this.rules.pairsOn(interval), interval);
      closed = true;
    }
    if (closed) this.scheduler.wake();
  }

  /** An unfilled gap recorded: windows holding its bars are not evaluated (filled gaps change no bar). */
  onGap(gap: GapRecord): void {
    this.series.addGap(gap);
  }

  /**
   * Stops the clock, gives queued evaluations and webhook deliveries up to `withinMs` (then drops
   * them, logged: a restart starts at the next bar), and waits for events and state to be written.
   */
  async close({withinMs = this.budget.closeMs}: {withinMs?: number} = {}): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + withinMs;
    // (No waiting for a queue that would take longer anyway.)
    if (this.evaluator.backlog().ms * this.budget.share > withinMs || !(await within(this.scheduler.idle(), withinMs))) {
      const {bars} = this.evaluator.backlog();
      this.scheduler.stop();
      this.options.log(`alerts: stopped with ${bars} bar evaluations still queued; they are dropped`);
    }
    this.scheduler.stop();
    await this.firing.idle();
    await this.rules.idle();
    if (this.webhook && !(await within(this.webhook.idle(), Math.max(0, deadline - Date.now()))))
      this.options.log(`alerts: stopped with ${this.webhook.pending} webhook deliveries unfinished`);
  }

  health(): AlertsHealth {
    return alertsHealth({
      rules: this.rules.all,
      firing: this.firing,
      evaluator: this.evaluator,
      scheduler: this.scheduler,
      webhook: this.webhook,
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Pauses a rule that overran its budget: the reason is in the rule (GET /alerts/rules, /health), the rules file and the log. */
  private pauseForOverrun(rule: AlertRule, reason: string): void {
    if (!this.rules.pause(rule.id, reason)) return;
    this.evaluator.forget(rule.id);
    this.options.log(
      `alerts: paused rule ${rule.id} (${rule.name}): ${reason}. Resume it on the Alerts page or with PATCH /alerts/rules/${rule.id} {"paused": false}`,
    );
    this.rules.write().catch((error: Error) => this.options.log(`alerts: could not save the rules file: ${error.message}`));
  }

  /** Clock metrics: staleness (seconds since the last trade) and open gaps. */
  private tick(): void {
    const now = this.now();
    const feed = this.options.feedState();
    for (const rule of this.rules.all) {
      if (rule.paused || isBarRule(rule)) continue;
      const f = feed[rule.target];
      if (!f) continue;
      const value = rule.metric === "staleness" ? (now - (f.lastReceivedAt ?? this.startedAt)) / 1000 : f.openGaps;
      this.firing.decide(rule, value, null, now);
    }
  }

  private async saveRules(): Promise<void> {
    await this.rules.write();
    await this.firing.flush();
  }
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => void (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
