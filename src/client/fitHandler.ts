// What the fit worker (./fitWorker.ts) computes for each request, and keeps between requests: a fit
// (the chosen method's hedge, the rule series under it, the whole fit and the hedge table's rows), a
// rule's report on a fit, and the rule series of the page's rows under another hedge (a hedge switch),
// computed on demand or ahead of the switch (`prefetch`) and kept. The main-thread fallback runs the
// same `handle`.
import {hedgeRatio} from "../lib/hedgeRatio.js";
import {type PairFit, pairFit, type PairReport, type PairReportOptions, pairRule, reportOf} from "../lib/pairReport.js";
import {type HedgeRow, hedgeRows, hedgeSharpes} from "../lib/report/hedges.js";
import type {StreamRule} from "../lib/stream/pairStream.js";
import {ruleSeries, ruleSeriesTransfer} from "../lib/stream/ruleSeries.js";
import {RuleSeriesCache, type SeriesRows, withRows} from "../lib/stream/ruleSeriesCache.js";

export interface FitRequest {
  log: boolean;
  method: string;
  /** Window of the rolling-OLS row of the hedge table. */
  rollingWindow: number;
}

export type Hedge = ReturnType<typeof hedgeRatio>;
/** A hedge-table row without its series (what the table shows). */
export type HedgeRowSummary = Omit<HedgeRow, "spread" | "betaSeries">;
/** The fit as the page needs it: every number of the report, without the long series. */
export type FitSummary = Omit<PairFit, "a" | "b" | "spread"> & {readonly id: number; readonly rows: readonly HedgeRowSummary[]};

export interface RuleResult {
  report: PairReport;
  sharpes: number[];
}

/** The rule series a fit computes too: the rule's (its hedge replaced by the fit's), over the fitted rows. */
export interface SeriesRequest {
  rule: StreamRule;
  /** The rows' times, sent only when the backtest reads them (funding); else null. */
  time: Float64Array | null;
}

// A fit's bars are sent once: a fit of the bars the worker already holds (another method) sends null;
// so are the rows of a series request (null: the rows held).
export type WorkerRequest =
  | {type: "fit"; id: number; a: Float64Array | null; b: Float64Array | null; options: FitRequest; series: SeriesRequest | null}
  | {type: "rule"; id: number; fitId: number; options: PairReportOptions}
  | {type: "series"; id: number; rows: SeriesRows | null; rule: StreamRule}
  | {type: "prefetch"; id: number; rows: SeriesRows | null; rules: StreamRule[]; delayMs: number};
// "ahead": a prefetched rule's series, sent without being asked (`id`: the prefetch's), so that the
// switch to it finds them on the page.
export type WorkerReply = {id: number; part: "hedge" | "series" | "fit" | "rule" | "ahead"; value: unknown} | {id: number; error: string};

/** A fit and its rows, kept for the rule requests. */
interface FitState {
  fit: PairFit;
  rows: HedgeRow[];
}

/** What the worker keeps between requests: the bars of the latest fit and its fits by id; the rows of series requests and their series. */
export interface WorkerState {
  bars: {a: Float64Array; b: Float64Array} | null;
  fits: Map<number, FitState>;
  series: RuleSeriesCache;
  /** Rules whose series to compute when idle (the latest prefetch's), and the timer of the next. */
  ahead: StreamRule[];
  timer: ReturnType<typeof setTimeout> | null;
  /** Where the latest prefetch's series go once computed: its id and reply. */
  prefetch: {id: number; reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void} | null;
}

/** How many fits of the current bars the worker keeps, and the client remembers (the same ones: the latest). */
export const keptFits = 4;

export const newState = (): WorkerState => ({
  bars: null,
  fits: new Map(),
  series: new RuleSeriesCache(),
  ahead: [],
  timer: null,
  prefetch: null,
});

/**
 * Computes one request; the worker and the main-thread fallback share it. The fallback answers a
 * series request with null (`series` false): the page's sliced recompute serves the main thread better.
 */
