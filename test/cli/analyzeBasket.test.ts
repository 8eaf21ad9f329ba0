import {spawnSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {expectAllClose, expectClose, fixture} from "../lib/reference.js";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pairbook-basket-"));

function analyze(...args: string[]) {
  const r = spawnSync("node", ["cli/pairbook.js", "analyze", ...args], {cwd: root, encoding: "utf8", env: {...process.env, TZ: "UTC"}});
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

// scripts/reference/baskets.py: a cointegrated basket of 3 with statsmodels' coint, coint_johansen, adfuller.
interface BasketCase {
  y: number[];
  x: number[][];
  coint: {options: {trend: string; autolag: string | null}; expected: {statistic: number; pValue: number; params: number[]}}[];
  johansen: {options: {detOrder: number; kArDiff: number}; expected: {traceStat: number[]; maxEigStat: number[]}}[];
  spreadAdf: {statistic: number; usedLag: number; nobs: number};
}

describe("pairbook analyze --a btc --b eth,sol (a basket)", () => {
  const [c] = fixture<BasketCase>("baskets");
  const file = join(dir, "basket.csv");
  const rows = c.y.map((v, i) => [1_700_000_000_000 + 60_000 * i, v, c.x[0][i], c.x[1][i]].join(","));
  writeFileSync(file, `time,btc,eth,sol\n${rows.join("\n")}\n`);

  it("prints the hedge vector, the spread's ADF, Engle-Granger and Johansen as statsmodels, and a backtest on every leg", () => {
    const run = analyze("--csv", file, "--a", "btc", "--b", "eth,sol", "--trend", "ct", "--fee-bps", "5", "--json");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.columns).toEqual({a: "btc", b: ["eth", "sol"], log: false});
    const eg = c.coint.find((e) => e.options.trend === "ct" && e.options.autolag === "aic")!;
    expectAllClose([...out.hedge.betas, out.hedge.alpha, out.hedge.trendSlope], eg.expected.params, 1e-8, 1e-12, "hedge");
    expectClose(out.coint.statistic, eg.expected.statistic, 1e-8, 1e-12, "coint.statistic");
    expectClose(out.coint.pValue, eg.expected.pValue, 1e-8, 1e-300, "coint.pValue");
    const jo = c.johansen.find((e) => e.options.detOrder === 0 && e.options.kArDiff === 1)!; // analyze's defaults
    expectAllClose(out.johansen.traceStat, jo.expected.traceStat, 1e-8, 1e-8, "trace");
    expectAllClose(out.johansen.maxEigStat, jo.expected.maxEigStat, 1e-8, 1e-8, "maxEig");
    expect(out.backtest.trades).toBeGreaterThan(0);
    expect(out.backtest.feesPaid).toBeGreaterThan(0);
  });

  it("tests the spread of the trend-c regression with statsmodels' adfuller by default", () => {
    const out = JSON.parse(analyze("--csv", file, "--b", "eth,sol", "--json").stdout);
    expect(out.columns.a).toBe("btc"); // the first column not time and not a leg
    expect(out.hedge.trend).toBe("c");
    expectClose(out.adf.statistic, c.spreadAdf.statistic, 1e-8, 1e-12, "adf.statistic");
    expect([out.adf.usedLag, out.adf.nobs]).toEqual([c.spreadAdf.usedLag, c.spreadAdf.nobs]);
  });

  it("prints a human-readable report with each leg's position", () => {
    const r = analyze("--csv", file, "--a", "btc", "--b", "eth,sol");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pairbook analyze: btc on the basket eth, sol, 300 rows/);
    expect(r.stdout).toMatch(/hedge \(ols, trend c\) {3}btc = [-0-9.e]+ \+ [-0-9.e]+ × eth \+ [-0-9.e]+ × sol/);
    expect(r.stdout).toMatch(/positions {5}\+1 spread: \+1 btc, -[0-9.e]+ eth, -[0-9.e]+ sol/);
    expect(r.stdout).toMatch(/Engle-Granger .* N 3 /);
    expect(r.stdout).toMatch(/ {2}r ≤ 2: trace/);
    expect(r.stdout).toMatch(/backtest +\d+ trades across 3 legs/);
  });

  it.each([
    ["a repeated leg", ["--b", "eth,eth"], /names "eth" twice: a basket's legs must differ/],
    ["an unknown leg", ["--b", "eth,doge"], /no column "doge" \(columns: time, btc, eth, sol\)/],
    ["a as a leg", ["--a", "btc", "--b", "eth,btc"], /--b includes the --a column "btc"/],
    ["an empty leg", ["--b", "eth,"], /has an empty leg name/],
  ])("refuses %s with one line and exit code 2", (_, args, message) => {
    const r = analyze("--csv", file, ...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses a basket that reproduces a exactly, and --trend or --method that do not apply", () => {
    const exact = join(dir, "exact.csv");
    writeFileSync(exact, `btc,eth,sol\n${c.y.map((_, i) => [2 * c.x[0][i] - c.x[1][i] + 3, c.x[0][i], c.x[1][i]].join(",")).join("\n")}\n`);
    const r = analyze("--csv", exact, "--b", "eth,sol");
    expect([r.status, r.stderr.trim().split("\n").length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(/column "btc" is exactly collinear with "eth", "sol"/);
    expect(analyze("--csv", file, "--b", "eth,sol", "--trend", "cx").stderr).toMatch(/invalid regression: "cx"/);
    expect(analyze("--csv", file, "--b", "eth", "--trend", "ct").stderr).toMatch(/--trend is for a basket/);
    expect(analyze("--csv", file, "--b", "eth,sol", "--method", "huber").stderr).toMatch(/--method huber is for a pair/);
  });
});
