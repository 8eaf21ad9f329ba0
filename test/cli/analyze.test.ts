import {spawnSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {expectAllClose, expectClose, fixture, pairOf, type SeriesFixture} from "../lib/reference.js";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pairbook-analyze-"));

function analyze(...args: string[]) {
  const r = spawnSync("node", ["cli/pairbook.js", "analyze", ...args], {cwd: root, encoding: "utf8", env: {...process.env, TZ: "UTC"}});
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

function csv(name: string, rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => r.join(",")).join("\n")}\n`);
  return path;
}

type Num = number | null;
interface AnalyzeCase {
  series: SeriesFixture;
  expected: {
    n: number;
    hedge: {method: string; alpha: number; beta: number; rSquared: number; betaStdErr: number};
    hedges: Record<"ols" | "huber" | "theilSen" | "kalman", {alpha: number; beta: number}>;
    spread: {mean: number; std: number; last: number};
    zscore: {window: number; last: number};
    adf: {statistic: number; pValue: number; usedLag: number; nobs: number; criticalValues: Record<string, number>};
    coint: {statistic: number; pValue: number; criticalValues: number[]};
    johansen: {traceStat: number[]; maxEigStat: number[]; eigenvalues: number[]; traceCritical: number[][]; maxEigCritical: number[][]};
    halfLife: Num;
    correlation: number;
    backtest: {trades: number; totalPnl: number; maxDrawdown: number; winRate: number; sharpe: number};
  };
}

describe("pairbook analyze --csv FILE --json", () => {
  const [c] = fixture<AnalyzeCase>("analyze");
  const {a, b} = pairOf(c.series);
  const file = csv("pair.csv", [["time", "eth", "btc"], ...Array.from(a, (v, i) => [1_700_000_000_000 + 1000 * i, v, b[i]])]);
  const run = analyze("--csv", file, "--json");
  const out = JSON.parse(run.stdout);
  const e = c.expected;

  it("prints the issue's keys, with statsmodels' values for the hedge, spread and tests", () => {
    expect(run.status).toBe(0);
    expect(out.n).toBe(e.n);
    expect(out.hedge.method).toBe("ols");
    for (const k of ["alpha", "beta", "rSquared", "betaStdErr"] as const) expectClose(out.hedge[k], e.hedge[k], 1e-6, 1e-12, `hedge.${k}`);
    for (const m of ["ols", "huber", "theilSen", "kalman"] as const) {
      expectClose(out.hedges[m].beta, e.hedges[m].beta, 1e-5, 1e-12, `${m}.beta`);
      expectClose(out.hedges[m].alpha, e.hedges[m].alpha, 1e-5, 1e-12, `${m}.alpha`);
    }
    expect(Object.keys(out.hedges).sort()).toEqual(["huber", "kalman", "ols", "ransac", "theilSen", "tls"]);
    expectClose(out.spread.mean, e.spread.mean, 1, 1e-8, "spread.mean"); // ≈ 0 by construction
    expectClose(out.spread.std, e.spread.std, 1e-6, 1e-12, "spread.std");
    expectClose(out.spread.last, e.spread.last, 1e-6, 1e-9, "spread.last");
    expect(out.zscore.window).toBe(20);
    expectClose(out.zscore.last, e.zscore.last, 1e-6, 1e-9, "zscore.last");
    expect(out.adf.usedLag).toBe(e.adf.usedLag);
    expect(out.adf.nobs).toBe(e.adf.nobs);
    expectClose(out.adf.statistic, e.adf.statistic, 1e-6, 1e-12, "adf.statistic");
    expect(Math.abs(out.adf.pValue - e.adf.pValue)).toBeLessThanOrEqual(1e-4);
    expectClose(out.coint.statistic, e.coint.statistic, 1e-6, 1e-12, "coint.statistic");
    expect(Math.abs(out.coint.pValue - e.coint.pValue)).toBeLessThanOrEqual(1e-4);
    expectAllClose(out.johansen.traceStat, e.johansen.traceStat, 1e-6, 1e-6, "trace");
    expectAllClose(out.johansen.maxEigStat, e.johansen.maxEigStat, 1e-6, 1e-6, "maxEig");
    expectAllClose(out.johansen.eigenvalues, e.johansen.eigenvalues, 1e-6, 1e-9, "eigenvalues");
    expect(out.johansen.traceCritical).toEqual(e.johansen.traceCritical);
    expectClose(out.halfLife, e.halfLife, 1e-6, 1e-12, "halfLife");
    expectClose(out.correlation, e.correlation, 1e-9, 1e-12, "correlation");
  });

  it("backtests the static hedge as an independent Python transcription of the rule does", () => {
    expect(out.backtest.trades).toBe(e.backtest.trades);
    expectClose(out.backtest.totalPnl, e.backtest.totalPnl, 1e-6, 1e-9, "totalPnl");
    expectClose(out.backtest.maxDrawdown, e.backtest.maxDrawdown, 1e-6, 1e-9, "maxDrawdown");
    expectClose(out.backtest.winRate, e.backtest.winRate, 1e-12, 1e-12, "winRate");
    expectClose(out.backtest.sharpe, e.backtest.sharpe, 1e-6, 1e-9, "sharpe");
  });

  it("prints the backtest's statistics as the independent pandas computation of backtestStats.json", () => {
    // backtestStats.json's first case is this pair with analyze's defaults (OLS, window 20, entry 2, 1 s bars).
    const [s] = fixture<{series: SeriesFixture; expected: Record<string, number | null>}>("backtestStats");
    expect([s.series.kind, s.series.seed, s.series.n]).toEqual([c.series.kind, c.series.seed, c.series.n]);
    for (const k of [
      "annualReturn",
      "annualVolatility",
      "maxDrawdownBars",
      "avgDrawdown",
      "bestTrade",
      "worstTrade",
      "expectancy",
      "sqn",
      "exposureAdjustedReturn",
    ])
      expectClose(out.backtestStats[k], s.expected[k], 1e-6, 1e-9, k);
  });

  it("reads the same pair from a quoted CSV (BOM, CRLF, quoted names and cells, ISO times) with the same result", () => {
    const iso = (i: number) => new Date(1_700_000_000_000 + 1000 * i).toISOString();
    const rows = Array.from(a, (v, i) => `"${iso(i)}","${v}",${b[i]},"note, with ""quotes"""`);
    const path = join(dir, "quoted.csv");
    writeFileSync(path, `\uFEFF"time","eth, spot","btc",note\r\n${rows.join("\r\n")}\r\n`);
    const quoted = analyze("--csv", path, "--a", "eth, spot", "--b", "btc", "--json");
    expect(quoted.stderr).toBe("");
    expect(quoted.status).toBe(0);
    const q = JSON.parse(quoted.stdout);
    expect(q.columns).toEqual({a: "eth, spot", b: "btc", log: false});
    const {columns: _q, ...qRest} = q,
      {columns: _o, ...oRest} = out;
    expect(qRest).toEqual(oRest); // the ISO times give the same 1 s bars, so the backtest's annualisation matches too
  });

  it("prints a human-readable report without --json", () => {
    const r = analyze("--csv", file);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ADF of spread/);
    expect(r.stdout).toMatch(/Johansen/);
    expect(r.stdout).toMatch(/expectancy -?[0-9.e+-]+%, SQN /);
    expect(r.stdout).toMatch(/\n {2}buy and hold eth +total -?[0-9.e+-]+%, annual .*\n {2}buy and hold btc +total /);
    // Under 30 days of bars: the caution after the statistics, with the span in words.
    expect(r.stdout).toMatch(/\n {2}Annualised from [0-9.]+ (minutes?|hours?|days?) of bars: Sharpe and the annual figures /);
  });
});

describe("pairbook analyze rejects bad input with one line and exit code 2", () => {
  const good = Array.from({length: 40}, (_, i) => [i, 100 + Math.sin(i), 50 + Math.cos(i)]);
  it.each([
    ["a missing file", ["--csv", join(dir, "missing.csv")], /cannot read .*missing\.csv: ENOENT/],
    ["a missing column", ["--csv", csv("cols.csv", [["time", "x", "y"], ...good]), "--a", "eth"], /no column "eth"/],
    [
      "a non-numeric cell, with its row",
      ["--csv", csv("bad.csv", [["time", "x", "y"], ...good.slice(0, 5), [5, "oops", 1], ...good.slice(6)])],
      /non-numeric value "oops" in column "x" at row 7/,
    ],
    [
      "an empty cell, with its file line (blank lines counted)",
      ["--csv", csv("empty.csv", [["time", "x", "y"], [], ...good.slice(0, 5), [5, "", 1], ...good.slice(6)])],
      /empty\.csv: non-numeric value "" in column "x" at row 8/,
    ],
    [
      "a row with a cell too many (a comma outside quotes)",
      ["--csv", csv("extra.csv", [["time", "x", "y"], ...good.slice(0, 3), [3, "1,5", 2], ...good.slice(4)])],
      /extra\.csv: row 5 has 4 cells, the header has 3/,
    ],
    ["an empty file", ["--csv", csv("blank.csv", [[]])], /blank\.csv: empty file/],
    ["too few rows", ["--csv", csv("short.csv", [["time", "x", "y"], ...good.slice(0, 10)])], /too few rows \(10; need at least 30\)/],
    ["a constant series", ["--csv", csv("flat.csv", [["time", "x", "y"], ...good.map(([t, x]) => [t, x, 7])])], /column "y" is constant/],
    ["an unknown method", ["--csv", csv("ok.csv", [["time", "x", "y"], ...good]), "--method", "lasso"], /invalid method: "lasso"/],
    // Degenerate series (see "Exit codes" in analyze --help): before, these printed Engle-Granger p = 0.
    [
      "a near-constant column (variation 4e-14 of its value)",
      ["--csv", csv("near.csv", [["time", "x", "y"], ...good.map(([t, x], i) => [t, x, 50 + 2e-12 * Math.sin(7 * i)])])],
      /column "y" is near-constant \(it varies by [0-9.e-]+ at magnitude 50, a relative [0-9.e-]+ ≤ 1e-12\)/,
    ],
    [
      "a near-constant first column",
      ["--csv", csv("neara.csv", [["time", "x", "y"], ...good.map(([t, , y], i) => [t, 100 + 1e-13 * Math.sin(i), y])])],
      /column "x" is near-constant/,
    ],
    [
      "exactly collinear columns (a spread with no variance)",
      ["--csv", csv("collinear.csv", [["time", "x", "y"], ...good.map(([t, , y]) => [t, 2 * y + 3, y])])],
      /columns "x" and "y" are exactly collinear \(their OLS spread varies by/,
    ],
    [
      "columns collinear in logs, with --log",
      ["--csv", csv("collinearLog.csv", [["time", "x", "y"], ...good.map(([t, , y]) => [t, Math.exp(2 * Math.log(y) + 0.1), y])]), "--log"],
      /columns "x" and "y" are exactly collinear in logs/,
    ],
  ] as const)("%s", (_, args, message) => {
    const r = analyze(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toMatch(message);
    if (/near-constant|collinear/.test(String(message))) expect(r.stderr.trim().split("\n")).toHaveLength(1); // one line, not a report
  });

  it("a small but real variation (1e-8 of the price) is analysed; --help documents exit code 2 for degenerate series", () => {
    const small = csv("small.csv", [["time", "x", "y"], ...good.map(([t, x], i) => [t, x, 50 * (1 + 1e-8 * Math.sin(7 * i))])]);
    expect(analyze("--csv", small, "--json").status).toBe(0);
    const help = analyze("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 report printed; 2 .* degenerate series/s);
    expect(help.stdout).toMatch(/max − min ≤ 1e-12 × its largest \|value\|/);
  });
});
