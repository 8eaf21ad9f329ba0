// Evaluates bar rules on the bars the trade path built (alertBars.ts), a bar at a time and a rule at a
// time (round robin, so no rule waits behind another's backlog), inside the slices the scheduler gives
// it. Each rule walks its bars in order and reads only closed bars, so when the evaluation runs does not
// change what it finds (but for a trade arriving after its bucket closed, rare): the events equal those
// of an evaluation at each close. A window holding bars of a recorded gap is not evaluated: the bar is
// passed over and the rule's state says why (`gapReason`).
import {barMetric, type BarMetric} from "../../src/lib/alertMetric.js";
import {intervalMs} from "../../src/lib/bars.js";
import type {GapRange} from "../../src/lib/gapFlags.js";
import type {HedgeMethod} from "../../src/lib/hedgeMethods.js";
import type {AlertBars} from "./alertBars.js";
import type {EvaluationBudget} from "./limits.js";
import {ruleDynamicHedge, ruleSpan} from "./rules.js";
import type {AlertRule, AlertRuleState} from "../../src/protocol/alerts.js";

export interface EvaluatorHooks {
  /** The rule's value on `bar` (market time `at` = the bar's end). */
  decide(rule: AlertRule, value: number, bar: number, at: number): void;
  /** The rule overran its budget: pause it (persisted, logged once). */
  pause(rule: AlertRule, reason: string): void;
  log(line: string): void;
}

interface Progress {
  /** The next bar to evaluate; NaN until the rule's series exist (then: the first bar with a full window). */
  next: number;
  /** Moving average of one evaluation's duration, ms (NaN until the JIT has warmed up). */
  costMs: number;
  evaluations: number;
  /** Evaluations in a row over the budget. */
  overruns: number;
  /** Bars skipped, not evaluated, because the queue fell too far behind. */
  skipped: number;
  /** Bars not evaluated because their window held bars of a recorded gap, and the gap in the latest window (null once a window is clean). */
  gapBars: number;
  gap: {symbol: string; range: GapRange} | null;
}

/** The evaluation's part of a rule's state (GET /alerts/rules); firing.ts gives the rest. */
export type EvaluationState = Omit<AlertRuleState, "armed" | "lastFiredAt">;

const warmUp = 3;

export const isBarRule = (rule: Pick<AlertRule, "metric">) => rule.metric !== "staleness" && rule.metric !== "openGaps";

export class BarEvaluator {
  /** The slowest single evaluation so far. */
  slowest: {rule: string; ms: number} | null = null;
  /** Bars skipped in all (see `shed`). */
  skipped = 0;
  private readonly progress = new Map<string, Progress>();
  private cursor = 0;
  private lastShedCheck = -Infinity;

  /** `rules()` is read afresh at every step (rules change between and within slices). `now`: monotonic ms. */
  constructor(
    private readonly series: AlertBars,
    private readonly rules: () => readonly AlertRule[],
    private readonly budget: EvaluationBudget,
    private readonly hooks: EvaluatorHooks,
    private readonly now: () => number,
  ) {}

  /** Starts `rule` at the next bar to close (a rule created or resumed while recording). */
  startAtNextBar(rule: AlertRule): void {
    const ms = intervalMs(rule.interval);
    this.progress.set(rule.id, {...fresh(), next: this.series.closedThrough(rule.target.split("/"), ms) + ms});
  }

  forget(id: string): void {
    this.progress.delete(id);
  }

  /** Moving average of one evaluation of `rule`, ms, the bars it has queued, those it skipped, and a gap it waits out. */
  stateOf(rule: AlertRule): EvaluationState {
    const p = this.progress.get(rule.id);
    const gap =
      p?.gap && !rule.paused
        ? `not evaluated while its window of ${ruleSpan(rule)} bars holds bars of a recorded gap in ${p.gap.symbol}'s trades (${span(p.gap.range)}); evaluation resumes with the first window after it`
        : null;
    return {
      evaluationMs: p && Number.isFinite(p.costMs) ? round(p.costMs) : null,
      queuedBars: this.queued(rule),
      skippedBars: p?.skipped ?? 0,
      gapBars: p?.gapBars ?? 0,
      gapReason: gap,
    };
  }

