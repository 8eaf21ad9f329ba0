// What the pair report draws between two refits: the current bars (snapshot + live) under the hedge of
// the latest fit, and the helpers the pages share (bar length, returns, CSV of the analysed bars).
import {logPrices} from "../hedgeRatio.js";
import type {PairView} from "./pairView.js";

export interface HedgedSeries {
  time: Float64Array;
  /** Prices as analysed (logs with `log`). */
  a: Float64Array;
  b: Float64Array;
  spread: Float64Array;
}

/** The spread a − β·b − α of the view's (log) prices under a fixed hedge. O(n). */
export function hedgedSeries(view: Pick<PairView, "time" | "a" | "b">, hedge: {alpha: number; beta: number}, log: boolean): HedgedSeries {
  const a = log ? logPrices(view.a, "a") : view.a,
    b = log ? logPrices(view.b, "b") : view.b;
  const spread = new Float64Array(a.length);
  for (let i = 0; i < a.length; ++i) spread[i] = a[i] - hedge.beta * b[i] - hedge.alpha;
  return {time: view.time, a, b, spread};
}

/**
 * Bar length used to annualise the backtest: the mean spacing of the rows, as `pairbook analyze`
 * derives it from a CSV's time column (rows left out for gaps make it longer than the interval).
 */
export function barMsOf(time: ArrayLike<number>): number {
  const n = time.length;
  return n > 1 ? Math.max(1, (time[n - 1] - time[0]) / (n - 1)) : 1000;
}

/** Simple returns of a price series (first value NaN). O(n). */
export function returns(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  out[0] = NaN;
  for (let i = 1; i < x.length; ++i) out[i] = x[i] / x[i - 1] - 1;
  return out;
}

/** CSV of aligned closes with a time column in ms: the input `pairbook analyze --csv` takes. */
export function closesCsv(time: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, names: [string, string]): string {
  const lines = [`time,${names[0]},${names[1]}`];
  // String(number) round-trips a double exactly, so analyze reads the very same values.
  for (let i = 0; i < time.length; ++i) lines.push(`${time[i]},${a[i]},${b[i]}`);
  return `${lines.join("\n")}\n`;
}
