// Alert rules evaluated live inside the recorder, on the bars of the stored trades (src/lib's bar and
// metric definitions), so alerts fire with no browser open. Bar metrics are evaluated when a bar
// closes, with cooldowns in market time (so a replay gives the same events as live); staleness and
// open gaps on a 0.5 s clock. State and history are durable: a restart neither re-fires nor forgets.
import {barMetric, type BarMetric} from "../../src/lib/alertMetric.js";
import {bucketStart, intervalMs, type Trade} from "../../src/lib/bars.js";
import {conditionMet, rearms, type AlertRule, validateRule, RuleError} from "./rules.js";
import {type AlertEvent, appendEvent, readEvents, readRulesFile, readState, type RuleState, writeRulesFile, writeState} from "./store.js";
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
  webhookRetryDelayMs?: (attempt: number) => number;
}

/** Closed-bar closes of one symbol at one interval, carried forward over empty buckets. */
interface Series {
  interval: number;
  /** Start of the bucket of closes[0]. */
  start: number;
  closes: number[];
  /** The bucket still open, and its close so far. */
  current: number;
  currentClose: number;
}

export interface AlertFilter {
  rule?: string;
  severity?: string;
  since?: number;
  limit?: number;
}

export class AlertEngine {
  private rules: AlertRule[] = [];
  private state: Record<string, RuleState> = {};
  private readonly series = new Map<string, Series>(); // "SYMBOL|interval"
  private readonly evaluated = new Map<string, number>(); // rule id → last bar evaluated
  private history: AlertEvent[] = [];
  private persist: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  readonly webhook: Webhook | undefined;
  private readonly startedAt: number;

  private constructor(private readonly options: AlertEngineOptions) {
    this.startedAt = this.now();
    if (options.webhookUrl) this.webhook = new Webhook({url: options.webhookUrl, lake: options.lake, log: options.log, retryDelayMs: options.webhookRetryDelayMs});
  }

  /** Loads the rules file (invalid rules stop the start, naming the rule and field), state and history. */
  static async open(options: AlertEngineOptions): Promise<AlertEngine> {
    const engine = new AlertEngine(options);
    const raw = await readRulesFile(options.rulesFile);
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
    engine.state = await readState(options.lake);
    engine.history = await readEvents(options.lake);
    // The history is the truth: an event appended just before a crash (state not yet written) still counts.
    for (const event of engine.history) {
      const st = engine.state[event.ruleId];
      if (!st || (st.lastFiredAt ?? -Infinity) < (event.bar !== null ? event.bar + intervalMsOf(engine.rules, event.ruleId) : event.time)) {
        engine.state[event.ruleId] = {armed: false, lastFiredAt: event.bar !== null ? event.bar + intervalMsOf(engine.rules, event.ruleId) : event.time, lastBar: event.bar};
      }
    }
    engine.timer = setInterval(() => engine.tick(), 500);
    engine.timer.unref();
    return engine;
  }

  list(): readonly AlertRule[] {
    return this.rules;
  }

  /** Whether a rule may fire (armed) or waits to re-arm, and when it last fired (market time for bar rules). */
  stateOf(id: string): {armed: boolean; lastFiredAt: number | null} {
    const st = this.state[id];
    return {armed: st?.armed ?? true, lastFiredAt: st?.lastFiredAt ?? null};
  }

  async create(input: unknown): Promise<AlertRule> {
    const rule = validateRule(input, this.options.symbols, this.newId());
    if (this.rules.some((r) => r.id === rule.id)) throw new RuleError("id", `a rule with id ${JSON.stringify(rule.id)} exists already`);
    this.rules = [...this.rules, rule];
    await this.saveRules();
    return rule;
  }

