// Alert rules hedged bar by bar (rolling OLS, Kalman): the engine fires where an independent
// transcription of the hedge and the z-score crosses, with its values, and equals the batch
// dynamicHedge over the same bars; the new fields are validated like the others.
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {AlertEngine} from "../../recorder/alerts/engine.js";
import {RuleError, validateRule} from "../../recorder/alerts/rules.js";
import {dynamicHedge} from "../../src/lib/dynamicHedge.js";
import {rollingZScore} from "../../src/lib/rolling.js";
import type {AlertEvent} from "../../src/protocol/alerts.js";
import {kalmanOracle, rollingOlsOracle} from "../lib/hedgeOracles.js";

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);
const W = 20,
  H = 30,
  N = 200;

/** a = 2·b + 10 + e, e a fixed zig-zag with +3 jumps at the given bars (two bars each), b a slow wave. */
function prices(jumps: number[]) {
  const a: number[] = [],
    b: number[] = [];
  for (let k = 0; k < N; ++k) {
    const bk = 100 + 3 * Math.sin(k / 9) + 0.02 * k;
    const e = [0.1, -0.05, 0.07, -0.12, 0.02][k % 5] + (jumps.some((j) => k >= j && k < j + 2) ? 3 : 0);
    (b.push(bk), a.push(2 * bk + 10 + e));
  }
  return {a, b};
}

type Hedge = (a: number[], b: number[]) => {beta: number[]; alpha: number[]};

/** z at bar k: the hedge run over bars k − (W + H − 1) + 1..k, the spread's last W values, z of the last (ddof 1). */
function zAt(a: number[], b: number[], k: number, hedge: Hedge): number {
  const from = k - (W + H - 1) + 1;
  const sa = a.slice(from, k + 1),
    sb = b.slice(from, k + 1);
  const {beta, alpha} = hedge(sa, sb);
  const s = sa.map((v, i) => v - beta[i] * sb[i] - alpha[i]).slice(-W);
  const m = s.reduce((x, v) => x + v, 0) / W;
  const sd = Math.sqrt(s.reduce((x, v) => x + (v - m) ** 2, 0) / (W - 1));
  return (s[W - 1] - m) / sd;
}

let lake: string, rulesFile: string;
beforeEach(async () => {
  lake = await mkdtemp(join(tmpdir(), "pairbook-alerts-dynamic-"));
  rulesFile = join(lake, "alerts.json");
});
afterEach(async () => rm(lake, {recursive: true, force: true}));

async function run(rule: Record<string, unknown>, {a, b}: {a: number[]; b: number[]}): Promise<AlertEvent[]> {
  await writeFile(rulesFile, JSON.stringify({rules: [rule]}));
  const events: AlertEvent[] = [];
  const e = await AlertEngine.open({
    lake,
    rulesFile,
    symbols: ["BTCUSDT", "ETHUSDT"],
    log: () => {},
    feedState: () => ({}),
    onEvent: (ev) => events.push(ev),
  });
  for (let k = 0; k < N; ++k) {
    e.onTrade("BTCUSDT", {id: 2 * k, time: t0 + k * 1000 + 300, price: a[k], qty: 1, isBuyerMaker: false});
    e.onTrade("ETHUSDT", {id: 2 * k + 1, time: t0 + k * 1000 + 600, price: b[k], qty: 1, isBuyerMaker: false});
  }
  await e.close();
  return events;
}

/** Bars where the oracle's z rises above the threshold (no cooldown, no hysteresis: every rising edge fires). */
function risingEdges(a: number[], b: number[], hedge: Hedge, threshold: number): number[] {
  const out: number[] = [];
  let above = false;
  for (let k = W + H - 2; k < N - 1; ++k) {
    const on = zAt(a, b, k, hedge) > threshold;
    if (on && !above) out.push(k);
    above = on;
  }
  return out;
}

const base = {
  target: "BTCUSDT/ETHUSDT",
  metric: "zscore",
  comparator: ">",
  threshold: 2,
  interval: "1s",
  window: W,
  hedgeWindow: H,
  cooldownSeconds: 0,
  hysteresis: null,
};

