// One subscription of the live channel: a pair and the report's settings, seeded from the lake (the bars
// GET /api/v1/pairs/{a}/{b}/report reads, fitted as it fits them) and then fed by the recorder's live
// bars. The rows are the pair page's (src/lib/stream PairStream: the incremental align, hedge, z-score
// and backtest), so a live bar redoes only the rows from the bucket it changed. A perpetual leg's funding
// events (those the lake holds when the subscription is seeded, then those the recorder stores, from its
// live feed) go into the rule as into the report's backtest; they change its PnL (`fundingPaid`), never a
// pushed column (z, β, spread and position do not depend on them).
import type {BacktestTrade} from "../src/lib/backtest.js";
import {degenerateReason} from "../src/lib/degenerateSeries.js";
import type {FundingRateEvent} from "../src/lib/funding.js";
import type {HedgeMethod} from "../src/lib/hedgeMethods.js";
import {hedgeRatio} from "../src/lib/hedgeRatio.js";
import {pairSignal} from "../src/lib/signal.js";
import {PairStream, type StreamRule, type StreamView} from "../src/lib/stream/pairStream.js";
import {withLiveFunding} from "../src/protocol/liveFunding.js";
import type {LiveBar, LiveFunding, LiveGap} from "../src/protocol/liveWire.js";
import {maxRowsFactor} from "./channelLimits.js";
import {LiveLegs} from "./liveLegs.js";
import {intervalName} from "./paramSpecs.js";
import {dynamicOf, pairFunding, pairOf} from "./report.js";
import type {RouteContext} from "./route.js";

/** A row as pushed: the bar's start, both closes, the hedge, spread, z, the position held after it, and the order decided at its close. */
export interface LiveRow {
  readonly time: number;
  readonly a: number;
  readonly b: number;
  readonly alpha: number;
  readonly beta: number;
  readonly spread: number;
  readonly z: number;
  readonly position: number;
  readonly signal: "entry long" | "entry short" | "exit" | "stop" | null;
}

