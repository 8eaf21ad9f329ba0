import {readFile} from "node:fs/promises";
import {CliError, type Command, intFlag, numberFlag, parseFlags, UsageError} from "../command.js";
import {analyzeBasket} from "./analyzeBasket.js";
import {dynamicFlags, dynamicUsage, hedgeOfFlags} from "./analyzeDynamic.js";
import {fundingOfColumns} from "./analyzeFunding.js";
import {autolagOption, type CriticalValues} from "../../src/lib/adf.js";
import type {BacktestStats} from "../../src/lib/backtestStats.js";
import {regressionOption} from "../../src/lib/mackinnon.js";
import {statsCaution} from "../../src/lib/report/annualised.js";
import {backtestStatsLines, backtestStatsRows, statPercent} from "../../src/lib/report/backtestStatsRows.js";
import {analyzeReport, type WalkForwardReport} from "../../src/lib/report/analyzeReport.js";
import {degenerateReason} from "../../src/lib/degenerateSeries.js";
import {withDynamicRule} from "../../src/lib/report/dynamicReport.js";
import {CsvError, numericColumn, readCsv} from "../../src/protocol/csv.js";

const usage = `Usage: pairbook analyze --csv FILE [options]

  --csv FILE             CSV with a header row
  --a COL, --b COL       price columns (default: the first two columns other than --time)
  --b COL,COL[,…]        a basket: a against up to 5 legs (OLS hedge vector, Engle-Granger with
                         N = legs + 1, Johansen across all legs, backtest trading every leg)
  --trend T              a basket's hedge regression and Engle-Granger terms: n, c, ct or ctt
                         (default c; a pair's are c)
  --time COL             time column in ms or ISO dates, used to annualise the backtest (default
                         "time" if present)
  --log                  work on log prices
${dynamicUsage}
  --window N             z-score window (default 20)
  --adf-regression R     n, c, ct or ctt (default c)
  --autolag A            aic, bic, t-stat or none (default aic)
  --maxlag N             largest ADF lag (default statsmodels' rule)
  --johansen-det D       -1, 0 or 1 (default 0)
  --johansen-lags K      lagged differences (default 1)
  --entry Z --exit Z     backtest thresholds (defaults 2 and 0)
  --stop Z               stop-loss |z| (default none)
  --lag N                fill lag in bars (default 1)
  --fee-bps F            fees per leg in bps (default 0)
  --funding-a COL        leg a is a perpetual: COL holds its funding rate on the rows at funding times,
                         empty elsewhere (--funding-b COL: leg b's); the backtest charges the position
                         held at the row's time rate × the previous row's price (1 with --log), a long
                         paying a positive rate and receiving a negative one, and prints funding paid
  --walk-forward T,S[,P] also a walk-forward backtest: the OLS hedge refitted on every T bars, traded
                         on the S bars after them, the train window moving by P bars (default S)
  --json                 machine-readable output

Exit codes: 0 report printed; 2 bad options or input: an unreadable or malformed CSV, fewer than
30 rows, or a degenerate series. A price column is degenerate when it is constant or nearly so
(max − min ≤ 1e-12 × its largest |value|: its variation is rounding noise), and the pair is when
the OLS spread a − (α + β·b) varies by no more than 1e-12 × a's largest |value| (the two columns
are exactly collinear, with --log: their logs). No statistic means anything on such series (a
regression fits anything, Engle-Granger says p = 0), so none is printed.`;

const options = {
  csv: {type: "string"},
  a: {type: "string"},
  b: {type: "string"},
  time: {type: "string"},
  log: {type: "boolean"},
  trend: {type: "string"},
  method: {type: "string"},
  ...dynamicFlags,
  window: {type: "string"},
  "adf-regression": {type: "string"},
  autolag: {type: "string"},
  maxlag: {type: "string"},
  "johansen-det": {type: "string"},
  "johansen-lags": {type: "string"},
  entry: {type: "string"},
  exit: {type: "string"},
  stop: {type: "string"},
  lag: {type: "string"},
  "fee-bps": {type: "string"},
  "funding-a": {type: "string"},
  "funding-b": {type: "string"},
  "walk-forward": {type: "string"},
  json: {type: "boolean"},
} as const;

