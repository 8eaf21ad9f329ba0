// PairStream (the pair report's series kept up to date bar by bar) against the page's batch path —
// pairView, hedgedSeries, pairRule, rollingMean/rollingStd bands, returns and rollingCorrelation — on
// a snapshot plus live bars that arrive one by one, replace the last bucket, come late for one leg,
// fall into gaps, and are rebucketed to coarser intervals.
import {describe, expect, it} from "vitest";
import {rollingCorrelation} from "../../../src/lib/correlation.js";
import {pairRule} from "../../../src/lib/pairReport.js";
import {rollingMean, rollingStd, rollingZScore} from "../../../src/lib/rolling.js";
import {backtest} from "../../../src/lib/backtest.js";
import {dynamicHedge} from "../../../src/lib/dynamicHedge.js";
import type {BarsFile, SymbolBars} from "../../../src/protocol/barsFile.js";
import {LiveBars} from "../../../src/client/liveBars.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {type StreamRule, type StreamView, PairStream} from "../../../src/lib/stream/pairStream.js";
import {hedgedSeries, returns} from "../../../src/lib/stream/pairSeries.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {Xorshift128} from "../series.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** A snapshot of n one-second bars of legs A and B: a few empty buckets, a gap of B at 100…129. */
function snapshot(n: number, seed = 1): BarsFile {
  const rng = new Xorshift128(seed),
    time = new Float64Array(n);
  for (let i = 0; i < n; ++i) time[i] = t0 + i * 1000;
  const leg = (p: number, gapFrom: number): SymbolBars => {
    const close = new Float64Array(n),
      count = new Float64Array(n),
      gap = new Uint8Array(n),
      zero = new Float64Array(n);
    for (let i = 0; i < n; ++i) {
      p *= 1 + 1e-3 * rng.normal();
      const empty = rng.uniform() < 0.1;
      ((close[i] = empty ? NaN : p), (count[i] = empty ? 0 : 3), (gap[i] = i >= gapFrom && i < gapFrom + 30 ? 1 : 0));
    }
    return {
      bars: {
        interval: 1000,
        start: time,
        open: close,
        high: close,
        low: close,
        close,
        volume: zero,
        quoteVolume: zero,
        count,
        vwap: close,
        takerBuyVolume: zero,
      },
      gap,
    };
  };
  const symbols = new Map([
    ["A", leg(60_000, n + 1)],
    ["B", leg(3_000, 100)],
  ]);
  return {
    meta: {
      symbols: ["A", "B"],
      interval: "1s",
      intervalMs: 1000,
      from: t0,
      to: t0 + n * 1000,
      builtAt: t0 + n * 1000,
      trades: {},
      gaps: [],
      liveUrl: "",
    },
    time,
    symbols,
  };
}

const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});

/** The page's batch computation of the same series. */
function batch(legA: SymbolBars, legB: SymbolBars, view: StreamView, rule: StreamRule) {
  const v = pairView(legA, legB, view);
  const corr = rollingCorrelation(returns(v.a), returns(v.b), Math.max(2, rule.window));
  if (rule.dynamic) return {v, corr, series: dynamicBatch(v, rule)};
  if (!rule.hedge) return {v, corr, series: null};
  const s = hedgedSeries(v, rule.hedge, rule.log);
  const r = pairRule(
    {...s, hedge: rule.hedge},
    {window: rule.window, entry: rule.entry, exit: rule.exit, stop: rule.stop, lag: rule.lag, feeBps: rule.feeBps, barMs: 1000},
  );
  const mean = rollingMean(s.spread, rule.window),
    sd = rollingStd(s.spread, rule.window);
  return {
    v,
    corr,
    series: {
      spread: s.spread,
      mean,
      upper: mean.map((m, i) => m + rule.entry * sd[i]),
      lower: mean.map((m, i) => m - rule.entry * sd[i]),
      z: r.zscore,
      bt: r.backtest,
    },
  };
}

/**
 * The batch path under a dynamic hedge: β_t, α_t by dynamicHedge on the (log) prices, the spread
 * a − β_t·b − α_t, its rolling mean, std and z-score from the first bar with a β on, and the backtest with
 * β per bar.
 */
