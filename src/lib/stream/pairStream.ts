// What the pair report draws, kept up to date bar by bar: the view of both legs (rebucketed, aligned,
// gap buckets left out: pairView), the spread under a fixed hedge (hedgedSeries), its rolling mean,
// std, bands and z-score, the rolling correlation of returns and the backtest of the rule (pairRule),
// in growable columns. A change of the options recomputes what depends on them; new or replaced live
// bars redo only the buckets from the first changed one, from checkpoints of every stage's state
// (src/lib incremental*), so a live frame costs O(new bars) instead of O(all bars).
// Two stages share the columns: the view (./streamView.ts) and the rule's series (./streamRule.ts).
// No DOM: the same code runs in Node tests against the batch functions.
import type {BacktestMetrics, BacktestTrade} from "../backtest.js";
import type {SymbolBars} from "../bars.js";
import {dynamicHedgeKey} from "../dynamicHedge.js";
import type {FundingRateEvent} from "../funding.js";
import {type RowColumn, StreamColumns} from "./streamColumns.js";
import type {RuleSeries} from "./ruleSeries.js";
import {RuleStash, type StashedRule} from "./ruleStash.js";
import {type StreamRule, StreamRuleStage} from "./streamRule.js";
import {type StreamView, StreamViewStage} from "./streamView.js";

export type {StreamRule} from "./streamRule.js";
export type {StreamView} from "./streamView.js";

/** The first rows that changed in an update: of the bars (time, a, b) and of everything derived. */
export interface StreamChange {
  bars: number;
  series: number;
  /** Set when the rule's series were taken from `given` (computed elsewhere) rather than computed here. */
  adopted?: true;
}

/**
 * A rule's series computed elsewhere (ruleSeries, in the fit worker), with the rows they were computed
 * over; its columns may hold those rows too (time, a, b: ruleSeriesCopy), taken then as they are.
 */
export interface GivenSeries {
  series: RuleSeries;
  rows: {time: ArrayLike<number>; a: ArrayLike<number>; b: ArrayLike<number>};
}

/**
 * The pair report's series over both legs' bars, updated in place. `update` takes the legs (the same
 * growing columns or new ones), the first bucket start that changed since the previous call
 * (-Infinity: unknown) and the options, and returns the first rows that changed.
 *
 * Lookback: with a finite lookback the view's first bucket is where it was when the view was built;
 * new bars extend the view past the lookback until the view is rebuilt (`rebuild`, which the page
 * calls on every refit, 30 s while live), instead of recomputing every series on every live bar.
 */
export class PairStream {
  private rows = new StreamColumns();
  private view = new StreamViewStage(this.rows);
  private series = new StreamRuleStage(this.rows);
  private viewKey = "";
  private ruleKey = "";
  /** The previous rules' series (a hedge switched back takes them again: ./ruleStash.ts). */
  private stash = new RuleStash();
  /** The first row `viewRows` changed since the last `update` (Infinity: none): that update redoes the series from there. */
  private viewFrom = Infinity;

  /** Rows of the view. */
  get length(): number {
    return this.rows.length;
  }

  /** Buckets of the common range left out (gaps, or no price yet). */
  get excluded(): number {
    return this.view.excluded;
  }

  /** Gap runs [from, to) on the view's grid, for shading. */
  get gaps(): readonly {from: number; to: number}[] {
    return this.view.gaps;
  }

  /** A column's rows (a view on the growing buffer, valid until the next update). */
  column(name: RowColumn): Float64Array {
    return this.rows.column(name);
  }

  /** Whether the rule's series (spread, bands, z, backtest) are computed: not without a hedge. */
  get ruled(): boolean {
    return this.series.ruled;
  }

  /** Whether the backtest charges funding (the rule has a perpetual leg's events). */
  get funded(): boolean {
    return this.series.funded;
  }

  /** Closed trades and the open one (bars index the rows). */
  tradeList(): BacktestTrade[] {
    return this.series.tradeList();
  }

  /** The backtest's metrics over the rows, annualised for bars of `barMs`; null without a hedge. */
  metrics(barMs: number): BacktestMetrics | null {
    return this.series.metrics(barMs);
  }