export const analyze: Command = {
  name: "analyze",
  summary: "hedge ratios, cointegration tests and a backtest for two price columns of a CSV, or a basket",
  usage,
  async run(argv) {
    const {values: f} = parseFlags(argv, options);
    if (f.csv === undefined) throw new UsageError("missing --csv FILE");
    const option = <T>(parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
    };
    const {method, dynamic} = option(() => hedgeOfFlags(f));
    const regression = option(() => regressionOption(f["adf-regression"] ?? "c"));
    const autolag = option(() => autolagOption(f.autolag ?? "aic"));
    const window = intFlag(f.window, "window", 20, {min: 2});
    const maxlag = f.maxlag === undefined ? undefined : intFlag(f.maxlag, "maxlag", 0, {min: 0});
    const detOrder = intFlag(f["johansen-det"], "johansen-det", 0, {min: -1, max: 1});
    const kArDiff = intFlag(f["johansen-lags"], "johansen-lags", 1, {min: 0});
    const entry = numberFlag(f.entry, "entry", 2, {min: 0});
    const exit = numberFlag(f.exit, "exit", 0);
    const stop = f.stop === undefined ? undefined : numberFlag(f.stop, "stop", Infinity, {min: 0});
    const lag = intFlag(f.lag, "lag", 1, {min: 0});
    const feeBps = numberFlag(f["fee-bps"], "fee-bps", 0, {min: 0});

    const text = await readText(f.csv),
      path = f.csv;
    const table = csv(path, () => readCsv(text));
    const timeName = f.time ?? (table.header.includes("time") ? "time" : undefined);
    const fundingNames = {a: f["funding-a"], b: f["funding-b"]};
    if ((fundingNames.a ?? fundingNames.b) !== undefined && (f.b?.includes(",") || f["walk-forward"] !== undefined))
      throw new UsageError("--funding-a/--funding-b are for a pair's backtest, without --walk-forward");
    if (f.b?.includes(",")) {
      const trend = option(() => regressionOption(f.trend ?? "c"));
      if ((f.method ?? "ols") !== "ols") throw new UsageError(`--method ${f.method} is for a pair; a basket's hedge is OLS`);
      const [b, log, json] = [f.b, Boolean(f.log), Boolean(f.json)];
      const flags = {a: f.a, b, log, json, trend, adfRegression: regression, autolag, maxlag, window, detOrder, kArDiff};
      return analyzeBasket(path, table, timeName, {...flags, entry, exit, stop, lag, feeBps});
    }
    if (f.trend !== undefined) throw new UsageError("--trend is for a basket (--b X,Y); a pair's Engle-Granger uses c");
    const others = table.header.filter((h) => h !== timeName && h !== fundingNames.a && h !== fundingNames.b);
    const aName = f.a ?? others[0],
      bName = f.b ?? others.find((h) => h !== aName);
    if (aName === undefined || bName === undefined)
      throw new CliError(`${f.csv}: need two price columns, found ${JSON.stringify(table.header)}`, 2);
    const rawA = csv(path, () => numericColumn(table, aName)),
      rawB = csv(path, () => numericColumn(table, bName));
    const time = timeName === undefined ? undefined : csv(path, () => numericColumn(table, timeName, {time: true}));
    const n = rawA.length;
    if (n < 30) throw new CliError(`${f.csv}: too few rows (${n}; need at least 30)`, 2);
    degenerate(f.csv, [aName, bName], rawA, rawB, Boolean(f.log));
    const funding = csv(path, () => fundingOfColumns(table, fundingNames, time));

    // The same assembly as `pairbook serve`'s report, on the notebook's pairReport (src/lib/report/analyzeReport.ts).
    const report = option(() =>
      analyzeReport(rawA, rawB, {
        names: [aName, bName],
        time,
        log: Boolean(f.log),
        method,
        window,
        adfRegression: regression,
        autolag,
        maxlag,
        johansenDet: detOrder,
        johansenLags: kArDiff,
        entry,
        exit,
        stop,
        lag,
        feeBps,
        funding,
        walkForward: f["walk-forward"],
      }),
    );
    // rolling-ols, kalman: spread, z-score and backtest under β_t bar by bar (src/lib/report/dynamicReport.ts).
    const rule = {window, entry, exit, stop, lag, feeBps, funding, log: Boolean(f.log), time};
    const shown = dynamic ? option(() => withDynamicRule(report, rawA, rawB, dynamic, rule)) : report;
    process.stdout.write(f.json ? `${JSON.stringify(shown, null, 2)}\n` : human(shown));
    return 0;
  },
};

/** Refuses (exit 2, one line naming the column) a degenerate series: see "Exit codes" in the usage. */
function degenerate(path: string, names: readonly [string, string], rawA: Float64Array, rawB: Float64Array, log: boolean): void {
  const reason = degenerateReason(names, rawA, rawB, log);
  if (reason !== null) throw new CliError(`${path}: ${reason}`, 2);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
}

/** The CSV's table or column; a file it cannot read is a one-line error, exit 2. */
function csv<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CsvError) throw new CliError(`${path}: ${error.message}`, 2);
    throw error;
  }
}

const fmt = (v: number | null, digits = 6) =>
  v === null || !Number.isFinite(v) ? String(v === null ? "n/a" : v) : Number(v.toPrecision(digits)).toString();

