// The rule's current signal on a pair: the last bar's spread and z, the position the backtest holds
// after it (with the bar its entry filled at) and how far z is from the rule's next decision.
import type {BacktestTrade} from "./backtest.js";

/** The rule's thresholds, as the backtest takes them (stop: none when undefined or Infinity). */
export interface SignalRule {
  readonly entry: number;
  readonly exit: number;
  readonly stop?: number;
}

/** A threshold z is heading for and the z units left to it (≤ 0: crossed, the order not filled yet). */
export interface SignalStep {
  readonly kind: "entry long" | "entry short" | "exit" | "stop";
  /** The z value at which the rule acts. */
  readonly level: number;
  readonly distance: number;
}

export interface PairSignal {
  /** Row of the last bar, its start time, spread and z (NaN while the z window fills). */
  readonly bar: number;
  readonly time: number;
  readonly spread: number;
  readonly z: number;
  /** Held after the last bar's close, as the backtest holds it: +1 long spread, −1 short spread, 0 flat. */
  readonly position: 1 | -1 | 0;
  /** Bar and time at which the open position's entry filled; null when flat. */
  readonly entryBar: number | null;
  readonly entryTime: number | null;
  /** The thresholds that apply to the position, nearest first (flat: both entries; open: exit and stop). */
  readonly steps: readonly SignalStep[];
}

/**
 * The signal after the last of `time`/`spread`/`z`, with `trades` the backtest's trade list on those
 * rows (oldest first, the last one open when its exit is null: `backtest(...).tradeList`). Distances
 * are in z units, measured the way the rule decides (IncrementalBacktest): flat, it enters short when
 * z > entry and long when z < −entry; long, it exits when z ≥ −exit and stops when z ≤ −stop; short,
 * it exits when z ≤ exit and stops when z ≥ stop. NaN distances while z is NaN; null with no rows.
 * O(1).
 *
 *   pairSignal({time, spread, z}, bt.tradeList, {entry: 2, exit: 0}).position // 1, -1 or 0
 */
export function pairSignal(
  series: {readonly time: ArrayLike<number>; readonly spread: ArrayLike<number>; readonly z: ArrayLike<number>},
  trades: readonly BacktestTrade[],
  rule: SignalRule,
): PairSignal | null {
  const n = series.time.length;
  if (series.spread.length !== n || series.z.length !== n)
    throw new RangeError(`pairSignal: time, spread and z differ in length (${n}, ${series.spread.length}, ${series.z.length})`);
  if (n === 0) return null;
  const last = trades[trades.length - 1];
  const open = last && last.exitBar === null ? last : null;
  if (open && !(open.entryBar >= 0 && open.entryBar < n))
    throw new RangeError(`pairSignal: the open trade's entry bar ${open.entryBar} is not a row (${n} rows)`);
  const z = series.z[n - 1],
    stop = rule.stop ?? Infinity;
  const steps: SignalStep[] = [];
  if (!open) {
    steps.push({kind: "entry short", level: rule.entry, distance: rule.entry - z});
    steps.push({kind: "entry long", level: -rule.entry, distance: z + rule.entry});
  } else if (open.side > 0) {
    steps.push({kind: "exit", level: -rule.exit, distance: -rule.exit - z});
    if (Number.isFinite(stop)) steps.push({kind: "stop", level: -stop, distance: z + stop});
  } else {
    steps.push({kind: "exit", level: rule.exit, distance: z - rule.exit});
    if (Number.isFinite(stop)) steps.push({kind: "stop", level: stop, distance: stop - z});
  }
  steps.sort((p, q) => p.distance - q.distance);
  return {
    bar: n - 1,
    time: series.time[n - 1],
    spread: series.spread[n - 1],
    z,
    position: open ? open.side : 0,
    entryBar: open ? open.entryBar : null,
    entryTime: open ? series.time[open.entryBar] : null,
    steps,
  };
}
