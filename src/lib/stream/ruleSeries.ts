// The rule's series over a view's rows computed away from the page (the fit worker, on every refit),
// and handed to the page's PairStream, which takes them as they are: the main thread only swaps the
// columns in (`PairStream.update(…, given)`), and goes on from the state they end in.
import {type RowColumn, rowColumns, StreamColumns} from "./streamColumns.js";
import {type RuleSnapshot, type StreamRule, StreamRuleStage} from "./streamRule.js";
import {stampWritten} from "./writeStamps.js";

/** The series of `rule` over rows (time, a, b): every derived column, and the state after the last row. */
export interface RuleSeries {
  readonly rule: StreamRule;
  /** Rows computed. */
  readonly rows: number;
  /** Rows each column's buffer holds (room for live rows after `rows`). */
  readonly capacity: number;
  /** The derived columns (every one but time, a and b), `capacity` long. */
  readonly columns: Partial<Record<RowColumn, Float64Array>>;
  readonly state: RuleSnapshot;
}

/**
 * Checkpoints sent with the series: enough for the live rows replaced while they travel, few enough
 * that the page's copy of them stays cheap (each is a few small typed arrays; all 512 made that copy
 * most of a refit's main-thread time in bench/notebookProfile.ts).
 */
const sentCheckpoints = 64;

/** The columns the rows are computed from; the others are derived. */
const given = new Set<RowColumn>(["time", "a", "b"]);

/**
 * Runs `rule` over the rows (time, a, b; `time` is read only for funding, null: zeros) with the very
 * stages a `PairStream` runs (./streamRule.ts), so the columns equal the stream's bit for bit. O(n).
 *
 *   const s = ruleSeries(view.time, view.a, view.b, rule);   postMessage(s, ruleSeriesTransfer(s));
 */
export function ruleSeries(time: ArrayLike<number> | null, a: ArrayLike<number>, b: ArrayLike<number>, rule: StreamRule): RuleSeries {
  const n = a.length;
  if (b.length !== n || (time && time.length !== n))
    throw new RangeError(`ruleSeries: rows of unequal lengths (${time ? time.length : "-"}, ${n}, ${b.length})`);
  // Headroom for the live rows that come before the next refit, as StreamColumns grows.
  const capacity = Math.ceil(n * 1.25) + 1024,
    rows = new StreamColumns(capacity);
  if (time) rows.data.time.set(time);
  (rows.data.a.set(a), rows.data.b.set(b));
  stampWritten(rows.data.time, rows.data.a, rows.data.b);
  rows.length = n;
  const stage = new StreamRuleStage(rows);
  stage.reset(rule);
  stage.run(0);
  const columns: Partial<Record<RowColumn, Float64Array>> = {};
  for (const name of rowColumns) if (!given.has(name)) columns[name] = rows.data[name];
  return {rule, rows: n, capacity, columns, state: stage.snapshot(sentCheckpoints)};
}

/** The buffers of a `RuleSeries` to transfer (not copy) with `postMessage`. */
export function ruleSeriesTransfer(s: RuleSeries): ArrayBuffer[] {
  return Object.values(s.columns).map((x) => x.buffer as ArrayBuffer);
}
