// The backtest lab: parameter sweeps on the in-sample part of a pair (hedge fitted there), and the
// chosen parameters' backtest on the out-of-sample rest with the in-sample hedge.
import {backtest, type BacktestResult} from "../backtest.js";
import {logPrices} from "../hedgeRatio.js";
import {ols} from "../ols.js";
import {rollingZScore} from "../rolling.js";
import {spread} from "../spread.js";
import {type SweepCell, sweep} from "../sweep.js";

export const entryGrid = [1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3];
export const exitGrid = [-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];
export const windowGrid = [20, 40, 60, 120, 240, 480];

export interface LabInput {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  log: boolean;
  /** Share of bars used to fit the hedge and sweep (the rest is out of sample). */
  split: number;
  feeBps: number;
  lag: number;
  barMs: number;
}

export interface LabFit {
  a: Float64Array;
  b: Float64Array;
  /** First out-of-sample bar. */
  cut: number;
  alpha: number;
  beta: number;
}

export function labFit({a, b, log, split}: Pick<LabInput, "a" | "b" | "log" | "split">): LabFit {
  const x = log ? logPrices(a, "a") : Float64Array.from(a),
    y = log ? logPrices(b, "b") : Float64Array.from(b);
  const cut = Math.max(30, Math.min(x.length - 30, Math.round(x.length * split)));
  const fit = ols(x.subarray(0, cut), y.subarray(0, cut));
  return {a: x, b: y, cut, alpha: fit.alpha, beta: fit.beta};
}

/** Entry × exit at one window, and window × entry at one exit, on the in-sample bars. */
export function labSweeps(
  fit: LabFit,
  {window, exit, feeBps, lag, barMs}: {window: number; exit: number; feeBps: number; lag: number; barMs: number},
): {entryExit: readonly SweepCell[]; windowEntry: readonly SweepCell[]} {
  const a = fit.a.subarray(0, fit.cut),
    b = fit.b.subarray(0, fit.cut);
  const common = {beta: fit.beta, alpha: fit.alpha, feeBps, lag, barMs};
  return {
    entryExit: sweep(a, b, {...common, entries: entryGrid, exits: exitGrid, windows: [window]}),
    windowEntry: sweep(a, b, {...common, entries: entryGrid.filter((e) => e > exit), exits: [exit], windows: windowGrid}),
  };
}

export interface OutOfSample {
  inSample: BacktestResult;
  outOfSample: BacktestResult;
  /** z-score over all bars (the window runs across the cut, so the test starts warm). */
  z: Float64Array;
}

/** The rule with fixed parameters on both parts, with the in-sample hedge. O(n). */
export function outOfSample(
  fit: LabFit,
  {window, entry, exit, feeBps, lag, barMs}: {window: number; entry: number; exit: number; feeBps: number; lag: number; barMs: number},
): OutOfSample {
  const z = rollingZScore(spread(fit.a, fit.b, {alpha: fit.alpha, beta: fit.beta}), window);
  const part = (lo: number, hi: number) =>
    backtest(fit.a.subarray(lo, hi), fit.b.subarray(lo, hi), z.subarray(lo, hi), {beta: fit.beta, entry, exit, feeBps, lag, barMs});
  return {inSample: part(0, fit.cut), outOfSample: part(fit.cut, fit.a.length), z};
}