  /**
   * The view's rows (time, a, b) brought up to the legs' bars (`changedFrom` as for `update`; the rule's
   * series wait for the next `update`), as copies: they equal `pairView`'s (the page's fitted bars) when
   * the view is of `view` with every bar, so a refit need not rebuild them. Before the first `update`
   * the view is built here (the page's first fit: its rows and the charts' from one build, not two).
   * null for another view.
   */
  viewRows(
    legA: SymbolBars,
    legB: SymbolBars,
    changedFrom: number,
    view: StreamView,
  ): {time: Float64Array; a: Float64Array; b: Float64Array} | null {
    const viewKey = `${view.intervalMs}|${view.lookbackMs}`;
    if (Number.isFinite(view.lookbackMs) || (this.viewKey !== viewKey && this.ruleKey !== "")) return null;
    if (this.viewKey !== viewKey) ((this.viewKey = viewKey), this.view.build(legA, legB, view), (this.viewFrom = 0));
    else this.viewFrom = Math.min(this.viewFrom, this.view.extend(legA, legB, changedFrom));
    return {time: this.column("time").slice(), a: this.column("a").slice(), b: this.column("b").slice()};
  }

  /** Drops the view so the next `update` rebuilds it (a refit with a finite lookback moves its head). */
  rebuild(): void {
    this.viewKey = "";
  }

  /** Whether the series of `rule` are kept from before (an `update` to it may then need no `given`). */
  holds(rule: StreamRule): boolean {
    return this.stash.has(ruleKeyOf(rule));
  }

  /** Whether the rule's series are not yet computed over every row (an `update` given a `limit`). */
  get pending(): boolean {
    return this.series.pending;
  }

  /** Goes on with the rule's series for at most `limit` more rows; returns whether every row is done. */
  proceed(limit = Infinity): boolean {
    return !this.series.pending || this.series.run(this.length, limit);
  }

  /**
   * Brings the rows up to date with the legs' bars and the options; `changedFrom` is the first fine
   * bucket start written since the previous update (Infinity: none, -Infinity: unknown). `limit`: at
   * most this many rows of the rule's series now, the rest by `proceed` (`pending` until then).
   * `given`: the rule's series computed elsewhere over rows the view's first rows equal (the fit
   * worker's, at a refit): when the rows would be recomputed from the start, they are taken instead,
   * and only the rows after them (or from the first that differs, within the checkpoints) computed.
   */
  update(
    legA: SymbolBars,
    legB: SymbolBars,
    changedFrom: number,
    view: StreamView,
    rule: StreamRule,
    limit = Infinity,
    given: GivenSeries | null = null,
  ): StreamChange {
    const viewKey = `${view.intervalMs}|${view.lookbackMs}`;
    const ruleKey = ruleKeyOf(rule);
    let from: number;
    // The rule's series as they are, before the view changes their rows: kept if the next rule brings its own buffers.
    const outgoing = ruleKey !== this.ruleKey ? this.outgoing() : null;
    if (viewKey !== this.viewKey) {
      this.viewKey = viewKey;
      this.view.build(legA, legB, view);
      from = 0;
    } else from = Math.min(this.view.extend(legA, legB, changedFrom), this.viewFrom);
    this.viewFrom = Infinity;
    const bars = Math.min(from, this.length);
    this.stash.changed(bars);
    if (outgoing) outgoing.valid = Math.min(outgoing.valid, bars);
    if (ruleKey !== this.ruleKey) {
      this.ruleKey = ruleKey;
      this.series.reset(rule);
      from = 0;
    }
    const adopted =
      from !== 0
        ? null
        : (this.restore(ruleKey, rule) ?? (given !== null && ruleKeyOf(given.series.rule) === ruleKey ? this.adopt(given, rule) : null));
    if (adopted !== null) from = adopted;
    // Its buffers are no longer the stream's: kept for a switch back (else the new rule writes over them).
    if (adopted !== null && outgoing && bars > 0) this.stash.keep(outgoing);
    this.series.run(from, limit);
    // Taken series replace every derived row (a new rule, or a rebuilt view): all of them changed, though
    // only the rows after them are computed here. A refit's new β keeps the charts' key (a live frame):
    // they redraw from this row, so the last row computed here would leave the old spread drawn before it.
    return adopted !== null ? {bars, series: 0, adopted: true} : {bars, series: Math.min(from, this.length)};
  }