  /** Bars queued over all active rules, and the time they would take at the budget's share. */
  backlog(): {bars: number; ms: number} {
    let bars = 0,
      ms = 0;
    for (const rule of this.rules()) {
      const queued = this.queued(rule);
      bars += queued;
      ms += queued * (this.progress.get(rule.id)?.costMs || 0);
    }
    return {bars, ms: ms / this.budget.share};
  }

  /** Evaluates queued bars until `deadline` (of `now`); returns whether some are left. */
  run(deadline: number): boolean {
    for (let quiet = 0; ;) {
      const rules = this.rules();
      if (quiet >= rules.length) return false; // a full round without work
      const rule = rules[this.cursor++ % rules.length];
      if (!this.step(rule)) {
        quiet++;
        continue;
      }
      quiet = 0;
      const now = this.now();
      if (now >= deadline) {
        if (now - this.lastShedCheck >= 250) ((this.lastShedCheck = now), this.shed());
        return true;
      }
    }
  }

  /** Evaluates the next bar of `rule`, if one is closed; false if there was nothing to do. */
  private step(rule: AlertRule): boolean {
    if (rule.paused || !isBarRule(rule)) return false;
    const legs = rule.target.split("/"),
      ms = intervalMs(rule.interval);
    const through = this.series.closedThrough(legs, ms);
    if (Number.isNaN(through)) return false;
    let p = this.progress.get(rule.id);
    if (!p) this.progress.set(rule.id, (p = fresh()));
    // A dynamic hedge runs over the hedgeWindow − 1 bars before the window too: they are read, and must be clean, as well.
    const reads = ruleSpan(rule);
    const first = this.series.firstFull(legs, ms, reads);
    if (Number.isNaN(p.next)) p.next = first;
    else if (p.next < first) {
      // Not enough history yet, or (after a long backlog) the oldest closes are no longer kept.
      if (p.evaluations > 0) {
        const skip = (first - p.next) / ms;
        ((p.skipped += skip), (this.skipped += skip));
        this.hooks.log(`alerts: rule ${rule.id} skipped ${skip} bars: it fell more than ${this.budget.backlogBars} bars behind`);
      }
      p.next = first;
    }
    if (p.next > through) return false;
    const bar = p.next;
    p.next += ms;
    // The pages exclude a gap's bars and carry no close across them: a window holding one is not evaluated.
    for (const leg of legs) {
      const range = this.series.gapIn(leg, ms, bar, reads);
      if (range) return (p.gapBars++, (p.gap = {symbol: leg, range}), true);
    }
    p.gap = null;
    const a = this.series.window(legs[0], ms, bar, reads)!;
    const b = legs.length > 1 ? this.series.window(legs[1], ms, bar, reads) : null;
    const start = this.now();
    let value: number;
    try {
      const dynamic = ruleDynamicHedge(rule);
      value = dynamic
        ? barMetric(rule.metric as BarMetric, a, b, {dynamic, window: rule.window, intervalMs: ms})
        : barMetric(rule.metric as BarMetric, a, b, {hedge: rule.hedge as HedgeMethod, intervalMs: ms});
    } catch (error) {
      this.hooks.pause(rule, `evaluation failed: ${(error as Error).message}`);
      return true;
    }
    const took = this.now() - start;
    // The first evaluations run before the JIT has compiled the metric: they do not predict the cost.
    // One stall of the machine (GC, a busy core) moves the estimate by at most a little.
    if (++p.evaluations > warmUp) p.costMs = Number.isNaN(p.costMs) ? took : 0.8 * p.costMs + 0.2 * Math.min(took, 3 * p.costMs);
    if (!this.slowest || took > this.slowest.ms) this.slowest = {rule: rule.id, ms: round(took)};
    this.hooks.decide(rule, value, bar, bar + ms);
    // Twice in a row, so that one stall of the machine (GC, a busy core) does not count as the rule's.
    p.overruns = took > this.budget.evaluationMs ? p.overruns + 1 : 0;
    if (p.overruns >= 2) this.hooks.pause(rule, `evaluations took ${round(took)} ms (the limit is ${this.budget.evaluationMs} ms each)`);
    return true;
  }

