// The rule series of one set of rows under a few rules, kept: the fit worker's answer to a hedge switch.
// Switching the pair report's hedge (Kalman ⇄ rolling OLS ⇄ a fixed one) recomputes every row of the
// spread, z-score and backtest (~50–150 ms at 86,400 rows); computed here ahead of the switch, a switch
// only moves buffers (`take`, then `withRows`, transferred with `ruleSeriesTransfer`). Copying them instead
// (~20 MB of new buffers) cost 15–80 ms per switch on a loaded machine: a series sent is computed again.
import {ruleKeyOf} from "./pairStream.js";
import {type RuleSeries, ruleSeries} from "./ruleSeries.js";
import type {StreamRule} from "./streamRule.js";

/** The rows the series are computed over. */
export interface SeriesRows {
  readonly time: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
}

/**
 * The series of `rows` under the latest rules asked for (at most `keep`, the least recently used
 * dropped), computed on first use. New rows (`setRows` with other arrays) drop them all.
 *
 *   cache.setRows(rows);  const s = withRows(cache.take(rule), rows);  postMessage(s, ruleSeriesTransfer(s));
 */
export class RuleSeriesCache {
  private rows: SeriesRows | null = null;
  private readonly series = new Map<string, RuleSeries>();

  constructor(private readonly keep = 3) {}

  /** The rows held (null before `setRows`). */
  get current(): SeriesRows | null {
    return this.rows;
  }

  /** Takes new rows; the same arrays again keep the series computed. */
  setRows(rows: SeriesRows): void {
    const r = this.rows;
    if (r && r.time === rows.time && r.a === rows.a && r.b === rows.b) return;
    this.rows = rows;
    this.series.clear();
  }

  /** Whether the series of `rule` are held. */
  has(rule: StreamRule): boolean {
    return this.series.has(ruleKeyOf(rule));
  }

  /** The series of `rule` over the rows (held, or computed and held). RangeError before `setRows`. */
  get(rule: StreamRule): RuleSeries {
    const rows = this.rows;
    if (!rows) throw new RangeError("RuleSeriesCache.get: no rows");
    const key = ruleKeyOf(rule);
    let s = this.series.get(key);
    if (s) this.series.delete(key);
    else s = ruleSeries(rule.funding ? rows.time : null, rows.a, rows.b, rule);
    this.series.set(key, s); // the most recently used last
    for (const old of this.series.keys()) if (this.series.size > this.keep) this.series.delete(old);
    return s;
  }

  /** The series of `rule` as `get`, no longer held (for buffers that move away). */
  take(rule: StreamRule): RuleSeries {
    const s = this.get(rule);
    this.series.delete(ruleKeyOf(rule));
    return s;
  }
}

/**
 * `s` with copies of the rows' time, a and b as columns of its capacity too, so the receiving PairStream
 * takes every column as it is (no copy on its side) when its rows are these rows.
 */
export function withRows(s: RuleSeries, rows: SeriesRows): RuleSeries {
  const columns: RuleSeries["columns"] = {...s.columns};
  for (const name of ["time", "a", "b"] as const) {
    const x = new Float64Array(s.capacity);
    x.set(rows[name].subarray(0, s.rows));
    columns[name] = x;
  }
  return {...s, columns};
}
