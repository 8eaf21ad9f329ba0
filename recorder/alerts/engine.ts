// Alert rules evaluated live inside the recorder, on the bars of the stored trades (src/lib's bar and
// metric definitions: the pages' bars, gap flags included), so alerts fire with no browser open. The
// trade path only folds trades into bars (alertBars.ts); bar metrics are evaluated off it, in time-budgeted slices (scheduler.ts,
// evaluator.ts), with cooldowns in market time (so a replay gives the same events as live); a rule
// over its budget is paused with the reason. Staleness and open gaps run on a 0.5 s clock. State and
// history are durable: a restart neither re-fires nor forgets.
import {intervalMs, type Trade} from "../../src/lib/bars.js";
import type {AlertEvent, AlertRule, EventFilter} from "../../src/protocol/alerts.js";
import type {AlertsHealth} from "../../src/protocol/health.js";
import type {GapRecord} from "../../src/protocol/gaps.js";
import {AlertBars} from "./alertBars.js";
import {BarEvaluator, type EvaluationState, isBarRule} from "./evaluator.js";
import {defaultBudget, type EvaluationBudget, MAX_ALERT_RULES} from "./limits.js";
import {Firing} from "./firing.js";
import {validateRule, RuleError} from "./rules.js";
import {SliceScheduler} from "./scheduler.js";
import {readRulesFile, writeRulesFile} from "./store.js";
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
  private rules: AlertRule[] = [];
  private firing!: Firing;
  private rulesWrite: Promise<unknown> = Promise.resolve();
  private rulesWriteQueued = false;
  private timer: NodeJS.Timeout | undefined;
  readonly webhook: Webhook | undefined;
  private readonly startedAt: number;
  private readonly budget: EvaluationBudget;
  private readonly series: AlertBars;
  private readonly evaluator: BarEvaluator;
  private readonly scheduler: SliceScheduler;
  private readonly intervalCache = new Map<string, readonly number[]>(); // symbol → intervals (ms) its active rules use
  private readonly pairCache = new Map<number, readonly (readonly string[])[]>(); // interval → legs of its active pair rules
  private readonly keepCache = new Map<number, number>();

  private constructor(private readonly options: AlertEngineOptions) {
    this.startedAt = this.now();
    this.budget = {...defaultBudget, ...options.budget};
    const monotonic = options.monotonic ?? (() => performance.now());
    this.series = new AlertBars((interval) => this.keep(interval));
    this.evaluator = new BarEvaluator(this.series, () => this.rules, this.budget, {
      decide: (rule, value, bar, at) => this.firing.decide(rule, value, bar, at),
      pause: (rule, reason) => this.pauseForOverrun(rule, reason),
      log: options.log
    }, monotonic);
    this.scheduler = new SliceScheduler((deadline) => this.evaluator.run(deadline), {
      sliceMs: this.budget.sliceMs, share: this.budget.share, now: monotonic,
      onError: (error) => options.log(`alerts: evaluation failed: ${error.message}`)
    });
    if (options.webhookUrl) this.webhook = new Webhook({url: options.webhookUrl, lake: options.lake, log: options.log, retryDelayMs: options.webhookRetryDelayMs});
  }

  /** Loads the rules file (invalid rules, or more than MAX_ALERT_RULES, stop the start, naming the rule and field), state and history. */
  static async open(options: AlertEngineOptions): Promise<AlertEngine> {
    const engine = new AlertEngine(options);
    const raw = await readRulesFile(options.rulesFile);
    if (raw.length > MAX_ALERT_RULES) throw new Error(`alert rules file ${options.rulesFile} holds ${raw.length} rules; a recorder evaluates at most ${MAX_ALERT_RULES}: delete some`);
    engine.rules = raw.map((input, i) => {
      try {
        return validateRule(input, options.symbols, `rule-${i + 1}`);
      } catch (error) {
        if (error instanceof RuleError) throw new Error(`alert rules file ${options.rulesFile}, rule ${i + 1}: ${error.message}`);
        throw error;
      }
    });
    const ids = new Set<string>();
    for (const rule of engine.rules) {
      if (ids.has(rule.id)) throw new Error(`alert rules file ${options.rulesFile}: two rules have id ${JSON.stringify(rule.id)}`);
      ids.add(rule.id);
    }
    for (const rule of engine.rules) if (rule.pauseReason) options.log(`alerts: rule ${rule.id} stays paused: ${rule.pauseReason}`);
    engine.firing = await Firing.open({lake: options.lake, log: options.log, onEvent: options.onEvent, webhook: engine.webhook, now: () => engine.now()}, engine.rules);
    engine.timer = setInterval(() => engine.tick(), 500);
    engine.timer.unref();
    return engine;
  }

  list(): readonly AlertRule[] {
    return this.rules;
  }

  /** Whether a rule may fire (armed) or waits to re-arm, when it last fired (market time for bar rules), its cost, queue and a gap it waits out. */
  stateOf(id: string): {armed: boolean; lastFiredAt: number | null} & EvaluationState {
    const rule = this.rules.find((r) => r.id === id);
    return {...this.firing.stateOf(id), ...(rule ? this.evaluator.stateOf(rule) : {evaluationMs: null, queuedBars: 0, skippedBars: 0, gapBars: 0, gapReason: null})};
  }

  async create(input: unknown): Promise<AlertRule> {
    if (this.rules.length >= MAX_ALERT_RULES) throw new RuleError("rules", `too many alert rules: a recorder holds at most ${MAX_ALERT_RULES}; delete one first`);
    const rule = validateRule(input, this.options.symbols, this.newId());
    if (this.rules.some((r) => r.id === rule.id)) throw new RuleError("id", `a rule with id ${JSON.stringify(rule.id)} exists already`);
    this.rules = [...this.rules, rule];
    this.clearCaches();
    this.evaluator.startAtNextBar(rule);
    await this.saveRules();
    return rule;
  }

  /** Applies a partial change (e.g. {paused: false}, which also clears a pause reason) to a rule and validates the result. */
  async update(id: string, patch: unknown): Promise<AlertRule | undefined> {
    const existing = this.rules.find((r) => r.id === id);
    if (!existing) return undefined;
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new RuleError("rule", "a change must be a JSON object");
    const rule = validateRule({...existing, ...patch, id}, this.options.symbols, id);
    this.rules = this.rules.map((r) => (r.id === id ? rule : r));
    this.clearCaches();
    if (rule.metric !== existing.metric || rule.target !== existing.target || rule.threshold !== existing.threshold) this.firing.reset(id);
    // Resumed (or moved to other bars): start at the next bar, not at the backlog of the pause.
    if ((existing.paused && !rule.paused) || rule.target !== existing.target || rule.interval !== existing.interval) this.evaluator.startAtNextBar(rule);
    await this.saveRules();
    return rule;
  }

  async remove(id: string): Promise<boolean> {
    if (!this.rules.some((r) => r.id === id)) return false;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.clearCaches();
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
    for (const interval of this.intervalsFor(symbol)) {
      if (!this.series.add(symbol, interval, trade)) continue;
      this.series.align(this.pairsOn(interval), interval);
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
    await this.rulesWrite.catch(() => {});
    if (this.webhook && !(await within(this.webhook.idle(), Math.max(0, deadline - Date.now())))) this.options.log(`alerts: stopped with ${this.webhook.pending} webhook deliveries unfinished`);
  }

  health(): AlertsHealth {
    const backlog = this.evaluator.backlog();
    return {
      rules: this.rules.length,
      active: this.rules.filter((r) => !r.paused).length,
      /** Rules the recorder paused because they overran their evaluation budget, with the reason. */
      overrun: this.rules.filter((r) => r.pauseReason).map((r) => ({id: r.id, reason: r.pauseReason!})),
      events: this.firing.count,
      evaluation: {
        queuedBars: backlog.bars,
        skippedBars: this.evaluator.skipped,
        backlogSeconds: Math.round(backlog.ms / 100) / 10,
        busyShare: Math.round(this.scheduler.busyShare() * 1000) / 1000,
        maxSliceMs: Math.round(this.scheduler.maxSliceMs * 100) / 100,
        slowest: this.evaluator.slowest
      },
      webhook: this.webhook ? {sent: this.webhook.sent, failed: this.webhook.failed, pending: this.webhook.pending} : null
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private newId(): string {
    for (let n = this.rules.length + 1; ; ++n) if (!this.rules.some((r) => r.id === `rule-${n}`)) return `rule-${n}`;
  }

  private clearCaches(): void {
    this.intervalCache.clear();
    this.pairCache.clear();
    this.keepCache.clear();
  }

  /** Intervals active rules need for `symbol`; cached per rules version (this runs for every trade). */
  private intervalsFor(symbol: string): readonly number[] {
    let out = this.intervalCache.get(symbol);
    if (!out) {
      const set = new Set<number>();
      for (const r of this.rules) if (!r.paused && isBarRule(r) && r.target.split("/").includes(symbol)) set.add(intervalMs(r.interval));
      this.intervalCache.set(symbol, (out = [...set]));
    }
    return out;
  }

  /** Legs of the active pair rules on `interval`, in rule order (aligned at each close). */
  private pairsOn(interval: number): readonly (readonly string[])[] {
    let out = this.pairCache.get(interval);
    if (!out) this.pairCache.set(interval, (out = this.rules.filter((r) => !r.paused && isBarRule(r) && intervalMs(r.interval) === interval && r.target.includes("/")).map((r) => r.target.split("/"))));
    return out;
  }

  /** Closes a series keeps: the largest window on its interval, plus the backlog a rule may have. */
  private keep(interval: number): number {
    let out = this.keepCache.get(interval);
    if (out === undefined) {
      let max = 0;
      for (const r of this.rules) if (isBarRule(r) && intervalMs(r.interval) === interval) max = Math.max(max, r.window);
      this.keepCache.set(interval, (out = max + this.budget.backlogBars + 1));
    }
    return out;
  }

  /** Pauses a rule that overran its budget: the reason is in the rule (GET /alerts/rules, /health), the rules file and the log. */
  private pauseForOverrun(rule: AlertRule, reason: string): void {
    if (!this.rules.some((r) => r.id === rule.id && !r.paused)) return;
    this.rules = this.rules.map((r) => (r.id === rule.id ? {...r, paused: true, pauseReason: reason} : r));
    this.clearCaches();
    this.evaluator.forget(rule.id);
    this.options.log(`alerts: paused rule ${rule.id} (${rule.name}): ${reason}. Resume it on the Alerts page or with PATCH /alerts/rules/${rule.id} {"paused": false}`);
    this.writeRules().catch((error: Error) => this.options.log(`alerts: could not save the rules file: ${error.message}`));
  }

  /** Clock metrics: staleness (seconds since the last trade) and open gaps. */
  private tick(): void {
    const now = this.now();
    const feed = this.options.feedState();
    for (const rule of this.rules) {
      if (rule.paused || isBarRule(rule)) continue;
      const f = feed[rule.target];
      if (!f) continue;
      const value = rule.metric === "staleness" ? (now - (f.lastReceivedAt ?? this.startedAt)) / 1000 : f.openGaps;
      this.firing.decide(rule, value, null, now);
    }
  }

  /**
   * Writes the rules file with the rules as they are when the write starts. Writes never overtake
   * each other, and changes made while one waits share it (a hundred rules paused at once: one write).
   */
  private writeRules(): Promise<unknown> {
    if (this.rulesWriteQueued) return this.rulesWrite;
    this.rulesWriteQueued = true;
    return (this.rulesWrite = this.rulesWrite.catch(() => {}).then(() => {
      this.rulesWriteQueued = false;
      return writeRulesFile(this.options.rulesFile, this.rules);
    }));
  }

  private async saveRules(): Promise<void> {
    await this.writeRules();
    await this.firing.flush();
  }
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => void (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
