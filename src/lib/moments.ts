// The centred sums of two equally long series that OLS, TLS and Pearson's r all start from.

export interface Moments {
  readonly n: number;
  /** Means of a and b. */
  readonly ma: number;
  readonly mb: number;
  /** Σ(a − ā)², Σ(b − b̄)², Σ(a − ā)(b − b̄): two passes, so price-sized inputs do not cancel. */
  readonly saa: number;
  readonly sbb: number;
  readonly sab: number;
}

/** Means and centred sums of squares and products of a and b. Throws RangeError (naming `caller`) on a length mismatch. O(n). */
export function centredMoments(a: ArrayLike<number>, b: ArrayLike<number>, caller: string): Moments {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`${caller}: a and b differ in length (${n} vs ${b.length})`);
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; ++i) ((ma += a[i]), (mb += b[i]));
  ((ma /= n), (mb /= n));
  let saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = 0; i < n; ++i) {
    const da = a[i] - ma,
      db = b[i] - mb;
    ((saa += da * da), (sbb += db * db), (sab += da * db));
  }
  return {n, ma, mb, saa, sbb, sab};
}

/** One trailing window's sums, as `windowMoments` hands them over (reused from window to window). */
export interface WindowMoments {
  /** The shift point: a and b at the first point of the window in which the sums were last reset. */
  ka: number;
  kb: number;
  /** Σ(a − ka), Σ(b − kb), Σ(a − ka)², Σ(b − kb)² over the window. */
  sa: number;
  sb: number;
  saa: number;
  sbb: number;
  /** Centred sums Σ(a − ā)², Σ(b − b̄)², Σ(a − ā)(b − b̄) over the window. */
  vaa: number;
  vbb: number;
  vab: number;
}

/**
 * Calls `visit(t, moments)` for each trailing window of `window` points ending at t = window − 1 … n − 1,
 * in order: the windowed sums that rolling OLS and rolling correlation start from. Sums are taken about
 * a shift point refreshed every `window` steps (and then recomputed), so price-sized inputs do not
 * cancel. The caller checks lengths and window. O(n).
 *
 *   windowMoments(eth, btc, 60, (t, m) => (beta[t] = m.vab / m.vbb))
 */
export function windowMoments(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  window: number,
  visit: (t: number, moments: Readonly<WindowMoments>) => void,
): void {
  const n = a.length;
  let ka = 0,
    kb = 0,
    sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  const add = (i: number, sign: number) => {
    const da = a[i] - ka,
      db = b[i] - kb;
    ((sa += sign * da), (sb += sign * db), (saa += sign * da * da), (sbb += sign * db * db), (sab += sign * da * db));
  };
  const moments: WindowMoments = {ka, kb, sa, sb, saa, sbb, vaa: 0, vbb: 0, vab: 0};
  for (let t = window - 1; t < n; ++t) {
    const start = t - window + 1;
    if (start % window === 0) {
      ((ka = a[start]), (kb = b[start]), (sa = sb = saa = sbb = sab = 0));
      for (let i = start; i <= t; ++i) add(i, 1);
    } else (add(t, 1), add(start - 1, -1));
    ((moments.ka = ka), (moments.kb = kb), (moments.sa = sa), (moments.sb = sb), (moments.saa = saa), (moments.sbb = sbb));
    moments.vaa = saa - (sa * sa) / window;
    moments.vbb = sbb - (sb * sb) / window;
    moments.vab = sab - (sa * sb) / window;
    visit(t, moments);
  }
}
