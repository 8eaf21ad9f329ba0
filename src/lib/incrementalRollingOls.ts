/** Everything an IncrementalRollingOls carries from one bar to the next, for `restore`. */
export interface RollingOlsState {
  readonly length: number;
  readonly scalars: Float64Array;
}

/**
 * `rollingOls` one bar at a time: `push(a, b)` takes bar `length` (the caller keeps the series whole:
 * the bar leaving the window is read back) and sets `alpha`, `beta` and `rSquared` of the window ending
 * there (NaN for the first window − 1 bars and for constant b). The windowed sums are `windowMoments`'
 * (about a shift point reset every `window` bars, then recomputed), and `rollingOls` runs this very
 * code, so the two are equal bit for bit. O(1) amortised per bar.
 *
 *   const r = new IncrementalRollingOls(60);
 *   for (let t = 0; t < n; ++t) r.push(eth, btc), (beta[t] = r.beta);
 */
export class IncrementalRollingOls {
  /** Bars taken so far. */
  length = 0;
  alpha = NaN;
  beta = NaN;
  rSquared = NaN;
  private ka = 0;
  private kb = 0;
  private sa = 0;
  private sb = 0;
  private saa = 0;
  private sbb = 0;
  private sab = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 3) throw new RangeError(`rollingOls: invalid window ${window} (expected an integer ≥ 3)`);
  }

  /** Takes bar `length` of a and b. O(1) amortised (O(window) once every window bars). */
  push(a: ArrayLike<number>, b: ArrayLike<number>): void {
    const t = this.length,
      w = this.window;
    this.length = t + 1;
    this.alpha = this.beta = this.rSquared = NaN;
    if (t < w - 1) return;
    const start = t - w + 1;
    if (start % w === 0) {
      ((this.ka = a[start]), (this.kb = b[start]), (this.sa = this.sb = this.saa = this.sbb = this.sab = 0));
      for (let i = start; i <= t; ++i) this.add(a, b, i, 1);
    } else (this.add(a, b, t, 1), this.add(a, b, start - 1, -1));
    const {sa, sb} = this;
    const vaa = this.saa - (sa * sa) / w,
      vbb = this.sbb - (sb * sb) / w,
      vab = this.sab - (sa * sb) / w;
    if (!(vbb > 0)) return;
    const bt = vab / vbb;
    this.beta = bt;
    this.alpha = this.ka + sa / w - bt * (this.kb + sb / w);
    this.rSquared = vaa > 0 ? (vab * vab) / (vbb * vaa) : NaN;
  }

  /** The state after the last bar. O(1). */
  save(): RollingOlsState {
    const {alpha, beta, rSquared, ka, kb, sa, sb, saa, sbb, sab} = this;
    return {length: this.length, scalars: Float64Array.of(alpha, beta, rSquared, ka, kb, sa, sb, saa, sbb, sab)};
  }

  /** Returns to a state `save` gave. O(1). */
  restore(s: RollingOlsState): void {
    const v = s.scalars;
    this.length = s.length;
    ((this.alpha = v[0]), (this.beta = v[1]), (this.rSquared = v[2]), (this.ka = v[3]), (this.kb = v[4]));
    ((this.sa = v[5]), (this.sb = v[6]), (this.saa = v[7]), (this.sbb = v[8]), (this.sab = v[9]));
  }

  // windowMoments' `add`, with the same operations in the same order.
  private add(a: ArrayLike<number>, b: ArrayLike<number>, i: number, sign: number): void {
    const da = a[i] - this.ka,
      db = b[i] - this.kb;
    ((this.sa += sign * da),
      (this.sb += sign * db),
      (this.saa += sign * da * da),
      (this.sbb += sign * db * db),
      (this.sab += sign * da * db));
  }
}
