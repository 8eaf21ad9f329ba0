/** Everything an IncrementalZScore carries from one value to the next, for `restore`. */
export interface ZScoreState {
  readonly length: number;
  readonly sum: number;
  readonly welfordMean: number;
  readonly m2: number;
  readonly mean: number;
  readonly std: number;
  readonly z: number;
}

/**
 * `rollingMean`, `rollingStd` and `rollingZScore` over a growing series, one value at a time:
 * `push(x)` takes value `length` of x (the caller keeps the series whole: the value leaving the
 * window is read back from it) and sets `mean`, `std` and `z` of that value with the batch functions'
 * arithmetic, so they are equal bit for bit. `save` and `restore` return to an earlier value (a
 * replaced last bar). RangeError for a window below 2. O(1) per value.
 *
 *   const zs = new IncrementalZScore(60);
 *   for (let i = 0; i < spread.length; ++i) zs.push(spread), (z[i] = zs.z);
 */
export class IncrementalZScore {
  /** Values taken so far. */
  length = 0;
  /** Of the last value: trailing mean, sample standard deviation and z-score (NaN while warming up). */
  mean = NaN;
  std = NaN;
  z = NaN;
  private sum = 0;
  private welfordMean = 0;
  private m2 = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 2)
      throw new RangeError(`IncrementalZScore: invalid window ${window} (expected an integer ≥ 2)`);
  }

  /** Takes x[length]. O(1). */
  push(x: ArrayLike<number>): void {
    const i = this.length,
      w = this.window,
      v = x[i];
    if (!(i < x.length)) throw new RangeError(`IncrementalZScore.push: no value ${i} (the series has ${x.length})`);
    this.sum += v;
    if (i >= w) this.sum -= x[i - w];
    if (i < w) {
      const d = v - this.welfordMean;
      this.welfordMean += d / (i + 1);
      this.m2 += d * (v - this.welfordMean);
    } else {
      const out = x[i - w],
        oldMean = this.welfordMean;
      this.welfordMean += (v - out) / w;
      this.m2 += (v - out) * (v - this.welfordMean + out - oldMean);
    }
    const warm = i >= w - 1;
    this.mean = warm ? this.sum / w : NaN;
    this.std = warm ? Math.sqrt(Math.max(0, this.m2) / (w - 1)) : NaN;
    this.z = this.std > 0 ? (v - this.mean) / this.std : NaN;
    this.length = i + 1;
  }

  save(): ZScoreState {
    return {length: this.length, sum: this.sum, welfordMean: this.welfordMean, m2: this.m2, mean: this.mean, std: this.std, z: this.z};
  }

  /** Returns to a state `save` gave; the series must still hold the values before it. */
  restore(s: ZScoreState): void {
    ((this.length = s.length),
      (this.sum = s.sum),
      (this.welfordMean = s.welfordMean),
      (this.m2 = s.m2),
      (this.mean = s.mean),
      (this.std = s.std),
      (this.z = s.z));
  }
}