  /** Bars of `rule` closed and not yet evaluated. */
  private queued(rule: AlertRule): number {
    if (rule.paused || !isBarRule(rule)) return 0;
    const legs = rule.target.split("/"),
      ms = intervalMs(rule.interval);
    const through = this.series.closedThrough(legs, ms),
      next = this.progress.get(rule.id)?.next ?? NaN;
    const from = Number.isNaN(next) ? this.series.firstFull(legs, ms, ruleSpan(rule)) : next;
    return Number.isNaN(through) || Number.isNaN(from) || from > through ? 0 : (through - from) / ms + 1;
  }

  /**
   * Keeps the rules within the budget. Sustained overload: when the active rules need more of each
   * second (their measured cost × bars a second of their interval) than `share` allows, the costliest
   * are paused until they need at most 80% of it. A burst (a backfill after downtime, many bars closing
   * at once): when the queue would take longer than `backlogMs` to clear, every rule skips its oldest
   * queued bars, in proportion, until it would take half that.
   */
  private shed(): void {
    const capacity = this.budget.share * 1000; // ms of evaluation per second
    const rules = this.rules().filter((r) => !r.paused && isBarRule(r));
    const need = (r: AlertRule) => (this.progress.get(r.id)?.costMs || 0) * (1000 / intervalMs(r.interval));
    let total = rules.reduce((sum, r) => sum + need(r), 0);
    if (total > capacity) {
      const all = total;
      for (const rule of rules.sort((x, y) => need(y) - need(x))) {
        if (total <= 0.8 * capacity) break;
        total -= need(rule);
        this.hooks.pause(
          rule,
          `alert evaluation fell behind: the active rules needed ≈ ${Math.round(all)} ms of every second, more than the ${Math.round(capacity)} ms (${Math.round(this.budget.share * 100)}% of the recorder's time) they may use, and this rule was among the costliest (≈ ${round(this.progress.get(rule.id)?.costMs ?? 0)} ms per bar, ${round(1000 / intervalMs(rule.interval))} bars a second)`,
        );
      }
    }
    const backlog = this.backlog();
    if (backlog.ms <= this.budget.backlogMs) return;
    const keep = this.budget.backlogMs / 2 / backlog.ms;
    let skipped = 0,
      rulesSkipping = 0;
    for (const rule of this.rules()) {
      const p = this.progress.get(rule.id),
        queued = this.queued(rule);
      if (!p || Number.isNaN(p.next) || queued === 0) continue;
      const skip = queued - Math.ceil(queued * keep);
      if (skip <= 0) continue;
      p.next += skip * intervalMs(rule.interval);
      p.skipped += skip;
      ((skipped += skip), rulesSkipping++);
    }
    this.skipped += skipped;
    this.hooks.log(
      `alerts: evaluation was ≈ ${Math.round(backlog.ms / 1000)} s behind (the limit is ${this.budget.backlogMs / 1000} s): ${rulesSkipping} rules skip their oldest ${skipped} queued bars in all, which are not evaluated`,
    );
  }
}

function fresh(): Progress {
  return {next: NaN, costMs: NaN, evaluations: 0, overruns: 0, skipped: 0, gapBars: 0, gap: null};
}

function span({from, to}: GapRange): string {
  const at = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : "unknown");
  return `${at(from)} to ${at(to)}`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