  /**
   * The current rule's series and state for the stash (null: none, or not computed over every row), the
   * buffers as they are: kept only once other buffers replace them.
   */
  private outgoing(): StashedRule | null {
    if (this.ruleKey === "" || this.series.pending || this.length === 0) return null;
    const {time: _t, a: _a, b: _b, ...columns} = this.rows.data;
    const state = this.series.snapshot();
    return {key: this.ruleKey, columns, capacity: columns.beta.length, state, valid: state.done};
  }

  /** Takes the stashed series of `ruleKey` when they serve the rows; returns the first row to compute from, else null. */
  private restore(ruleKey: string, rule: StreamRule): number | null {
    const s = this.stash.take(ruleKey, this.length);
    if (!s) return null;
    this.rows.adopt(s.columns, s.capacity);
    this.series.adopt(rule, s.state);
    return s.valid;
  }

  /**
   * Takes `given`'s series when the rows it was computed over are the first rows of the view; returns
   * the first row to compute from (the first that differs, or the first after them), null when not taken.
   */
  private adopt({series, rows}: GivenSeries, rule: StreamRule): number | null {
    const n = series.rows,
      length = this.length,
      {time, a, b} = this.rows.data;
    if (n > length || series.capacity < length || rows.a.length !== n) return null;
    let d = Math.min(sameBits(time, rows.time, n), sameBits(a, rows.a, n), sameBits(b, rows.b, n));
    while (d < n && Object.is(time[d], rows.time[d]) && Object.is(a[d], rows.a[d]) && Object.is(b[d], rows.b[d])) ++d;
    if (!StreamRuleStage.resumes(series.state, d)) return null;
    // Given time, a and b columns (the rows themselves) are taken only when they are all the rows.
    const {time: _t, a: _a, b: _b, ...derived} = series.columns;
    this.rows.adopt(d === length && n === length ? series.columns : derived, series.capacity);
    this.series.adopt(rule, series.state);
    return d;
  }
}

/**
 * How many of the first `n` values of `x` and `y` are the same bits (so Object.is-equal): compared as
 * 32-bit words when both are Float64Arrays (a hedge switch compares the 86,400 rows three times; one
 * generic loop over ArrayLike took ~10–30 ms of it), else 0 (the caller's Object.is loop decides).
 */
function sameBits(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  if (!(x instanceof Float64Array && y instanceof Float64Array) || x.length < n || y.length < n) return 0;
  const u = new Int32Array(x.buffer, x.byteOffset, 2 * n),
    v = new Int32Array(y.buffer, y.byteOffset, 2 * n);
  let i = 0;
  while (i < 2 * n && u[i] === v[i]) ++i;
  return i >> 1;
}

/** Everything of a rule its series depend on, as a key: equal keys, equal series over equal rows. */
export function ruleKeyOf(rule: StreamRule): string {
  const h = rule.hedge;
  return [
    rule.dynamic ? dynamicHedgeKey(rule.dynamic) : h ? `${h.alpha}|${h.beta}` : "-",
    rule.log,
    rule.window,
    rule.entry,
    rule.exit,
    rule.stop,
    rule.lag,
    rule.feeBps,
    fundingKey(rule.funding),
  ].join("|");
}

/**
 * The funding schedules' identity in the rule's key: every event of each leg, so an appended event or a
 * settled rate replacing an estimate (the live feed's funding, src/protocol/liveFunding.ts) changes it.
 * Each schedule's text is kept per array (schedules are not mutated: a new event comes in a new array).
 */
function fundingKey(f: StreamRule["funding"]): string {
  const leg = (e: readonly FundingRateEvent[] | undefined) => {
    if (!e) return "-";
    let key = fundingKeys.get(e);
    if (key === undefined) fundingKeys.set(e, (key = e.map((x) => `${x.time}:${x.rate}:${x.mark ?? ""}`).join(",")));
    return key;
  };
  return f ? `${leg(f.a)}/${leg(f.b)}` : "-";
}

const fundingKeys = new WeakMap<readonly FundingRateEvent[], string>();
