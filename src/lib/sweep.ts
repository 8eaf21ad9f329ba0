import {type BacktestMetrics, type BacktestOptions, backtestOptions, simulate} from "./backtest.js";
import {rollingZScore} from "./rolling.js";
import {spread} from "./spread.js";

export interface SweepOptions extends Omit<BacktestOptions, "entry" | "exit" | "beta"> {
  readonly entries: readonly number[];
  readonly exits: readonly number[];
  /** z-score windows (bars). */
  readonly windows: readonly number[];
  readonly beta: number;
  readonly alpha?: number;
}

export interface SweepCell extends BacktestMetrics {
  readonly window: number;
  readonly entry: number;
  readonly exit: number;
}

/**
 * Parameter sweep of `backtest` over entry × exit × window for a static hedge: the spread is built
 * once and its rolling z-score once per window, then every (entry, exit) pair with exit < entry runs
 * the allocation-free simulation. Cells in window-major, then entry, then exit order.
 * O(windows·n + windows·entries·exits·n).
 *
 *   sweep(eth, btc, {beta, entries: [1.5, 2, 2.5], exits: [0, 0.5], windows: [60, 240]})
 */
export function sweep(a: ArrayLike<number>, b: ArrayLike<number>, options: SweepOptions): readonly SweepCell[] {
  const {entries, exits, windows, beta, alpha = 0} = options;
  if (entries.length === 0 || exits.length === 0 || windows.length === 0)
    throw new RangeError("sweep: entries, exits and windows must be non-empty");
  const s = spread(a, b, {alpha, beta});
  const cells: SweepCell[] = [];
  for (const window of windows) {
    const z = rollingZScore(s, window);
    for (const entry of entries) {
      for (const exit of exits) {
        if (!(exit < entry)) continue;
        const o = backtestOptions({...options, entry, exit, beta});
        cells.push({window, entry, exit, ...simulate(a, b, z, o, null, null, null)});
      }
    }
  }
  return cells;
}