export function handle(
  request: WorkerRequest,
  state: WorkerState,
  reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void,
  series = true,
): void {
  try {
    if (request.type === "fit") {
      const {options, id} = request;
      const {a: newA, b: newB} = request;
      if (newA && newB && (newA !== state.bars?.a || newB !== state.bars?.b)) ((state.bars = {a: newA, b: newB}), state.fits.clear());
      if (!state.bars) throw new Error(`fit ${id}: no bars`);
      const {a, b} = state.bars;
      const hedge = hedgeRatio(a, b, {method: options.method as Hedge["method"], log: options.log});
      reply({id, part: "hedge", value: hedge});
      if (request.series) {
        const {rule, time} = request.series;
        const value = series ? ruleSeries(time, a, b, {...rule, hedge: rule.dynamic ? null : hedge}) : null;
        reply({id, part: "series", value}, value ? ruleSeriesTransfer(value) : []);
      }
      const fit = pairFit(a, b, {log: options.log, method: options.method});
      const rows = hedgeRows(fit, options.rollingWindow);
      state.fits.set(id, {fit, rows});
      // The few latest (the page's methods switched back and forth); older ones free their series.
      for (const old of state.fits.keys()) if (state.fits.size > keptFits) state.fits.delete(old);
      const {a: _a, b: _b, spread: _s, ...numbers} = fit;
      const summary: FitSummary = {...numbers, id, rows: rows.map(({spread: _x, betaSeries: _y, ...row}) => row)};
      reply({id, part: "fit", value: summary});
    } else if (request.type === "rule") {
      const current = state.fits.get(request.fitId);
      if (!current) throw new Error(`fit ${request.fitId} is no longer current`);
      const report = reportOf(current.fit, pairRule(current.fit, request.options));
      reply({
        id: request.id,
        part: "rule",
        value: {report, sharpes: hedgeSharpes(current.rows, current.fit, request.options)} satisfies RuleResult,
      });
    } else handleSeries(request, state, reply, series);
  } catch (error) {
    reply({id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error)});
  }
}

/**
 * A series request: the rule's series over the rows held (kept, else computed now), their buffers
 * moved to the page; a prefetch: the rules' series computed one per task after its delay, replacing the
 * rules of an earlier prefetch not yet done, and each sent to the page as soon as it is computed
 * ("ahead"): a switch to it then waits for no round trip through this worker (~40 ms of the switch on a
 * 2-core machine, behind the worker's queue and the page's frame).
 */
function handleSeries(
  request: Extract<WorkerRequest, {type: "series" | "prefetch"}>,
  state: WorkerState,
  reply: (r: WorkerReply, transfer?: ArrayBuffer[]) => void,
  compute: boolean,
): void {
  if (!compute) return void (request.type === "series" && reply({id: request.id, part: "series", value: null}));
  if (request.rows) state.series.setRows(request.rows);
  const rows = state.series.current;
  if (!rows) throw new Error(`series ${request.id}: no rows`);
  if (request.type === "prefetch") {
    state.ahead = [...request.rules];
    state.prefetch = {id: request.id, reply};
    // After `delayMs`: a slider dragged sends a prefetch per step, and only the last one's rules matter.
    if (state.timer !== null) clearTimeout(state.timer);
    return void (state.timer = setTimeout(() => drain(state), request.delayMs));
  }
  // Its buffers move to the page: computed again by the page's next prefetch, if it names the rule.
  const value = withRows(state.series.take(request.rule), rows);
  reply({id: request.id, part: "series", value}, ruleSeriesTransfer(value));
}

/**
 * Computes the next prefetched rule's series and sends them to the page, then the others each in a
 * task of its own, so requests in between go first.
 */
function drain(state: WorkerState): void {
  state.timer = null;
  const rule = state.ahead.shift(),
    rows = state.series.current,
    to = state.prefetch;
  if (!rule || !rows || !to) return;
  try {
    const value = withRows(state.series.take(rule), rows);
    to.reply({id: to.id, part: "ahead", value}, ruleSeriesTransfer(value));
  } catch {
    // A rule the rows cannot take: a request for it reports the error.
  }
  if (state.ahead.length > 0) state.timer = setTimeout(() => drain(state), 0);
}
