import {spawnSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {fixture, pairOf, type SeriesFixture} from "../lib/reference.js";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pairbook-analyze-funding-"));
const analyze = (...args: string[]) =>
  spawnSync("node", ["cli/pairbook.js", "analyze", ...args], {cwd: root, encoding: "utf8", env: {...process.env, TZ: "UTC"}});

// The analyze fixture's pair on 1-hour rows; both legs perpetuals funded every 8 rows, rates of both signs.
const [c] = fixture<{series: SeriesFixture}>("analyze");
const {a, b} = pairOf(c.series);
function write(name: string, rate: (leg: "a" | "b", row: number) => number, cell = (v: number) => String(v)): string {
  const lines = ["time,eth,btc,eth_funding,btc_funding"];
  for (let i = 0; i < a.length; ++i) {
    const funded = i % 8 === 0;
    lines.push(
      [1_700_000_000_000 + 3_600_000 * i, a[i], b[i], funded ? cell(rate("a", i)) : "", funded ? cell(rate("b", i)) : ""].join(","),
    );
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
const rate = (leg: "a" | "b", i: number) => (leg === "a" ? 1 : -0.5) * (i % 16 === 0 ? 0.0003 : -0.0001);
const file = write("perp.csv", rate),
  negated = write("negated.csv", (leg, i) => -rate(leg, i)),
  doubledA = write("doubled-a.csv", (leg, i) => (leg === "a" ? 2 : 1) * rate(leg, i));
const flags = ["--a", "eth", "--b", "btc", "--entry", "1", "--json"];
const json = (...args: string[]) => {
  const r = analyze(...args);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe("pairbook analyze --funding-a COL --funding-b COL", () => {
  const spot = json("--csv", file, ...flags);
  const perp = json("--csv", file, ...flags, "--funding-a", "eth_funding", "--funding-b", "btc_funding");

  it("charges funding without moving a trade: PnL before funding is the spot backtest's, net is the backtest's", () => {
    expect(spot.backtestStats.funding).toBeUndefined();
    const f = perp.backtestStats.funding;
    expect(perp.backtest.trades).toBe(spot.backtest.trades);
    expect(spot.backtest.trades).toBeGreaterThan(2);
    expect(Math.abs(f.paid)).toBeGreaterThan(0);
    expect(f.pnlBeforeFunding).toBeCloseTo(spot.backtest.totalPnl, 8);
    expect(f.netPnl).toBe(perp.backtest.totalPnl);
    expect(perp.backtest.totalPnl).toBeCloseTo(spot.backtest.totalPnl - f.paid, 8);
  });

  it("funding is linear in the rates, leg by leg: negated rates negate it, leg a's alone add up", () => {
    const paid = (path: string, ...legs: string[]) => json("--csv", path, ...flags, ...legs).backtestStats.funding.paid as number;
    expect(paid(negated, "--funding-a", "eth_funding", "--funding-b", "btc_funding")).toBeCloseTo(-perp.backtestStats.funding.paid, 10);
    const onlyA = paid(file, "--funding-a", "eth_funding"),
      onlyB = paid(file, "--funding-b", "btc_funding");
    expect(onlyA + onlyB).toBeCloseTo(perp.backtestStats.funding.paid, 10);
    expect(paid(doubledA, "--funding-a", "eth_funding", "--funding-b", "btc_funding")).toBeCloseTo(2 * onlyA + onlyB, 10);
  });

  it("prints funding as its own line, and skips funding columns when picking the price columns", () => {
    const r = analyze("--csv", file, "--entry", "1", "--funding-a", "eth_funding", "--funding-b", "btc_funding");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}funding +paid -?[\d.e-]+, PnL before funding -?[\d.e-]+, equity net of funding -?[\d.e-]+$/m);
    const picked = json("--csv", file, "--funding-a", "eth_funding", "--json");
    expect([picked.columns.a, picked.columns.b]).toEqual(["eth", "btc"]);
  });

  it("refuses a non-numeric rate (exit 2, naming the column and row), a missing column, and funding with a basket", () => {
    const bad = write("bad.csv", rate, (v) => (v > 0.0002 ? "high" : String(v)));
    const r = analyze("--csv", bad, ...flags, "--funding-a", "eth_funding");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/non-numeric value "high" in column "eth_funding" at row 2/);
    expect(analyze("--csv", file, ...flags, "--funding-a", "nope").stderr).toMatch(/no column "nope"/);
    expect(analyze("--csv", file, "--a", "eth", "--b", "btc,btc_funding", "--funding-a", "eth_funding").status).toBe(2);
  });
});
