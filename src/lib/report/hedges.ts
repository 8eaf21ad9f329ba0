// The pair report's hedge comparison: for each hedge (OLS, rolling OLS, Kalman, Huber, Theil-Sen, TLS, RANSAC)
// its β, R² of the spread, ADF p-value, half-life and the backtest Sharpe of the same z-score rule.
import {adf} from "../adf.js";
import {backtestOptions, simulate} from "../backtest.js";
import {halfLife} from "../halfLife.js";
import {dynamicHedge} from "../dynamicHedge.js";
import type {PairFit, PairReportOptions} from "../pairReport.js";
import {rollingZScore} from "../rolling.js";
import {rollingOls} from "../rollingOls.js";

export interface HedgeRow {
  name: string;
  /** Static β, or the last β of a dynamic hedge. */
  beta: number;
  dynamic: boolean;
  /** 1 − SSR/TSS of the spread; NaN for the Kalman hedge (see `hedgeRows`). */
  rSquared: number;
  adfP: number;
  halfLife: number;
  /** Per-method spread and β (number or series), for the rule. */
  spread: Float64Array;
  betaSeries: number | Float64Array;
}

const names = {
  ols: "OLS",
  rollingOls: "Rolling OLS",
  kalman: "Kalman",
  huber: "Huber",
  theilSen: "Theil-Sen",
  tls: "TLS",
  ransac: "RANSAC",
} as const;

/**
 * The fit-dependent columns (everything but Sharpe). R² is 1 − SSR/TSS of each spread; none for the
 * Kalman hedge: its α_t, β_t are updated with bar t itself, so its residuals are ~0 by construction and
 * the number says nothing of the fit (its one-step forecast errors depend mostly on the filter's
 * arbitrary start). Cost: six ADFs, a rolling OLS and a Kalman filter, O(n·maxlag).
 */
export function hedgeRows(fit: Pick<PairFit, "a" | "b" | "hedges">, rollingWindow: number): HedgeRow[] {
  const {a, b} = fit,
    n = a.length;
  let ma = 0;
  for (let i = 0; i < n; ++i) ma += a[i];
  ma /= n;
  let tss = 0;
  for (let i = 0; i < n; ++i) tss += (a[i] - ma) ** 2;
  const row = (name: string, spread: Float64Array, beta: number | Float64Array, {r2 = true} = {}): HedgeRow => {
    const finite = spread.filter((v) => Number.isFinite(v));
    let m = 0,
      ssr = 0;
    for (const v of finite) m += v;
    m /= finite.length;
    for (const v of finite) ssr += (v - m) ** 2;
    let p: number;
    try {
      p = finite.length > 20 ? adf(finite).pValue : NaN;
    } catch {
      p = NaN; // too short for the lag search: shown as —
    }
    const last = typeof beta === "number" ? beta : lastFinite(beta);
    return {
      name,
      beta: last,
      dynamic: typeof beta !== "number",
      rSquared: r2 ? 1 - ssr / (tss * (finite.length / n)) : NaN,
      adfP: p,
      halfLife: halfLife(finite),
      spread,
      betaSeries: beta,
    };
  };
  const staticRow = (key: keyof PairFit["hedges"]) => {
    const {alpha, beta} = fit.hedges[key];
    const s = new Float64Array(n);
    for (let i = 0; i < n; ++i) s[i] = a[i] - beta * b[i] - alpha;
    return row(names[key], s, beta);
  };
  const dynamicRow = (name: string, alpha: Float64Array, beta: Float64Array, options?: {r2: boolean}) => {
    const s = new Float64Array(n);
    for (let i = 0; i < n; ++i) s[i] = a[i] - beta[i] * b[i] - alpha[i];
    return row(name, s, beta, options);
  };
  const rows = [staticRow("ols")];
  if (n > rollingWindow + 3) {
    const r = rollingOls(a, b, Math.max(3, rollingWindow));
    rows.push(dynamicRow(names.rollingOls, r.alpha, r.beta));
  }
  // Not kalmanHedge's raw output: its first bar is the prior (β₀ = α₀ = 0), a whole price as "spread".
  const k = dynamicHedge(a, b, {kind: "kalman", delta: 1e-4, ve: 1e-3});
  rows.push(
    dynamicRow(names.kalman, k.alpha, k.beta, {r2: false}),
    staticRow("huber"),
    staticRow("theilSen"),
    staticRow("tls"),
    staticRow("ransac"),
  );
  return rows;
}

/** Backtest Sharpe of the rule on each row's spread (dynamic β frozen at entry; funding charged as pairRule does). O(rows·n). */
export function hedgeSharpes(rows: readonly HedgeRow[], fit: Pick<PairFit, "a" | "b">, rule: PairReportOptions): number[] {
  const {window = 20, entry = 2, exit = 0, stop, lag = 1, feeBps = 0, barMs = 1000, log = false} = rule;
  // Perpetual legs pay funding here too, as in pairRule's backtest (marked at 1 with log prices).
  const funding = rule.funding ? {...rule.funding, unitMark: log} : undefined;
  return rows.map((r) => {
    const z = zScoreAfterWarmUp(r.spread, window);
    const o = backtestOptions({beta: r.betaSeries, entry, exit, stop, lag, feeBps, barMs, funding});
    // NaN β of a rolling fit's first bars: no entry there (z is NaN as well until the window fills).
    return simulate(fit.a, fit.b, z, o, null, null, null).sharpe;
  });
}

/**
 * Rolling z-score of a spread that starts with NaN (a rolling fit's warm-up): computed from the first
 * finite value on, NaN before. (rollingZScore's running sums would carry the NaN to every later bar,
 * and the rolling-OLS row had no Sharpe.)
 */
export function zScoreAfterWarmUp(spread: Float64Array, window: number): Float64Array {
  let k = 0;
  while (k < spread.length && !Number.isFinite(spread[k])) ++k;
  const z = new Float64Array(spread.length).fill(NaN);
  if (spread.length - k >= window) z.set(rollingZScore(spread.subarray(k), window), k);
  return z;
}

function lastFinite(x: ArrayLike<number>): number {
  for (let i = x.length - 1; i >= 0; --i) if (Number.isFinite(x[i])) return x[i];
  return NaN;
}
