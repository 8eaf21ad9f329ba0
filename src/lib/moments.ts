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
