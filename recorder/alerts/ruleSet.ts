// The alert rules a recorder holds: loaded from the rules file (every rule validated, at most
// MAX_ALERT_RULES, ids unique), changed by the API (create, update, delete) and by the engine (a rule
// paused for overrunning its budget), and written back to the file in order. What the trade path asks
// of the rules on every trade (the intervals and pairs they use, the bars to keep) is cached per
// version of the rules.
import {intervalMs} from "../../src/lib/bars.js";
import type {AlertRule} from "../../src/protocol/alerts.js";
import {isBarRule} from "./evaluator.js";
import {MAX_ALERT_RULES} from "./limits.js";
import {RuleError, ruleSpan, validateRule} from "./rules.js";
import {readRulesFile, writeRulesFile} from "./store.js";

export class RuleSet {
  private rules: AlertRule[] = [];
  private writing: Promise<unknown> = Promise.resolve();
  private writeQueued = false;
  private readonly intervalCache = new Map<string, readonly number[]>(); // symbol → intervals (ms) its active rules use
  private readonly pairCache = new Map<number, readonly (readonly string[])[]>(); // interval → legs of its active pair rules
  private readonly keepCache = new Map<number, number>();

  /** `backlogBars`: bars a rule may fall behind, kept beyond its window. */
  constructor(
    private readonly file: string,
    private readonly symbols: readonly string[],
    private readonly backlogBars: number,
  ) {}

  /** Reads the rules file: invalid rules, more than MAX_ALERT_RULES or two rules with one id stop the start, naming the rule and field. */
  async load(): Promise<void> {
    const raw = await readRulesFile(this.file);
    if (raw.length > MAX_ALERT_RULES)
      throw new Error(
        `alert rules file ${this.file} holds ${raw.length} rules; a recorder evaluates at most ${MAX_ALERT_RULES}: delete some`,
      );
    const rules = raw.map((input, i) => {
      try {
        return validateRule(input, this.symbols, `rule-${i + 1}`);
      } catch (error) {
        if (error instanceof RuleError) throw new Error(`alert rules file ${this.file}, rule ${i + 1}: ${error.message}`, {cause: error});
        throw error;
      }
    });
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new Error(`alert rules file ${this.file}: two rules have id ${JSON.stringify(rule.id)}`);
      ids.add(rule.id);
    }
    this.set(rules);
  }

  get all(): readonly AlertRule[] {
    return this.rules;
  }

  find(id: string): AlertRule | undefined {
    return this.rules.find((r) => r.id === id);
  }

  /** Validates a new rule and adds it (not yet written); throws RuleError naming the field at fault. */
  add(input: unknown): AlertRule {
    if (this.rules.length >= MAX_ALERT_RULES)
      throw new RuleError("rules", `too many alert rules: a recorder holds at most ${MAX_ALERT_RULES}; delete one first`);
    const rule = validateRule(input, this.symbols, this.newId());
    if (this.rules.some((r) => r.id === rule.id)) throw new RuleError("id", `a rule with id ${JSON.stringify(rule.id)} exists already`);
    this.set([...this.rules, rule]);
    return rule;
  }

  /** Applies a partial change to the rule `id` and validates the result; the rule before and after, or undefined for no such rule. */
  change(id: string, patch: unknown): {before: AlertRule; after: AlertRule} | undefined {
    const before = this.find(id);
    if (!before) return undefined;
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new RuleError("rule", "a change must be a JSON object");
    const after = validateRule({...before, ...patch, id}, this.symbols, id);
    this.set(this.rules.map((r) => (r.id === id ? after : r)));
    return {before, after};
  }

  /** Whether there was a rule `id` to delete. */
  delete(id: string): boolean {
    if (!this.rules.some((r) => r.id === id)) return false;
    this.set(this.rules.filter((r) => r.id !== id));
    return true;
  }

  /** Pauses an active rule with the reason; whether it was active. */
  pause(id: string, reason: string): boolean {
    if (!this.rules.some((r) => r.id === id && !r.paused)) return false;
    this.set(this.rules.map((r) => (r.id === id ? {...r, paused: true, pauseReason: reason} : r)));
    return true;
  }

  /**
   * Writes the rules file with the rules as they are when the write starts. Writes never overtake
   * each other, and changes made while one waits share it (a hundred rules paused at once: one write).
   */
  write(): Promise<unknown> {
    if (this.writeQueued) return this.writing;
    this.writeQueued = true;
    return (this.writing = this.writing
      .catch(() => {})
      .then(() => {
        this.writeQueued = false;
        return writeRulesFile(this.file, this.rules);
      }));
  }

  /** Settles when the writes started so far have (failed ones included). */
  async idle(): Promise<void> {
    await this.writing.catch(() => {});
  }

  /** Intervals active rules need for `symbol`; cached per rules version (this runs for every trade). */
  intervalsFor(symbol: string): readonly number[] {
    let out = this.intervalCache.get(symbol);
    if (!out) {
      const set = new Set<number>();
      for (const r of this.rules) if (!r.paused && isBarRule(r) && r.target.split("/").includes(symbol)) set.add(intervalMs(r.interval));
      this.intervalCache.set(symbol, (out = [...set]));
    }
    return out;
  }

  /** Legs of the active pair rules on `interval`, in rule order (aligned at each close). */
  pairsOn(interval: number): readonly (readonly string[])[] {
    let out = this.pairCache.get(interval);
    if (!out)
      this.pairCache.set(
        interval,
        (out = this.rules
          .filter((r) => !r.paused && isBarRule(r) && intervalMs(r.interval) === interval && r.target.includes("/"))
          .map((r) => r.target.split("/"))),
      );
    return out;
  }

  /** Closed bars a series keeps: the largest span (window and a dynamic hedge's bars before it) on its interval, plus the backlog a rule may have. */
  keep(interval: number): number {
    let out = this.keepCache.get(interval);
    if (out === undefined) {
      let max = 0;
      for (const r of this.rules) if (isBarRule(r) && intervalMs(r.interval) === interval) max = Math.max(max, ruleSpan(r));
      this.keepCache.set(interval, (out = max + this.backlogBars + 1));
    }
    return out;
  }

  private set(rules: AlertRule[]): void {
    this.rules = rules;
    this.intervalCache.clear();
    this.pairCache.clear();
    this.keepCache.clear();
  }

  private newId(): string {
    for (let n = this.rules.length + 1; ; ++n) if (!this.rules.some((r) => r.id === `rule-${n}`)) return `rule-${n}`;
  }
}
