/** Everything an IncrementalCorrelation carries from one pair of values to the next, for `restore`. */
export interface CorrelationState {
  readonly length: number;
  readonly sums: readonly number[];
  readonly value: number;
}

/**
 * `rollingCorrelation` over growing series, one pair of values at a time: `push(a, b)` takes values
 * `length` of a and b (kept whole by the caller: the values leaving the window, and every `window`
 * steps the whole window, are read back) and sets `value`, with the batch function's arithmetic
 * (sums about the window's first point, refreshed every `window` steps), so they are equal bit for
 * bit. `save` and `restore` return to an earlier pair. RangeError for a window below 2. O(1)
 * amortized per pair (O(window) on a refresh).
 *
 *   const rc = new IncrementalCorrelation(60);
 *   for (let t = 0; t < n; ++t) rc.push(retA, retB), (corr[t] = rc.value);
 */
export class IncrementalCorrelation {
  /** Pairs taken so far. */
  length = 0;
  /** Correlation of the last window (NaN while warming up or when a window is constant). */
  value = NaN;
  private ka = 0;
  private kb = 0;
  private sa = 0;
  private sb = 0;
  private saa = 0;
  private sbb = 0;
  private sab = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 2)
      throw new RangeError(`IncrementalCorrelation: invalid window ${window} (expected an integer ≥ 2)`);
  }

  /** Takes a[length] and b[length]. O(1) amortized. */
  push(a: ArrayLike<number>, b: ArrayLike<number>): void {
    const t = this.length,
      window = this.window;
    if (!(t < a.length && t < b.length))
      throw new RangeError(`IncrementalCorrelation.push: no value ${t} (the series have ${a.length} and ${b.length})`);
    this.length = t + 1;
    this.value = NaN;
    if (t < window - 1) return;
    const start = t - window + 1;
    if (start % window === 0) {
      ((this.ka = a[start]), (this.kb = b[start]), (this.sa = this.sb = this.saa = this.sbb = this.sab = 0));
      for (let i = start; i <= t; ++i) this.add(a, b, i, 1);
    } else (this.add(a, b, t, 1), this.add(a, b, start - 1, -1));
    const {sa, sb, saa, sbb, sab} = this;
    const vaa = saa - (sa * sa) / window,
      vbb = sbb - (sb * sb) / window,
      vab = sab - (sa * sb) / window;
    const scale = 1e-12 * (saa + sbb);
    if (vaa > scale && vbb > scale) this.value = Math.max(-1, Math.min(1, vab / Math.sqrt(vaa * vbb)));
  }

  private add(a: ArrayLike<number>, b: ArrayLike<number>, i: number, sign: number): void {
    const da = a[i] - this.ka,
      db = b[i] - this.kb;
    ((this.sa += sign * da),
      (this.sb += sign * db),
      (this.saa += sign * da * da),
      (this.sbb += sign * db * db),
      (this.sab += sign * da * db));
  }

  save(): CorrelationState {
    return {length: this.length, sums: [this.ka, this.kb, this.sa, this.sb, this.saa, this.sbb, this.sab], value: this.value};
  }

  /** Returns to a state `save` gave; the series must still hold the values before it. */
  restore(s: CorrelationState): void {
    ((this.length = s.length), (this.value = s.value));
    [this.ka, this.kb, this.sa, this.sb, this.saa, this.sbb, this.sab] = s.sums;
  }
}
