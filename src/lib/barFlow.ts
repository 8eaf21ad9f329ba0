/**
 * Volume-weighted average price from bars (e.g. `BarColumns`): Σ quoteVolume / Σ volume over a trailing window of bars
 * (cumulative from the first bar when `window` is omitted); NaN while no volume has traded. O(n).
 *
 *   vwap(bars, 60)
 */
export function vwap(bars: {readonly volume: ArrayLike<number>; readonly quoteVolume: ArrayLike<number>}, window?: number): Float64Array {
  return ratio(bars.quoteVolume, bars.volume, window, "vwap");
}

/**
 * Taker flow imbalance (buy − sell) / (buy + sell) of base volume, in [−1, 1], per bar or summed over
 * a trailing window; NaN where nothing traded. Taker sells are volume − takerBuyVolume. O(n).
 *
 *   takerImbalance(bars, 10)
 */
export function takerImbalance(
  bars: {readonly volume: ArrayLike<number>; readonly takerBuyVolume: ArrayLike<number>},
  window = 1,
): Float64Array {
  const n = bars.volume.length;
  const net = new Float64Array(n);
  for (let i = 0; i < n; ++i) net[i] = 2 * bars.takerBuyVolume[i] - bars.volume[i];
  return ratio(net, bars.volume, window, "takerImbalance");
}

function ratio(num: ArrayLike<number>, den: ArrayLike<number>, window: number | undefined, name: string): Float64Array {
  const n = den.length;
  if (num.length !== n) throw new RangeError(`${name}: columns differ in length (${num.length} vs ${n})`);
  if (window !== undefined && (!Number.isInteger(window) || window < 1))
    throw new RangeError(`${name}: invalid window ${window} (expected an integer ≥ 1)`);
  const out = new Float64Array(n);
  let sn = 0,
    sd = 0;
  for (let i = 0; i < n; ++i) {
    ((sn += num[i]), (sd += den[i]));
    if (window !== undefined && i >= window) ((sn -= num[i - window]), (sd -= den[i - window]));
    // Recompute exactly every 4096 bars so the running sums cannot drift.
    if (window !== undefined && i % 4096 === 4095) {
      sn = sd = 0;
      for (let j = Math.max(0, i - window + 1); j <= i; ++j) ((sn += num[j]), (sd += den[j]));
    }
    out[i] = sd > 0 ? sn / sd : NaN;
  }
  return out;
}
