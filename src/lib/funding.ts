// Funding of perpetual futures legs in a backtest: at each funding time a position of q units pays
// q × mark × rate (a long pays a positive rate and receives a negative one; a short the opposite).

/** One funding event of a perpetual: at `time` (ms since the epoch) positions pay `rate` of their notional at `mark`. */
export interface FundingRateEvent {
  readonly time: number;
  readonly rate: number;
  /** Mark price at the funding time; by default the leg's close of the bar before the event's bar. */
  readonly mark?: number;
}

/** The funding schedules of a pair's legs; a leg without one (spot) pays nothing. */
export interface BacktestFunding {
  /**
   * Each bar's open time (ms), ascending, as pairbook's bars carry it. An event at T is charged on the
   * first bar opening at or after T (so `times[t − 1] < T ≤ times[t]`), on the position held entering
   * that bar, i.e. the position after the previous close, the one held at T.
   */
  readonly times: ArrayLike<number>;
  readonly a?: readonly FundingRateEvent[];
  readonly b?: readonly FundingRateEvent[];
  /**
   * Mark every event at 1 instead: for log prices, where a position of one unit is one unit of capital
   * in a (β in b), so a leg pays its capital × rate (default false).
   */
  readonly unitMark?: boolean;
}

/** Validates a funding option once: bar times and event times ascending, rates and marks finite. RangeError otherwise. O(n + m). */
export function fundingOption(funding: BacktestFunding): BacktestFunding {
  const {times} = funding;
  for (let t = 1; t < times.length; ++t)
    if (!(times[t] > times[t - 1])) throw new RangeError(`funding: bar times not ascending at bar ${t} (${times[t - 1]}, ${times[t]})`);
  for (const [leg, events] of [
    ["a", funding.a],
    ["b", funding.b],
  ] as const) {
    if (!events) continue;
    events.forEach((e, i) => {
      if (!Number.isFinite(e.time) || (i > 0 && !(e.time > events[i - 1].time)))
        throw new RangeError(`funding ${leg}: event times not ascending at event ${i} (${e.time})`);
      if (!Number.isFinite(e.rate)) throw new RangeError(`funding ${leg}: invalid rate ${e.rate} at ${e.time}`);
      if (e.mark !== undefined && !Number.isFinite(e.mark)) throw new RangeError(`funding ${leg}: invalid mark ${e.mark} at ${e.time}`);
    });
  }
  return funding;
}

/**
 * Σ mark × rate over the events of one leg charged on bar t (`times[t − 1] < T ≤ times[t]`; none on
 * bar 0, where nothing is held), the mark defaulting to `close[t − 1]` (1 with `unitMark`). A position
 * of q units of the leg pays q times this. O(log m + events on the bar).
 *
 *   fundingOnBar([{time: 8 * 3600e3, rate: 1e-4}], [0, 8 * 3600e3], close, 1, false) // 1e-4 × close[0]
 */
export function fundingOnBar(
  events: readonly FundingRateEvent[],
  times: ArrayLike<number>,
  close: ArrayLike<number>,
  t: number,
  unitMark: boolean,
): number {
  if (t < 1) return 0;
  const after = times[t - 1],
    upTo = times[t];
  let lo = 0,
    hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].time > after) hi = mid;
    else lo = mid + 1;
  }
  let sum = 0;
  for (let i = lo; i < events.length && events[i].time <= upTo; ++i) {
    const e = events[i];
    sum += (unitMark ? 1 : (e.mark ?? close[t - 1])) * e.rate;
  }
  return sum;
}
