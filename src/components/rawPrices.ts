// The pair report's raw-price view (the Prices card's "raw" setting): both legs in their own prices, leg
// A on the left axis and leg B on a right axis, each fitted to its own range over the bars in view — the
// chart traders read, where the rebased view (first bar = 100) compares relative moves.
import type {ChartData, Layer} from "./chartLayers.js";
import {lowerBound} from "./chartScales.js";

/** Round tick values over [lo, hi], about `count` of them (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / count,
    power = 10 ** Math.floor(Math.log10(raw)),
    step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi; ++k) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** [min, max] of the finite values of y over rows [from, to), padded 3% each side (null: none). */
function padded(y: ArrayLike<number>, from: number, to: number): [number, number] | null {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = from; i < to; ++i) {
    const v = y[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return null;
  const pad = hi > lo ? 0.03 * (hi - lo) : 0.5;
  return [lo - pad, hi + pad];
}

/**
 * The chart of `a` (left axis) and `b` (right axis) at rows `time`, each fitted to its range over the
 * rows in `view` ([from, to] ms; null: all). B is drawn mapped onto A's axis; `key` changes with that
 * mapping (a live frame under a new mapping must redraw whole). O(rows).
 */
export function rawPrices(
  time: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  names: readonly [string, string],
  view: readonly [number, number] | null,
  base: Pick<ChartData, "xDomain" | "minSpan"> & {gaps: Layer[]; colors: readonly [string, string]},
): {data: ChartData; key: string} {
  const n = time.length,
    from = view ? lowerBound(time, view[0]) : 0,
    to = view ? lowerBound(time, view[1] + 1) : n;
  const ya = padded(a, from, to),
    yb = padded(b, from, to);
  if (!ya || !yb) return {data: {...base, yLabel: `${names[0]} price`, layers: []}, key: ""};
  const k = (ya[1] - ya[0]) / (yb[1] - yb[0]),
    toA = (v: number) => ya[0] + (v - yb[0]) * k;
  const mapped = new Float64Array(n);
  for (let i = 0; i < n; ++i) mapped[i] = toA(b[i]);
  const ticks = niceTicks(yb[0], yb[1]);
  return {
    data: {
      yLabel: `${names[0]} price`,
      xDomain: base.xDomain,
      minSpan: base.minSpan,
      yDomain: ya,
      yRight: {
        ticks: ticks.map(toA),
        labels: ticks.map((t) => t.toLocaleString("en-US", {maximumFractionDigits: 8})),
        label: `${names[1]} price`,
      },
      layers: [
        ...base.gaps,
        {type: "line", x: time, y: a, stroke: base.colors[0]},
        {type: "line", x: time, y: mapped, stroke: base.colors[1]},
      ],
    },
    key: `${ya.join(",")}|${yb.join(",")}`,
  };
}