function human(r: {
  n: number;
  columns: {a: string; b: string; log: boolean};
  hedge: {method: string; alpha: number; beta: number; rSquared: number; betaStdErr: number | null};
  hedges: Record<string, {alpha: number; beta: number}>;
  spread: {mean: number; std: number; last: number};
  zscore: {window: number; last: number};
  adf: {statistic: number; pValue: number; usedLag: number; nobs: number; criticalValues: CriticalValues};
  coint: {statistic: number; pValue: number; criticalValues: CriticalValues};
  johansen: {
    traceStat: number[];
    maxEigStat: number[];
    eigenvalues: number[];
    traceCritical: readonly (readonly number[])[];
    maxEigCritical: readonly (readonly number[])[];
  };
  halfLife: number;
  correlation: number;
  backtest: Record<string, number>;
  backtestStats: BacktestStats;
  walkForward?: WalkForwardReport;
}): string {
  const cv = (c: CriticalValues) => `1% ${fmt(c["1%"], 4)}, 5% ${fmt(c["5%"], 4)}, 10% ${fmt(c["10%"], 4)}`;
  const lines = [
    `pairbook analyze: ${r.columns.a} on ${r.columns.b}${r.columns.log ? " (log prices)" : ""}, ${r.n} rows`,
    "",
    `hedge (${r.hedge.method})   ${r.columns.a} = ${fmt(r.hedge.alpha)} + ${fmt(r.hedge.beta)} × ${r.columns.b}   R² ${fmt(r.hedge.rSquared, 4)}${r.hedge.betaStdErr === null ? "" : `   se(β) ${fmt(r.hedge.betaStdErr, 3)}`}`,
    ...Object.entries(r.hedges).map(([k, h]) => `  ${k.padEnd(9)} β ${fmt(h.beta).padEnd(14)} α ${fmt(h.alpha)}`),
    `spread        mean ${fmt(r.spread.mean)}, std ${fmt(r.spread.std)}, last ${fmt(r.spread.last)}; z(${r.zscore.window}) last ${fmt(r.zscore.last, 4)}`,
    `half-life     ${fmt(r.halfLife, 4)} bars   correlation ${fmt(r.correlation, 4)}`,
    "",
    `ADF of spread   stat ${fmt(r.adf.statistic, 5)}  p ${fmt(r.adf.pValue, 4)}  lag ${r.adf.usedLag}  nobs ${r.adf.nobs}  (${cv(r.adf.criticalValues)})`,
    `Engle-Granger   stat ${fmt(r.coint.statistic, 5)}  p ${fmt(r.coint.pValue, 4)}  (${cv(r.coint.criticalValues)})`,
    `Johansen        eigenvalues ${r.johansen.eigenvalues.map((v) => fmt(v, 4)).join(", ")}`,
    ...r.johansen.traceStat.map(
      (t, i) =>
        `  r ≤ ${i}: trace ${fmt(t, 5)} (95% ${fmt(r.johansen.traceCritical[i][1], 5)})   max-eig ${fmt(r.johansen.maxEigStat[i], 5)} (95% ${fmt(r.johansen.maxEigCritical[i][1], 5)})`,
    ),
    "",
    `backtest        ${r.backtest.trades} trades, PnL ${fmt(r.backtest.totalPnl)}, max drawdown ${fmt(r.backtest.maxDrawdown)}, win rate ${fmt(r.backtest.winRate, 3)}, Sharpe ${fmt(r.backtest.sharpe, 3)}, fees ${fmt(r.backtest.feesPaid)}`,
    ...statsLines(r.backtestStats, r.columns),
    ...(r.walkForward ? walkForwardLines(r.walkForward, r.columns) : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** The backtest's statistics (src/lib/backtestStats.ts) as the pages show them (src/lib/report/backtestStatsRows.ts). */
function statsLines(s: BacktestStats, names: {a: string; b: string}): string[] {
  const caution = statsCaution(s);
  return [...backtestStatsLines(backtestStatsRows(s, [names.a, names.b])), ...(caution ? [`  ${caution}`] : [])];
}

function walkForwardLines(w: WalkForwardReport, names: {a: string; b: string}): string[] {
  return [
    "",
    `walk-forward    ${w.segments.length} segments: OLS refitted on ${w.train} bars, traded on the next ${w.test}, step ${w.step}`,
    ...w.segments.map(
      (s, k) =>
        `  ${String(k + 1).padStart(3)}  bars ${s.testFrom}–${s.testTo - 1}  β ${fmt(s.beta).padEnd(12)} OOS return ${statPercent(s.totalReturn).padEnd(10)} PnL ${fmt(s.totalPnl).padEnd(12)} ${s.trades} trades`,
    ),
    ...(w.stats ? statsLines(w.stats, names) : []),
  ];
}
