import {spawnSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "pairbook-analyze-wf-"));
const analyze = (...args: string[]) =>
  spawnSync("node", ["cli/pairbook.js", "analyze", ...args], {cwd: root, encoding: "utf8", env: {...process.env, TZ: "UTC"}});

// Three exact linear pieces of 20 rows, a = α_k + β_k·b: each 20-row train window is one piece, so
// segment k's OLS hedge is piece k's, by hand.
const pieces = [
  {alpha: 4, beta: 2},
  {alpha: -1, beta: 0.75},
  {alpha: 0, beta: 1.5},
];
const rows = Array.from({length: 60}, (_, t) => {
  const b = 100 + t + 2 * Math.sin(1.3 * t),
    p = pieces[Math.floor(t / 20)];
  return [t * 60_000, p.alpha + p.beta * b, b];
});
const file = join(dir, "pieces.csv");
writeFileSync(file, `time,a,b\n${rows.map((r) => r.join(",")).join("\n")}\n`);

describe("pairbook analyze --walk-forward TRAIN,TEST", () => {
  it("prints one segment per refit, each with its train window's β", () => {
    const r = analyze("--csv", file, "--json", "--walk-forward", "20,20", "--window", "5", "--entry", "1");
    expect(r.status, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).walkForward;
    expect(w.segments.map((s: {testFrom: number; testTo: number}) => [s.testFrom, s.testTo])).toEqual([
      [20, 40],
      [40, 60],
    ]);
    w.segments.forEach((s: {beta: number; alpha: number}, k: number) => {
      expect(s.beta).toBeCloseTo(pieces[k].beta, 9);
      expect(s.alpha).toBeCloseTo(pieces[k].alpha, 6);
    });
    expect(Object.keys(w.stats)).toContain("sqn");
  });

  it("human output: a segment line each and the stitched statistics", () => {
    const r = analyze("--csv", file, "--walk-forward", "20,20", "--window", "5", "--entry", "1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/walk-forward +2 segments: OLS refitted on 20 bars, traded on the next 20, step 20/);
    expect(r.stdout).toMatch(/\n +1 +bars 20–39 +β 2 /);
  });

  it.each(["20", "20,x", "2,20", "20,10,5"])("rejects --walk-forward %s with exit code 2", (spec) => {
    const r = analyze("--csv", file, "--walk-forward", spec);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/invalid (--walk-forward|train|step)/);
  });
});
