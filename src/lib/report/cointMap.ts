// The cointegration map's numbers: for every ordered pair of symbols (a regressed on b), Engle-Granger,
// the OLS hedge, half-life and volatility of the spread, and the correlation of returns.
import {coint} from "../coint.js";
import {pearson} from "../correlation.js";
import {halfLife} from "../halfLife.js";
import {logPrices} from "../hedgeRatio.js";
import type {SymbolBars} from "../bars.js";
import {ols} from "../ols.js";
import {returns} from "../stream/pairSeries.js";
import {pairView} from "../stream/pairView.js";

export interface CointRow {
  a: string;
  b: string;
  n: number;
  pValue: number;
  statistic: number;
  beta: number;
  alpha: number;
  halfLife: number;
  /** Standard deviation of the OLS spread. */
  spreadVol: number;
  correlation: number;
}

/** The symbols and their bars, as a decoded bars file (src/protocol/barsFile.ts) has them. */
export interface CointInput {
  meta: {symbols: readonly string[]};
  symbols: ReadonlyMap<string, SymbolBars>;
}

/** Every ordered pair (a ≠ b) of a bars file's symbols. O(pairs · n·maxlag). */
export function cointMap(
  file: CointInput,
  {intervalMs, lookbackMs, log}: {intervalMs: number; lookbackMs?: number; log: boolean},
): CointRow[] {
  const symbols = file.meta.symbols,
    out: CointRow[] = [];
  for (const a of symbols) {
    for (const b of symbols) {
      if (a === b) continue;
      const v = pairView(file.symbols.get(a)!, file.symbols.get(b)!, {intervalMs, lookbackMs});
      const n = v.time.length;
      const row: CointRow = {a, b, n, pValue: NaN, statistic: NaN, beta: NaN, alpha: NaN, halfLife: NaN, spreadVol: NaN, correlation: NaN};
      if (n >= 30) {
        const x = log ? logPrices(v.a, a) : v.a,
          y = log ? logPrices(v.b, b) : v.b;
        const fit = ols(x, y);
        const eg = coint(x, y);
        let m = 0,
          ss = 0;
        for (const r of fit.residuals) m += r;
        m /= n;
        for (const r of fit.residuals) ss += (r - m) ** 2;
        const ra = returns(v.a).subarray(1),
          rb = returns(v.b).subarray(1);
        Object.assign(row, {
          pValue: eg.pValue,
          statistic: eg.statistic,
          beta: fit.beta,
          alpha: fit.alpha,
          halfLife: halfLife(fit.residuals),
          spreadVol: Math.sqrt(ss / (n - 1)),
          correlation: pearson(ra, rb),
        });
      }
      out.push(row);
    }
  }
  return out;
}
