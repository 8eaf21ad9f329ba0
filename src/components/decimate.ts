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
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, pixels: number, from = 0, to = x.length): Decimated {
  const n = to - from;
  const cols = Math.max(1, Math.floor(pixels));
  if (n <= 4 * cols) return {x: Float64Array.from({length: n}, (_, i) => x[from + i]), y: Float64Array.from({length: n}, (_, i) => y[from + i])};
  const x0 = x[from], span = x[to - 1] - x0 || 1;
  const ox: number[] = [], oy: number[] = [];
  let col = -1, iFirst = -1, iMin = -1, iMax = -1, iLast = -1, sawNaN = false;
  const flush = () => {
    if (iFirst < 0) {
      if (sawNaN) ox.push(ox.length ? ox[ox.length - 1] : x0), oy.push(NaN);
      return;
    }
    const picks = [iFirst, iMin, iMax, iLast].sort((p, q) => p - q);
    let prev = -1;
    for (const i of picks) if (i !== prev) ox.push(x[i]), oy.push(y[i]), (prev = i);
    if (sawNaN) ox.push(x[iLast]), oy.push(NaN);
  };
  for (let i = from; i < to; ++i) {
    const c = Math.min(cols - 1, Math.floor(((x[i] - x0) / span) * cols));
    if (c !== col) {
      if (col >= 0) flush();
      col = c, iFirst = iMin = iMax = iLast = -1, sawNaN = false;
    }
    const v = y[i];
    if (v !== v) {
      sawNaN = true;
      continue;
    }
    if (iFirst < 0) iFirst = iMin = iMax = i;
    else {
      if (v < y[iMin]) iMin = i;
      if (v > y[iMax]) iMax = i;
    }
    iLast = i;
  }
  flush();
  return {x: Float64Array.from(ox), y: Float64Array.from(oy)};
}
