// Min/max decimation for line charts: per pixel column, the first, lowest, highest and last points in
// time order, so a 86,400-point series draws as ~4 points per pixel and no excursion is lost (a
// stride would drop a one-bar z-score spike).

export interface Decimated {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Decimates (x, y) sorted by x into at most ~4·pixels points. NaN values of y are kept as a single NaN
 * (so a line breaks there). O(n).
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, pixels: number): Decimated {
  const n = x.length,
    cols = Math.max(1, Math.floor(pixels));
  if (n <= 4 * cols) return {x: Float64Array.from(x), y: Float64Array.from(y)};
  // The data's extent split evenly into `cols` columns, as index boundaries.
  const x0 = x[0],
    span = x[n - 1] - x0 || 1,
    starts: number[] = [];
  let col = -1;
  for (let i = 0; i < n; ++i) {
    const c = Math.min(cols - 1, Math.floor(((x[i] - x0) / span) * cols));
    if (c !== col) (starts.push(i), (col = c));
  }
  starts.push(n);
  return decimateColumns(x, y, Int32Array.from(starts));
}

/**
 * Pixel columns of an axis, as index boundaries: row i is in column floor((x[i] − x0)·perUnit), for
 * the rows `from` … `to` − 1. Unlike `decimate`'s columns (the data's extent split evenly) they stay
 * put while rows are appended, so a chart can redraw only its last columns, and a zoomed chart
 * decimate only the rows it shows (`visibleRows`). O(to − from).
 */
export function axisColumns(x: ArrayLike<number>, x0: number, perUnit: number, from = 0, to = x.length): Int32Array {
  const n = Math.min(to, x.length),
    starts: number[] = [];
  let col = NaN;
  for (let i = from; i < n; ++i) {
    const c = Math.floor((x[i] - x0) * perUnit);
    if (c !== col) (starts.push(i), (col = c));
  }
  starts.push(n);
  return Int32Array.from(starts);
}

/**
 * The rows of x (sorted ascending) a chart showing times [from, to] draws: those inside, and one on
 * each side so the line runs on to the plot's edges. Two binary searches: O(log n).
 * visibleRows([1, 2, 3, 4, 5], 2.5, 3.5) → [1, 4] (rows 1 … 3).
 */
export function visibleRows(x: ArrayLike<number>, from: number, to: number): [number, number] {
  const lo = firstRow(x, (v) => v >= from),
    hi = firstRow(x, (v) => v > to);
  return [Math.max(0, lo - 1), Math.min(x.length, hi + 1)];
}

/** The first row whose x passes `test` (false up to some row, true from it on), or x.length. */
function firstRow(x: ArrayLike<number>, test: (v: number) => boolean): number {
  let lo = 0,
    hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(x[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The picks of one column (`scanColumn`): first, min, max and last non-NaN rows (−1: none), and 1 if a NaN is among them. */
const picks = new Int32Array(5);

/**
 * Scans y[start … end) into `picks`. A function of its own, called once per column, for speed: V8
 * optimizes it after a few columns of the first series, with the feedback of every branch. As one loop
 * inside `decimateColumns` the scan ran on-stack-replaced code that deoptimized at the first NaN or at
 * the function's end, call after call: 3–7 ms a series at 86,400 rows instead of ~0.3 ms, on every hedge
 * switch's new series (bench/notebook.ts).
 */
function scanColumn(y: ArrayLike<number>, start: number, end: number): void {
  let iFirst = -1,
    iMin = -1,
    iMax = -1,
    iLast = -1,
    nan = 0,
    lo = 0,
    hi = 0;
  for (let i = start; i < end; ++i) {
    const v = y[i];
    if (v !== v) {
      nan = 1;
      continue;
    }
    // lo ≤ hi: a value below lo is not above hi. Strict: the first of equal extremes.
    if (iFirst < 0) ((iFirst = iMin = iMax = i), (lo = hi = v));
    else if (v < lo) ((lo = v), (iMin = i));
    else if (v > hi) ((hi = v), (iMax = i));
    iLast = i;
  }
  ((picks[0] = iFirst), (picks[1] = iMin), (picks[2] = iMax), (picks[3] = iLast), (picks[4] = nan));
}

/**
 * Min/max decimation over given pixel columns (index boundaries: column c holds rows starts[c] …
 * starts[c + 1] − 1, as `axisColumns` makes them). O(n).
 */
export function decimateColumns(x: ArrayLike<number>, y: ArrayLike<number>, starts: Int32Array): Decimated {
  const cap = 5 * (starts.length - 1),
    ox = new Float64Array(cap),
    oy = new Float64Array(cap);
  let m = 0;
  for (let c = 0; c + 1 < starts.length; ++c) {
    scanColumn(y, starts[c], starts[c + 1]);
    const iFirst = picks[0],
      iLast = picks[3],
      sawNaN = picks[4] === 1;
    if (iFirst < 0) {
      if (sawNaN) ((ox[m] = m ? ox[m - 1] : x[starts[0]]), (oy[m++] = NaN));
      continue;
    }
    // The picks in time order, each once (iFirst ≤ lo ≤ hi ≤ iLast).
    const lo = Math.min(picks[1], picks[2]),
      hi = Math.max(picks[1], picks[2]);
    ((ox[m] = x[iFirst]), (oy[m++] = y[iFirst]));
    if (lo !== iFirst) ((ox[m] = x[lo]), (oy[m++] = y[lo]));
    if (hi !== lo) ((ox[m] = x[hi]), (oy[m++] = y[hi]));
    if (iLast !== hi) ((ox[m] = x[iLast]), (oy[m++] = y[iLast]));
    if (sawNaN) ((ox[m] = x[iLast]), (oy[m++] = NaN));
  }
  return {x: ox.subarray(0, m), y: oy.subarray(0, m)};
}
