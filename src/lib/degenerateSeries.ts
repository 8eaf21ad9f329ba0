// Which pairs of price series no statistic means anything on: a constant or near-constant leg, or two
// legs whose OLS spread has no variance (exactly collinear). `pairbook analyze` and `pairbook serve`
// refuse them with this reason.
import {logPrices} from "./hedgeRatio.js";
import {constantRtol, extent, nearConstant} from "./nearConstant.js";
import {ols} from "./ols.js";

/**
 * Why the pair (a, b) cannot be analysed, or null when it can: a leg is constant or near-constant
 * (max − min ≤ 1e-12 × its largest |value|), or the OLS spread a − (α + β·b) varies by no more than
 * 1e-12 × a's largest |value| (with `log`, of the logs). Non-positive prices with `log` are left to
 * pairReport, which names their row. O(n).
 *
 *   degenerateReason(["x", "y"], x, y) // 'column "y" is constant (7 on every row)'
 */
export function degenerateReason(
  [aName, bName]: readonly [string, string],
  rawA: ArrayLike<number>,
  rawB: ArrayLike<number>,
  log = false,
): string | null {
  for (const [name, x] of [
    [aName, rawA],
    [bName, rawB],
  ] as const) {
    let constant = true;
    for (let i = 1; i < x.length && constant; ++i) constant = x[i] === x[0];
    if (constant) return `column ${JSON.stringify(name)} is constant (${x[0]} on every row)`;
    if (nearConstant(x)) {
      const e = extent(x);
      return `column ${JSON.stringify(name)} is near-constant (it varies by ${num(e.range)} at magnitude ${num(e.magnitude)}, a relative ${num(e.range / e.magnitude)} ≤ ${constantRtol}): no statistic is meaningful on it`;
    }
  }
  const positive = (x: ArrayLike<number>) => Array.prototype.every.call(x, (v: number) => v > 0);
  if (log && !(positive(rawA) && positive(rawB))) return null;
  const a = log ? logPrices(rawA) : rawA,
    b = log ? logPrices(rawB) : rawB;
  const {residuals} = ols(a, b),
    e = extent(residuals);
  if (nearConstant(residuals, {magnitude: extent(a).magnitude}))
    return `columns ${JSON.stringify(aName)} and ${JSON.stringify(bName)} are exactly collinear${log ? " in logs" : ""} (their OLS spread varies by ${num(e.range)}, ≤ ${constantRtol} × the largest |${aName}|): the spread has no variance to test`;
  return null;
}

const num = (v: number) => String(Number(v.toPrecision(3)));