/** A subscription that cannot be made or kept: the message (and the parameter at fault, if any). */
export class SubscriptionError extends Error {
  constructor(
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export class LiveSubscription {
  private readonly stream = new PairStream();
  /** First row the client has not got as it is now (Infinity: all sent). */
  private dirty = 0;
  /** Each leg's funding events from the seed (the lake's), which the live feed's replace by time. */
  private readonly seeded: readonly [FundingRateEvent[] | undefined, FundingRateEvent[] | undefined];
  /** Whether the rule's funding changed since `takeFunding`. */
  private fundingChanged = false;

  private constructor(
    readonly id: string,
    readonly symbols: readonly [string, string],
    readonly settings: Record<string, unknown>,
    private readonly legs: LiveLegs,
    private readonly view: StreamView,
    private rule: StreamRule,
    private readonly maxRows: number,
    private readonly barMs: number,
  ) {
    this.seeded = [rule.funding?.a ? [...rule.funding.a] : undefined, rule.funding?.b ? [...rule.funding.b] : undefined];
    this.stream.update(legs.bars(0), legs.bars(1), -Infinity, view, rule);
  }

  /**
   * Seeds a subscription from the lake: ParamError (via pairOf: unknown symbol, too few rows) or
   * SubscriptionError (bars that cannot be analysed) as the report endpoint answers them.
   */
  static async seed(id: string, context: RouteContext): Promise<LiveSubscription> {
    const {params} = context;
    const dynamic = dynamicOf(params);
    const {a, b, aligned, legs, content} = await pairOf(context);
    const log = params.string("log") === "true";
    const degenerate = degenerateReason([a, b], aligned.a, aligned.b, log);
    if (degenerate !== null) throw new SubscriptionError(`the bars cannot be analysed: ${degenerate}`);
    const method = params.string("method");
    // A fixed hedge is the report's: fitted on the same aligned closes with the same method.
    const hedge = dynamic ? null : hedgeRatio(aligned.a, aligned.b, {method: method as HedgeMethod, log});
    // The stream charges funding at its own rows' times (src/lib/stream/streamRule.ts): the legs' events only.
    const funding = await pairFunding(context.lake, content, [a, b], aligned);
    const rule: StreamRule = {
      hedge: hedge && {alpha: hedge.alpha, beta: hedge.beta},
      dynamic,
      log,
      window: params.number("window"),
      entry: params.number("entry"),
      exit: params.number("exit"),
      stop: params.optionalNumber("stop"),
      lag: params.number("lag"),
      feeBps: params.number("fees"),
      funding: funding ? {a: funding.a, b: funding.b} : null,
    };
    const interval = params.number("interval");
    // What the subscription computes, echoed in its snapshot (stop null: none).
    const settings = {
      a,
      b,
      interval: intervalName(interval),
      lookback: params.number("lookback"),
      method,
      hedge: rule.hedge,
      dynamic,
      log,
      window: rule.window,
      entry: rule.entry,
      exit: rule.exit,
      stop: rule.stop ?? null,
      lag: rule.lag,
      fees: rule.feeBps,
    };
    const live = new LiveLegs(legs);
    const view = {intervalMs: interval, lookbackMs: Infinity};
    return new LiveSubscription(id, [a, b], settings, live, view, rule, maxRowsFactor * context.limits.maxBars, interval);
  }

  get interval(): string {
    return intervalName(this.legs.interval);
  }

  /** Rows so far. */
  get length(): number {
    return this.stream.length;
  }

  /** Live bars of a symbol (either leg, or both). */
  addBars(symbol: string, bars: readonly LiveBar[]): void {
    this.symbols.forEach((s, leg) => s === symbol && this.legs.add(leg as 0 | 1, bars));
    this.refresh();
  }

  /** An unfilled gap of a symbol the feed reported. */
  addGap(symbol: string, gap: LiveGap): void {
    this.symbols.forEach((s, leg) => s === symbol && this.legs.addGap(leg as 0 | 1, gap));
    this.refresh();
  }

  /** Whether the backtest charges funding (a perpetual leg). */
  get funded(): boolean {
    return this.stream.funded;
  }

  /** Funding paid by the backtest over the rows so far, net of funding received (0 without a perpetual leg). */
  get fundingPaid(): number {
    return this.stream.metrics(this.barMs)?.fundingPaid ?? 0;
  }

  /**
   * Funding events of a perpetual leg the recorder stored (its live feed's kept list, liveUpstream.ts):
   * they replace the seed's of their times in the rule, and the backtest is redone with them (rows unchanged).
   */
  addFunding(symbol: string, events: readonly LiveFunding[]): void {
    const f = this.rule.funding;
    if (!f || events.length === 0) return;
    const legs = [f.a, f.b].map((held, leg) => (this.symbols[leg] === symbol && held ? withLiveFunding(this.seeded[leg], events) : held));
    const same = (x: readonly FundingRateEvent[] | undefined, y: readonly FundingRateEvent[] | undefined) =>
      x === y || (x !== undefined && y !== undefined && x.length === y.length && x.every((e, i) => sameEvent(e, y[i])));
    if (same(legs[0], f.a) && same(legs[1], f.b)) return;
    this.rule = {...this.rule, funding: {a: legs[0], b: legs[1]}};
    this.fundingChanged = true;
    const changedFrom = this.legs.takeChanges();
    const changed = this.stream.update(this.legs.bars(0), this.legs.bars(1), changedFrom, this.view, this.rule);
    // The rows pushed do not depend on funding: only new bars make rows dirty.
    if (changedFrom !== Infinity) this.dirty = Math.min(this.dirty, changed.bars);
  }

  /** Whether the rule's funding changed since the last call (the socket then sends the funding paid). */
  takeFunding(): boolean {
    const changed = this.fundingChanged;
    this.fundingChanged = false;
    return changed;
  }

  /**
   * The rows the client has not got as they are now: from the first changed one to the last (the
   * client replaces its rows from `from` on), or null when it is up to date. SubscriptionError when
   * the rows outgrew the subscription's bound.
   */
  take(): {from: number; rows: LiveRow[]} | null {
    const n = this.stream.length;
    if (n > this.maxRows)
      throw new SubscriptionError(`the subscription grew past ${this.maxRows} rows; subscribe again for a fresh seed and fit`);
    if (!(this.dirty < n)) return ((this.dirty = Infinity), null);
    const from = this.dirty;
    this.dirty = Infinity;
    return {from, rows: this.rows(from, n)};
  }

  private refresh(): void {
    const changedFrom = this.legs.takeChanges();
    if (changedFrom === Infinity) return;
    const changed = this.stream.update(this.legs.bars(0), this.legs.bars(1), changedFrom, this.view, this.rule);
    this.dirty = Math.min(this.dirty, changed.series, changed.bars);
  }

  private rows(from: number, n: number): LiveRow[] {
    const s = this.stream,
      [time, a, b, alpha, beta, spread, z, position] = (["time", "a", "b", "alpha", "beta", "spread", "z", "position"] as const).map((c) =>
        s.column(c),
      );
    const trades = s.tradeList(),
      rule = {entry: this.rule.entry, exit: this.rule.exit, stop: this.rule.stop};
    let k = -1; // the last trade entered at or before row i
    while (k + 1 < trades.length && trades[k + 1].entryBar <= from) ++k;
    const out: LiveRow[] = [];
    for (let i = from; i < n; ++i) {
      while (k + 1 < trades.length && trades[k + 1].entryBar <= i) ++k;
      const t = k >= 0 ? trades[k] : null;
      const open: BacktestTrade[] = t && (t.exitBar === null || t.exitBar > i) ? [{...t, exitBar: null}] : [];
      const decided = s.ruled
        ? pairSignal({time: time.subarray(0, i + 1), spread: spread.subarray(0, i + 1), z: z.subarray(0, i + 1)}, open, rule)?.steps.find(
            (step) => step.distance <= 0,
          )
        : undefined;
      out.push({
        time: time[i],
        a: a[i],
        b: b[i],
        alpha: alpha[i],
        beta: beta[i],
        spread: spread[i],
        z: z[i],
        position: position[i],
        signal: decided?.kind ?? null,
      });
    }
    return out;
  }
}

function sameEvent(x: FundingRateEvent, y: FundingRateEvent): boolean {
  return x.time === y.time && x.rate === y.rate && x.mark === y.mark;
}