function dynamicBatch(v: {time: Float64Array; a: Float64Array; b: Float64Array}, rule: StreamRule) {
  const {a, b} = hedgedSeries(v, {alpha: 0, beta: 0}, rule.log),
    n = a.length;
  const h = dynamicHedge(a, b, rule.dynamic!);
  const spread = a.map((x, i) => x - h.beta[i] * b[i] - h.alpha[i]);
  const found = h.beta.findIndex((x) => !Number.isNaN(x)),
    first = found < 0 ? n : found;
  const pad = (x: Float64Array) => {
    const out = new Float64Array(n).fill(NaN);
    out.set(x, first);
    return out;
  };
  const tail = spread.subarray(first),
    mean = pad(rollingMean(tail, rule.window)),
    sd = pad(rollingStd(tail, rule.window)),
    z = pad(rollingZScore(tail, rule.window));
  const bt = backtest(a, b, z, {beta: h.beta, entry: rule.entry, exit: rule.exit, stop: rule.stop, lag: rule.lag, feeBps: rule.feeBps});
  return {
    spread,
    mean,
    upper: mean.map((m, i) => m + rule.entry * sd[i]),
    lower: mean.map((m, i) => m - rule.entry * sd[i]),
    z,
    bt,
    beta: h.beta,
  };
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i)
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}] of ${expected.length}: ${actual[i]} instead of ${expected[i]}`);
}

function expectBatch(stream: PairStream, legA: SymbolBars, legB: SymbolBars, view: StreamView, rule: StreamRule, when: string): void {
  const e = batch(legA, legB, view, rule);
  expectSame(stream.column("time"), e.v.time, `${when}: time`);
  (expectSame(stream.column("a"), e.v.a, `${when}: a`), expectSame(stream.column("b"), e.v.b, `${when}: b`));
  expect(stream.excluded, `${when}: excluded`).toBe(e.v.excluded);
  expect(stream.gaps, `${when}: gaps`).toEqual(e.v.gaps);
  expectSame(stream.column("corr"), e.corr, `${when}: correlation`);
  expect(stream.ruled).toBe(e.series !== null);
  if (!e.series) return;
  for (const k of ["spread", "mean", "upper", "lower", "z"] as const) expectSame(stream.column(k), e.series[k], `${when}: ${k}`);
  (expectSame(stream.column("equity"), e.series.bt.equity, `${when}: equity`),
    expectSame(stream.column("drawdown"), e.series.bt.drawdown, `${when}: drawdown`));
  expect(stream.tradeList(), `${when}: trades`).toEqual(e.series.bt.tradeList);
  expect(stream.metrics(1000)?.totalPnl).toBe(e.series.bt.totalPnl);
  expect(stream.metrics(1000)?.sharpe).toBe(e.series.bt.sharpe);
}

const rule: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};

/**
 * Feeds live bars the way a recorder does: mostly both legs per second, sometimes B a few seconds
 * late, the open bucket updated again, empty seconds; checks the stream against the batch after
 * every update. Returns how many updates changed an existing row (not only appended).
 */
function live(
  view: StreamView,
  r: StreamRule,
  steps: number,
  {seed = 3, every = 1, before}: {seed?: number; every?: number; before?: (stream: PairStream, k: number) => void} = {},
): {replaced: number; stream: PairStream} {
  const file = snapshot(400),
    bars = new LiveBars(file),
    stream = new PairStream(),
    rng = new Xorshift128(seed);
  let version = bars.version,
    pa = 60_000,
    pb = 3_000,
    replaced = 0;
  stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, r);
  const late: LiveBar[] = [];
  for (let k = 0; k < steps; ++k) {
    const start = t0 + (400 + k) * 1000,
      u = rng.uniform();
    ((pa *= 1 + 1e-3 * rng.normal()), (pb *= 1 + 1e-3 * rng.normal()));
    if (u < 0.05) continue; // nothing traded this second
    bars.add("A", [bar(start, pa)]);
    if (u < 0.2)
      late.push(bar(start, pb)); // B's bar comes later
    else bars.add("B", [...late.splice(0), bar(start, pb)]);
    if (u > 0.8) bars.add("A", [bar(start, pa * (1 + 1e-3 * rng.normal()))]); // the open bucket again
    if (k % every !== 0) continue;
    before?.(stream, k);
    const legA = bars.bars("A"),
      legB = bars.bars("B"),
      n = stream.length;
    const first = stream.update(legA, legB, bars.changedSince(version), view, r);
    version = bars.version;
    if (first.series < n) ++replaced;
    expect(first.bars).toBe(first.series);
    expectBatch(stream, legA, legB, view, r, `after live second ${k}`);
  }
  return {replaced, stream};
}

describe("PairStream.update(legs, changedFrom, view, rule) equals the batch path", () => {
  it("1-second bars, all bars: appended, replaced and late bars", () => {
    const {replaced} = live({intervalMs: 1000, lookbackMs: Infinity}, rule, 300);
    expect(replaced).toBeGreaterThan(20); // the checkpoints were used, not only appends
  });

  it("1-minute bars from 1-second bars: the last bucket changes with every second", () => {
    const {replaced} = live({intervalMs: 60_000, lookbackMs: Infinity}, {...rule, window: 3}, 400);
    expect(replaced).toBeGreaterThan(300);
  });

  it("5-second bars, log prices, lag 0, no stop", () => {
    live(
      {intervalMs: 5000, lookbackMs: Infinity},
      {...rule, hedge: {alpha: -2, beta: 0.8}, log: true, lag: 0, stop: undefined, window: 5},
      300,
    );
  });

  it("several live seconds per update (frames that carry more than one bar)", () => {
    live({intervalMs: 1000, lookbackMs: Infinity}, rule, 300, {every: 7});
  });

  it("a window larger than the bars, and no hedge yet (only the correlation)", () => {
    live({intervalMs: 1000, lookbackMs: Infinity}, {...rule, window: 2000}, 60);
    live({intervalMs: 1000, lookbackMs: Infinity}, {...rule, hedge: null}, 60);
  });

  it("an option change recomputes the rows from the start", () => {
    const view = {intervalMs: 1000, lookbackMs: Infinity},
      file = snapshot(500),
      bars = new LiveBars(file),
      stream = new PairStream();
    let n = 0;
    for (const r of [rule, {...rule, window: 45}, {...rule, window: 45, entry: 2}, {...rule, hedge: {alpha: -90, beta: 20}}]) {
      expect(stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r)).toEqual({bars: n, series: 0});
      n = stream.length;
      expectBatch(stream, bars.bars("A"), bars.bars("B"), view, r, JSON.stringify(r));
    }
  });

  it("a bar older than the checkpoints rebuilds the view", () => {
    const view = {intervalMs: 1000, lookbackMs: Infinity},
      file = snapshot(400),
      bars = new LiveBars(file),
      stream = new PairStream();
    let version = bars.version;
    for (let k = 0; k < 700; ++k)
      (bars.add("A", [bar(t0 + (400 + k) * 1000, 60_000 + k)]), bars.add("B", [bar(t0 + (400 + k) * 1000, 3_000 + k / 20)]));
    stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, rule);
    version = bars.version;
    bars.add("B", [bar(t0 + 450 * 1000, 2_990)]);
    expect(stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, rule)).toEqual({bars: 0, series: 0});
    expectBatch(stream, bars.bars("A"), bars.bars("B"), view, rule, "after a bar 650 s late");
  });

  it("a finite lookback keeps the view's head until rebuild(), then equals pairView with that lookback", () => {
    const lookbackMs = 200_000,
      view = {intervalMs: 1000, lookbackMs};
    const file = snapshot(400),
      bars = new LiveBars(file),
      s = new PairStream();
    s.update(bars.bars("A"), bars.bars("B"), -Infinity, view, rule);
    expectBatch(s, bars.bars("A"), bars.bars("B"), view, rule, "the snapshot");
    const head = s.column("time")[0];
    expect(head).toBe(t0 + 200_000); // 400 snapshot bars, the last 200 s kept
    // While live, the view is the batch's over a lookback that reaches back to the pinned head.
    let version = bars.version;
    for (let k = 0; k < 50; ++k) {
      const start = t0 + (400 + k) * 1000;
      (bars.add("A", [bar(start, 60_000 + k)]), bars.add("B", [bar(start, 3_000 + k / 10)]));
      s.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, rule);
      version = bars.version;
      expectBatch(s, bars.bars("A"), bars.bars("B"), {intervalMs: 1000, lookbackMs: start + 1000 - head}, rule, `live second ${k}`);
    }
    s.rebuild();
    s.update(bars.bars("A"), bars.bars("B"), Infinity, view, rule);
    expectBatch(s, bars.bars("A"), bars.bars("B"), view, rule, "after rebuild()");
  });
});

describe("PairStream.update with a dynamic hedge (rolling OLS, Kalman) equals the batch path", () => {
  const rolling: StreamRule = {...rule, hedge: null, dynamic: {kind: "rolling-ols", window: 30}};
  const kalman: StreamRule = {...rule, hedge: null, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}, log: true};

  it("rolling OLS over 30 bars, 1-second bars: appended, replaced and late bars", () => {
    const {replaced, stream} = live({intervalMs: 1000, lookbackMs: Infinity}, rolling, 300);
    expect(replaced).toBeGreaterThan(20);
    // β moves: not one value (as a fixed hedge would give).
    const beta = stream.column("beta").filter((x) => !Number.isNaN(x));
    expect(Math.max(...beta) - Math.min(...beta)).toBeGreaterThan(0.1);
    expect(stream.tradeList().length).toBeGreaterThan(0);
  });

  it("Kalman on log prices, 5-second bars, several bars per update", () => {
    const {stream} = live({intervalMs: 5000, lookbackMs: Infinity}, {...kalman, window: 10}, 300, {every: 3});
    expect(stream.tradeList().length).toBeGreaterThan(0);
  });

  it("switching between the fixed, rolling and Kalman hedges recomputes the rows", () => {
    const view = {intervalMs: 1000, lookbackMs: Infinity},
      bars = new LiveBars(snapshot(500)),
      stream = new PairStream();
    const zs: Float64Array[] = [];
    for (const r of [rule, rolling, {...rolling, dynamic: {kind: "rolling-ols" as const, window: 60}}, kalman, rule]) {
      stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r);
      expectBatch(stream, bars.bars("A"), bars.bars("B"), view, r, JSON.stringify(r));
      zs.push(stream.column("z").slice());
    }
    expect(zs[1]).not.toEqual(zs[0]);
    expect(zs[2]).not.toEqual(zs[1]);
    expect(zs[3]).not.toEqual(zs[2]);
    expect(zs[4]).toEqual(zs[0]);
  });

  it("no look-ahead: appending bars never changes β, spread or z at earlier rows", () => {
    for (const r of [rolling, kalman]) {
      const view = {intervalMs: 1000, lookbackMs: Infinity},
        bars = new LiveBars(snapshot(400)),
        stream = new PairStream();
      stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, r);
      const before = Object.fromEntries((["beta", "alpha", "spread", "z"] as const).map((k) => [k, stream.column(k).slice()]));
      let version = bars.version;
      for (let k = 0; k < 100; ++k) {
        const start = t0 + (400 + k) * 1000;
        (bars.add("A", [bar(start, 70_000 - 30 * k)]), bars.add("B", [bar(start, 3_000 + k)]));
        stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r);
        version = bars.version;
      }
      // A fresh stream over all the bars (the batch), cut at the old length, equals the rows before.
      const fresh = new PairStream();
      fresh.update(bars.bars("A"), bars.bars("B"), -Infinity, view, r);
      for (const k of ["beta", "alpha", "spread", "z"] as const) {
        const n = before[k].length;
        expectSame(stream.column(k).subarray(0, n), before[k], `${r.dynamic!.kind} ${k}`);
        expectSame(fresh.column(k).subarray(0, n), before[k], `${r.dynamic!.kind} ${k} (fresh)`);
        // …and the new bars did move β (the test would see a look-ahead).
        expect(stream.column(k)[stream.length - 1]).not.toBe(before[k][n - 1]);
      }
    }
  });
});

describe("PairStream.update(…, limit) and proceed: a recompute in slices equals the batch path", () => {
  const kalman: StreamRule = {...rule, hedge: null, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}};

  it("slices of 300 rows, live bars (appended and replaced) arriving between them, for three rules in turn", () => {
    const view = {intervalMs: 1000, lookbackMs: Infinity},
      bars = new LiveBars(snapshot(2000)),
      stream = new PairStream();
    let k = 0;
    for (const r of [rule, {...rule, window: 45}, kalman]) {
      let version = bars.version,
        slices = 1;
      stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r, 300);
      expect(stream.pending).toBe(true);
      while (stream.pending) {
        const start = t0 + (2000 + k++) * 1000;
        bars.add("A", [bar(start, 60_000 + k)]);
        bars.add("B", [bar(start, 3_000 + k / 20)]);
        if (k % 3 === 0) bars.add("A", [bar(start, 60_000 - k)]); // the open bucket again
        if (slices % 2) stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r, 300);
        else stream.proceed(300);
        version = bars.version;
        ++slices;
      }
      // ~2,000 rows in slices of 300 (a proceed's bars come in with the next update).
      expect(slices).toBeGreaterThan(6);
      stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r);
      expectBatch(stream, bars.bars("A"), bars.bars("B"), view, r, `after ${slices} slices`);
    }
  });

  it("proceed() with no limit finishes the rows at once; without a rule it is a no-op", () => {
    const view = {intervalMs: 1000, lookbackMs: Infinity},
      bars = new LiveBars(snapshot(1000)),
      stream = new PairStream();
    expect(stream.proceed()).toBe(true);
    stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, rule, 10);
    expect(stream.pending).toBe(true);
    expect(stream.proceed()).toBe(true);
    expect(stream.pending).toBe(false);
    expectBatch(stream, bars.bars("A"), bars.bars("B"), view, rule, "after proceed()");
  });
});