  /** Applies a partial change (e.g. {paused: true}) to a rule and validates the result. */
  async update(id: string, patch: unknown): Promise<AlertRule | undefined> {
    const existing = this.rules.find((r) => r.id === id);
    if (!existing) return undefined;
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new RuleError("rule", "a change must be a JSON object");
    const rule = validateRule({...existing, ...patch, id}, this.options.symbols, id);
    this.rules = this.rules.map((r) => (r.id === id ? rule : r));
    if (rule.metric !== existing.metric || rule.target !== existing.target || rule.threshold !== existing.threshold) delete this.state[id];
    await this.saveRules();
    return rule;
  }

  async remove(id: string): Promise<boolean> {
    if (!this.rules.some((r) => r.id === id)) return false;
    this.rules = this.rules.filter((r) => r.id !== id);
    delete this.state[id];
    await this.saveRules();
    return true;
  }

  events({rule, severity, since, limit = 1000}: AlertFilter = {}): AlertEvent[] {
    const out = this.history.filter((e) => (!rule || e.ruleId === rule) && (!severity || e.severity === severity) && (since === undefined || e.time >= since));
    return out.slice(-limit);
  }

  /** Folds a stored trade into the bar series the rules use; evaluates rules on bars it closes. */
  onTrade(symbol: string, trade: Trade): void {
    for (const interval of this.intervalsFor(symbol)) {
      const key = `${symbol}|${interval}`;
      const ms = intervalMs(interval);
      const b = bucketStart(trade.time, ms);
      let s = this.series.get(key);
      if (!s) {
        this.series.set(key, {interval: ms, start: b, closes: [], current: b, currentClose: trade.price});
        continue;
      }
      if (b < s.current) continue; // late trade for a bar already evaluated
      if (b === s.current) {
        s.currentClose = trade.price;
        continue;
      }
      this.advance(s, b, interval);
      s.currentClose = trade.price;
      this.evaluateBars(interval);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.persist;
    await this.webhook?.idle();
  }

  health() {
    return {
      rules: this.rules.length,
      active: this.rules.filter((r) => !r.paused).length,
      events: this.history.length,
      webhook: this.webhook ? {sent: this.webhook.sent, failed: this.webhook.failed, pending: this.webhook.pending} : null
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private newId(): string {
    for (let n = this.rules.length + 1; ; ++n) if (!this.rules.some((r) => r.id === `rule-${n}`)) return `rule-${n}`;
  }

  /** Intervals active rules need for `symbol`; cached per rules version (this runs for every trade). */
  private intervalsFor(symbol: string): readonly string[] {
    let out = this.intervalCache.get(symbol);
    if (!out) {
      const set = new Set<string>();
      for (const r of this.rules) if (!r.paused && isBarRule(r) && r.target.split("/").includes(symbol)) set.add(r.interval);
      this.intervalCache.set(symbol, (out = [...set]));
    }
    return out;
  }

  private readonly intervalCache = new Map<string, readonly string[]>();

  private maxWindow(interval: string): number {
    let max = 0;
    for (const r of this.rules) if (isBarRule(r) && r.interval === interval) max = Math.max(max, r.window);
    return max;
  }

  /** Closes the open bucket and any quiet ones up to `to` (their close carried forward). */
  private advance(s: Series, to: number, interval: string): void {
    for (; s.current < to; s.current += s.interval) s.closes.push(s.currentClose);
    const keep = this.maxWindow(interval) + 1;
    if (s.closes.length > keep) {
      const drop = s.closes.length - keep;
      s.closes.splice(0, drop);
      s.start += drop * s.interval;
    }
  }

  /** Closes of `symbol` for the `window` bars ending with the bar starting at `bar`, or null if not all known. */
  private window(symbol: string, interval: string, bar: number, window: number): number[] | null {
    const s = this.series.get(`${symbol}|${interval}`);
    if (!s) return null;
    const last = (bar - s.start) / s.interval, first = last - window + 1;
    if (first < 0 || last >= s.closes.length) return null;
    return s.closes.slice(first, last + 1);
  }

  /** Evaluates every bar rule on `interval` for each bar closed on all its legs and not yet evaluated. */
  private evaluateBars(interval: string): void {
    for (const rule of this.rules) {
      if (rule.paused || !isBarRule(rule) || rule.interval !== interval) continue;
      const legs = rule.target.split("/");
      const series = legs.map((leg) => this.series.get(`${leg}|${interval}`));
      if (series.some((s) => !s)) continue;
      const ms = series[0]!.interval;
      // Trades arrive in time order, so a leg two buckets behind another had a quiet bucket: carry it.
      const newest = Math.max(...series.map((s) => s!.current));
      for (const s of series) if (s!.current < newest - ms) this.advance(s!, newest - ms, interval);
      const closedThrough = Math.min(...series.map((s) => s!.current - ms));
      let bar = this.evaluated.get(rule.id);
      bar = bar === undefined ? closedThrough : bar + ms;
      for (; bar <= closedThrough; bar += ms) {
        this.evaluated.set(rule.id, bar);
        const a = this.window(legs[0], interval, bar, rule.window);
        const b = legs.length > 1 ? this.window(legs[1], interval, bar, rule.window) : null;
        if (!a || (legs.length > 1 && !b)) continue; // not enough bars yet
        const value = barMetric(rule.metric as BarMetric, a, b, {hedge: rule.hedge, intervalMs: ms});
        this.decide(rule, value, bar, bar + ms);
      }
    }
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
      this.decide(rule, value, null, now);
    }
  }

  /** Fires, suppresses or re-arms `rule` for `value` (of `bar`, at market time `at`). */
  private decide(rule: AlertRule, value: number, bar: number | null, at: number): void {
    const st = (this.state[rule.id] ??= {armed: true, lastFiredAt: null, lastBar: null});
    if (!st.armed) {
      if (rearms(rule, value)) {
        st.armed = true;
        this.save(() => writeState(this.options.lake, this.state));
      }
      return;
    }
    if (!conditionMet(rule, value)) return;
    if (bar !== null && st.lastBar !== null && bar <= st.lastBar) return; // seen before a restart
    if (st.lastFiredAt !== null && at - st.lastFiredAt < rule.cooldownSeconds * 1000) return;
    Object.assign(st, {armed: false, lastFiredAt: at, lastBar: bar});
    const event: AlertEvent = {
      id: `${rule.id}@${bar ?? at}`, ruleId: rule.id, ruleName: rule.name, target: rule.target, metric: rule.metric,
      comparator: rule.comparator, threshold: rule.threshold, value, severity: rule.severity, bar, time: this.now()
    };
    this.history.push(event);
    this.options.log(`ALERT [${rule.severity}] ${rule.name}: ${rule.metric} of ${rule.target} = ${formatValue(value)} ${rule.comparator} ${rule.threshold}${bar !== null ? ` (bar ${new Date(bar).toISOString()})` : ""}`);
    this.save(async () => {
      await appendEvent(this.options.lake, event); // durable first, then announced
      await writeState(this.options.lake, this.state);
      this.options.onEvent?.(event);
      void this.webhook?.send(event, rule);
    });
  }

  private save(step: () => Promise<void>): void {
    this.persist = this.persist.then(step).catch((error: Error) => this.options.log(`alerts: could not write to the lake: ${error.message}`));
  }

  private async saveRules(): Promise<void> {
    this.intervalCache.clear();
    await writeRulesFile(this.options.rulesFile, this.rules);
    await this.persist;
    await writeState(this.options.lake, this.state);
  }
}

const isBarRule = (rule: AlertRule) => rule.metric !== "staleness" && rule.metric !== "openGaps";

function intervalMsOf(rules: readonly AlertRule[], id: string): number {
  const rule = rules.find((r) => r.id === id);
  return rule ? intervalMs(rule.interval) : 0;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1000 || value === 0 ? value.toFixed(2) : value.toPrecision(4);
}
