import {CliError} from "../command.js";
import type {CriticalValues} from "../../src/lib/adf.js";
import {basketReport, type BasketReport} from "../../src/lib/basketReport.js";
import {maxCointRegressors} from "../../src/lib/coint.js";
import {logPrices} from "../../src/lib/hedgeRatio.js";
import {lstsq} from "../../src/lib/lstsq.js";
import {constantRtol, extent, nearConstant} from "../../src/lib/nearConstant.js";
import {type CsvTable, CsvError, numericColumn} from "../../src/protocol/csv.js";

/** The options of `analyze` that a basket uses, parsed and checked by analyze.ts. */
export interface BasketFlags {
  readonly a: string | undefined;
  readonly b: string;
  readonly log: boolean;
  readonly trend: string;
  readonly adfRegression: string;
  readonly autolag: string;
  readonly maxlag: number | undefined;
  readonly window: number;
  readonly detOrder: number;
  readonly kArDiff: number;
  readonly entry: number;
  readonly exit: number;
  readonly stop: number | undefined;
  readonly lag: number;
  readonly feeBps: number;
  readonly json: boolean;
}

/**
 * `pairbook analyze --b X,Y[,…]`: a against a basket of legs (src/lib/basketReport.ts). A bad basket
 * (an empty, repeated or unknown name, a as a leg, more than 5 legs) or a degenerate column is one
 * line on stderr and exit code 2, as analyze's other input errors.
 */
export function analyzeBasket(path: string, table: CsvTable, timeName: string | undefined, f: BasketFlags): number {
  const fail = (message: string): never => {
    throw new CliError(`${path}: ${message}`, 2);
  };
  const legNames = f.b.split(",").map((s) => s.trim());
  const aName = f.a ?? table.header.find((h) => h !== timeName && !legNames.includes(h));
  if (aName === undefined) fail(`no column left for --a (columns: ${table.header.join(", ")})`);
  const a = aName as string;
  if (legNames.some((s) => s === "")) fail(`--b ${JSON.stringify(f.b)} has an empty leg name`);
  const repeated = legNames.find((s, i) => legNames.indexOf(s) !== i);
  if (repeated !== undefined) fail(`--b names ${JSON.stringify(repeated)} twice: a basket's legs must differ`);
  if (legNames.includes(a)) fail(`--b includes the --a column ${JSON.stringify(a)}`);
  if (legNames.length > maxCointRegressors)
    fail(`--b has ${legNames.length} legs, at most ${maxCointRegressors} (MacKinnon's p-values stop at 6 series)`);
  const column = (name: string, time?: boolean) => {
    try {
      return numericColumn(table, name, time ? {time} : {});
    } catch (error) {
      if (error instanceof CsvError) return fail(error.message);
      throw error;
    }
  };
  const rawA = column(a),
    rawLegs = legNames.map((s) => column(s));
  const n = rawA.length;
  if (n < 30) fail(`too few rows (${n}; need at least 30)`);
  for (const [name, x] of [[a, rawA], ...legNames.map((s, i) => [s, rawLegs[i]] as const)] as const) {
    if (x.every((v) => v === x[0])) fail(`column ${JSON.stringify(name)} is constant (${x[0]} on every row)`);
    if (nearConstant(x))
      fail(`column ${JSON.stringify(name)} is near-constant (relative variation ≤ ${constantRtol}): no statistic is meaningful on it`);
  }
  const time = timeName === undefined ? undefined : column(timeName, true);
  const barMs = time !== undefined ? Math.max(1, (time[n - 1] - time[0]) / (n - 1)) : 1000;
  const names = [a, ...legNames];
  collinear(path, names, rawA, rawLegs, f.log);
  let report: BasketReport;
  try {
    ({report} = basketReport(rawA, rawLegs, {
      ...f,
      adfRegression: f.adfRegression,
      johansenDet: f.detOrder,
      johansenLags: f.kArDiff,
      barMs,
      names,
    }));
  } catch (error) {
    if (error instanceof RangeError) return fail(error.message);
    throw error;
  }
  const {n: _, ...rest} = report;
  const out = {n, columns: {a, b: legNames, log: f.log}, ...rest};
  process.stdout.write(f.json ? `${JSON.stringify(out, null, 2)}\n` : human(out));
  return 0;
}

