// `pairbook analyze --method rolling-ols|kalman`: the report's hedge, spread, z-score and backtest under
// β_t bar by bar, against independent transcriptions of the hedges (test/lib/hedgeOracles.ts) and the
// batch src/lib backtest fed with their β and z.
import {spawnSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {backtest} from "../../src/lib/backtest.js";
import {Xorshift128} from "../lib/series.js";
import {kalmanOracle, lastZ, rollingOlsOracle} from "../lib/hedgeOracles.js";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pairbook-analyze-dynamic-"));

function analyze(...args: string[]) {
  const r = spawnSync("node", ["cli/pairbook.js", "analyze", ...args], {cwd: root, encoding: "utf8", env: {...process.env, TZ: "UTC"}});
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

// A pair whose β drifts: a = 5 + β_t·b + noise, β_t = 1.5 + 0.3·sin(t/60), b a random walk.
const n = 400,
  rng = new Xorshift128(11),
  a: number[] = [],
  b: number[] = [];
for (let t = 0, pb = 100; t < n; ++t) {
  pb += 0.5 * rng.normal();
  (b.push(pb), a.push(5 + (1.5 + 0.3 * Math.sin(t / 60)) * pb + 0.4 * rng.normal()));
}
const file = join(dir, "pair.csv");
writeFileSync(file, `time,eth,btc\n${a.map((v, t) => `${1_700_000_000_000 + 60_000 * t},${v},${b[t]}`).join("\n")}\n`);

type Hedge = {beta: number[]; alpha: number[]};

/** What the report must say under β_t, from an oracle's hedge: spread from the first defined β, z per bar, the batch backtest. */
function expected({beta, alpha}: Hedge, window: number) {
  const first = beta.findIndex((v) => !Number.isNaN(v));
  const spread = a.map((v, t) => v - beta[t] * b[t] - alpha[t]);
  const s = spread.slice(first);
  const mean = s.reduce((x, v) => x + v, 0) / s.length;
  const std = Math.sqrt(s.reduce((x, v) => x + (v - mean) ** 2, 0) / (s.length - 1));
  const z = spread.map((_, t) => (t - first + 1 >= window ? lastZ(spread.slice(first, t + 1), window) : NaN));
  const bt = backtest(a, b, z, {beta, entry: 2, exit: 0, lag: 1, barMs: 60_000});
  return {spread: {mean, std, last: spread[n - 1]}, z: z[n - 1], bt};
}

function expectReport(out: ReturnType<typeof JSON.parse>, h: Hedge, window: number) {
  const e = expected(h, window);
  expect(out.hedge.beta).toBeCloseTo(h.beta[n - 1], 9);
  expect(out.hedge.alpha).toBeCloseTo(h.alpha[n - 1], 7);
  expect(out.hedge.betaStdErr).toBeNull();
  expect(out.spread.last).toBeCloseTo(e.spread.last, 8);
  expect(out.spread.mean).toBeCloseTo(e.spread.mean, 8);
  expect(out.spread.std).toBeCloseTo(e.spread.std, 8);
  expect(out.zscore).toEqual({window, last: expect.closeTo(e.z, 8)});
  expect(out.backtest.trades).toBe(e.bt.trades);
  expect(e.bt.trades).toBeGreaterThan(2);
  expect(out.backtest.totalPnl).toBeCloseTo(e.bt.totalPnl, 6);
  expect(out.backtest.maxDrawdown).toBeCloseTo(e.bt.maxDrawdown, 6);
}

describe("pairbook analyze with a dynamic hedge", () => {
  const fixed = JSON.parse(analyze("--csv", file, "--json").stdout);

  it("--method rolling-ols --hedge-window 50: spread, z and backtest under the rolling OLS of each window", () => {
    const run = analyze("--csv", file, "--json", "--method", "rolling-ols", "--hedge-window", "50");
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout);
    expect(out.hedge).toMatchObject({method: "rolling-ols", dynamic: {kind: "rolling-ols", window: 50}});
    expectReport(out, rollingOlsOracle(a, b, 50), 20);
    // The tests of the spread stay the fixed OLS fit's; the rule's numbers do not.
    expect(out.coint).toEqual(fixed.coint);
    expect(out.backtest.totalPnl).not.toBeCloseTo(fixed.backtest.totalPnl, 3);
  });

  it("--method kalman --delta 1e-4 --ve 0.1 --window 30: under the filter's posterior β_t, α_t", () => {
    const run = analyze("--csv", file, "--json", "--method", "kalman", "--delta", "1e-4", "--ve", "0.1", "--window", "30");
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout);
    expect(out.hedge).toMatchObject({method: "kalman", dynamic: {kind: "kalman", delta: 1e-4, ve: 0.1}});
    // The filter's gain is 0 at the first bar (P₀ = 0): β₀ = α₀ = 0 is its prior, no hedge, so the spread starts at bar 1.
    const k = kalmanOracle(a, b, 1e-4, 0.1);
    expectReport(out, {beta: [NaN, ...k.beta.slice(1)], alpha: [NaN, ...k.alpha.slice(1)]}, 30);
  });

  it("--help lists the dynamic hedges and their parameters", () => {
    const help = analyze("--help").stdout;
    for (const text of ["rolling-ols", "kalman", "--hedge-window N", "--delta D --ve V"]) expect(help).toContain(text);
  });

  it.each([
    [["--hedge-window", "50"], /--hedge-window is for --method rolling-ols/],
    [["--method", "kalman", "--delta", "1"], /invalid --delta: 1/],
    [["--method", "kalman", "--ve", "0"], /invalid --ve: 0/],
    [["--method", "rolling-ols", "--hedge-window", "2"], /hedge-window/],
    [["--method", "rolling-ols", "--hedge-window", "390"], /leaves no z-score in 400 rows/],
    [["--method", "lasso"], /invalid method: "lasso" \(expected ols, rolling-ols, kalman/],
  ])("refuses %j (exit 2, the reason on the first line)", (args, message) => {
    const run = analyze("--csv", file, ...args);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toMatch(message);
  });
});