describe("alert rules with a dynamic hedge", () => {
  const series = prices([80, 120, 160]);
  const {a, b} = series;

  it("kalman: fires where the hand-computed z crosses, with its values, equal to the batch dynamicHedge's z on the same bars", async () => {
    const [delta, ve] = [1e-5, 0.5];
    const events = await run({...base, id: "k", hedge: "kalman", delta, ve}, series);
    const oracle: Hedge = (x, y) => kalmanOracle(x, y, delta, ve);
    const expected = risingEdges(a, b, oracle, 2);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(events.map((ev) => (ev.bar! - t0) / 1000)).toEqual(expected);
    for (const ev of events) {
      const k = (ev.bar! - t0) / 1000;
      expect(ev.value).toBeCloseTo(zAt(a, b, k, oracle), 9);
      // The batch dynamic hedge over the same bars, and the batch rolling z-score of its spread.
      const from = k - (W + H - 1) + 1,
        sa = a.slice(from, k + 1),
        sb = b.slice(from, k + 1);
      const h = dynamicHedge(sa, sb, {kind: "kalman", delta, ve});
      expect(h.beta[0]).toBeNaN(); // the filter's prior at the first bar is no hedge
      const z = rollingZScore(sa.map((v, i) => v - h.beta[i] * sb[i] - h.alpha[i]).slice(1), W);
      expect(ev.value).toBeCloseTo(z[z.length - 1], 10);
    }
  });

  it("rolling-ols: fires where the per-window regression's z crosses, with its values", async () => {
    const events = await run({...base, id: "r", hedge: "rolling-ols"}, series);
    const oracle: Hedge = (x, y) => rollingOlsOracle(x, y, H);
    const expected = risingEdges(a, b, oracle, 2);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(events.map((ev) => (ev.bar! - t0) / 1000)).toEqual(expected);
    for (const ev of events) expect(ev.value).toBeCloseTo(zAt(a, b, (ev.bar! - t0) / 1000, oracle), 9);
  });

  it("a kalman rule differs from a static one: the dynamic β is used, not the window's fit", async () => {
    const k = await run({...base, id: "k", hedge: "kalman", delta: 1e-5, ve: 0.5}, series);
    const o = await run({...base, id: "o", hedge: "ols", hedgeWindow: undefined}, series);
    expect(k.map((ev) => ev.value)).not.toEqual(o.map((ev) => ev.value));
  });
});

describe("validateRule on dynamic hedges", () => {
  const recorded = ["BTCUSDT", "ETHUSDT"];
  const rule = (extra: Record<string, unknown>) => validateRule({...base, ...extra}, recorded, "x");
  const field = (extra: Record<string, unknown>) => {
    try {
      rule(extra);
    } catch (error) {
      return [(error as RuleError).field, (error as Error).message];
    }
    return null;
  };

  it("fills the defaults, keeping only the fields the hedge uses", () => {
    expect(rule({hedge: "kalman", hedgeWindow: undefined})).toMatchObject({hedge: "kalman", hedgeWindow: 60, delta: 1e-4, ve: 1e-3});
    const r = rule({hedge: "rolling-ols", delta: 0.5});
    expect([r.hedgeWindow, "delta" in r, "ve" in r]).toEqual([H, false, false]);
    const o = rule({hedge: "ols"});
    expect(["hedgeWindow" in o, "delta" in o]).toEqual([false, false]);
  });

  it("refuses bad values, naming the field", () => {
    expect(field({hedge: "rolling-ols", hedgeWindow: 2})).toEqual([
      "hedgeWindow",
      "invalid hedgeWindow: 2 (expected an integer from 3 to 10000 (bars))",
    ]);
    expect(field({hedge: "rolling-ols", hedgeWindow: 10_001})?.[0]).toBe("hedgeWindow");
    expect(field({hedge: "kalman", delta: 1})?.[0]).toBe("delta");
    expect(field({hedge: "kalman", delta: 0})?.[0]).toBe("delta");
    expect(field({hedge: "kalman", ve: -1})?.[0]).toBe("ve");
    expect(field({hedge: "kalman-ols"})).toEqual([
      "hedge",
      'invalid hedge: "kalman-ols" (expected ols, rolling-ols, kalman, huber, theil-sen, tls, ransac)',
    ]);
  });
});