/** Refuses a basket whose OLS spread (a on the legs and a constant) has no variance. */
function collinear(path: string, names: readonly string[], rawA: Float64Array, rawLegs: readonly Float64Array[], log: boolean): void {
  if (log && [rawA, ...rawLegs].some((x) => x.some((v) => !(v > 0)))) return; // basketReport names the column
  const a = log ? logPrices(rawA) : rawA;
  const legs = rawLegs.map((x) => (log ? logPrices(x) : x));
  const {residuals} = lstsq([...legs, new Float64Array(a.length).fill(1)], a);
  if (nearConstant(residuals, {magnitude: extent(a).magnitude}))
    throw new CliError(
      `${path}: column ${JSON.stringify(names[0])} is exactly collinear with ${names
        .slice(1)
        .map((s) => JSON.stringify(s))
        .join(", ")}${log ? " in logs" : ""}: the spread has no variance to test`,
      2,
    );
}

const fmt = (v: number | null, digits = 6) =>
  v === null || !Number.isFinite(v) ? String(v === null ? "n/a" : v) : Number(v.toPrecision(digits)).toString();
const cv = (c: CriticalValues) => `1% ${fmt(c["1%"], 4)}, 5% ${fmt(c["5%"], 4)}, 10% ${fmt(c["10%"], 4)}`;

function human(r: Omit<BasketReport, "n"> & {n: number; columns: {a: string; b: string[]; log: boolean}}): string {
  const {hedge: h, columns: c} = r;
  // [coefficient, what it multiplies]: the regression as one signed sum.
  const terms: [number, string][] = [
    ...(h.trend === "n" ? [] : [[h.alpha, ""] as [number, string]]),
    ...h.betas.map((beta, i): [number, string] => [beta, ` × ${c.b[i]}`]),
    ...(h.trend === "ct" || h.trend === "ctt" ? [[h.trendSlope, " × t"] as [number, string]] : []),
    ...(h.trend === "ctt" ? [[h.quadratic, " × t²"] as [number, string]] : []),
  ];
  const sum = terms.map(([v, what], i) => `${i === 0 ? (v < 0 ? "−" : "") : v < 0 ? " − " : " + "}${fmt(Math.abs(v))}${what}`).join("");
  const bt = r.backtest;
  const lines = [
    `pairbook analyze: ${c.a} on the basket ${c.b.join(", ")}${c.log ? " (log prices)" : ""}, ${r.n} rows`,
    "",
    `hedge (ols, trend ${h.trend})   ${c.a} = ${sum}   R² ${fmt(h.rSquared, 4)}`,
    `positions     +1 spread: +1 ${c.a}, ${h.betas.map((beta, i) => `${fmt(-beta)} ${c.b[i]}`).join(", ")}`,
    `spread        mean ${fmt(r.spread.mean)}, std ${fmt(r.spread.std)}, last ${fmt(r.spread.last)}; z(${r.zscore.window}) last ${fmt(r.zscore.last, 4)}`,
    `half-life     ${fmt(r.halfLife, 4)} bars`,
    "",
    `ADF of spread   stat ${fmt(r.adf.statistic, 5)}  p ${fmt(r.adf.pValue, 4)}  lag ${r.adf.usedLag}  nobs ${r.adf.nobs}  (${cv(r.adf.criticalValues)})`,
    `Engle-Granger   stat ${fmt(r.coint.statistic, 5)}  p ${fmt(r.coint.pValue, 4)}  N ${c.b.length + 1}  (${cv(r.coint.criticalValues)})`,
    `Johansen        eigenvalues ${r.johansen.eigenvalues.map((v) => fmt(v, 4)).join(", ")}`,
    ...r.johansen.traceStat.map(
      (t, i) =>
        `  r ≤ ${i}: trace ${fmt(t, 5)} (95% ${fmt(r.johansen.traceCritical[i][1], 5)})   max-eig ${fmt(r.johansen.maxEigStat[i], 5)} (95% ${fmt(r.johansen.maxEigCritical[i][1], 5)})`,
    ),
    "",
    `backtest        ${bt.trades} trades across ${c.b.length + 1} legs, PnL ${fmt(bt.totalPnl)}, max drawdown ${fmt(bt.maxDrawdown)}, win rate ${fmt(bt.winRate, 3)}, Sharpe ${fmt(bt.sharpe, 3)}, fees ${fmt(bt.feesPaid)}`,
  ];
  return `${lines.join("\n")}\n`;
}
