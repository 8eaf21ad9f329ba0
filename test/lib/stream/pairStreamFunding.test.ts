// Funding of perpetual legs through the pair page's engine (PairStream, src/lib/stream/streamRule.ts):
// a known schedule against a hand computation, and the stream continued bar by bar (live bars, a
// replaced last bucket) equal bit for bit to the batch backtest the report and `analyze` run.
import {describe, expect, it} from "vitest";
import type {FundingRateEvent} from "../../../src/lib/funding.js";
import {pairRule} from "../../../src/lib/pairReport.js";
import {backtestStatsRows} from "../../../src/lib/report/backtestStatsRows.js";
import {type StreamRule, PairStream} from "../../../src/lib/stream/pairStream.js";
import {hedgedSeries} from "../../../src/lib/stream/pairSeries.js";
import {pairView} from "../../../src/lib/stream/pairView.js";
import {streamStats} from "../../../src/lib/stream/streamStats.js";
import {LiveBars} from "../../../src/client/liveBars.js";
import {PageFunding} from "../../../src/client/pageFunding.js";
import type {BarsFile, SymbolBars} from "../../../src/protocol/barsFile.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {Xorshift128} from "../series.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** One-second bars of two legs with the given closes (NaN: no trade that second), as a decoded bars file. */
function file(closesA: readonly number[], closesB: readonly number[]): BarsFile {
  const n = closesA.length,
    time = Float64Array.from({length: n}, (_, i) => t0 + i * 1000);
  const leg = (closes: readonly number[]): SymbolBars => {
    const close = Float64Array.from(closes),
      zero = new Float64Array(n);
    const count = close.map((c) => (Number.isNaN(c) ? 0 : 1));
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
      gap: new Uint8Array(n),
    };
  };
  const meta = {
    symbols: ["A", "B"],
    interval: "1s",
    intervalMs: 1000,
    from: t0,
    to: t0 + n * 1000,
    builtAt: 0,
    trades: {},
    gaps: [],
    liveUrl: "",
  };
  return {
    meta,
    time,
    symbols: new Map([
      ["A", leg(closesA)],
      ["B", leg(closesB)],
    ]),
  };
}

const view = {intervalMs: 1000, lookbackMs: Infinity};

describe("PairStream with funding (the pair page's backtest)", () => {
  it("charges a known funding schedule on the position held at each funding time, as computed by hand to the cent", () => {
    // A alternates 100/101 for ten bars, then drops to 90 and stays; B stays at 50. Hedge a − 1·b. With
    // a z window of 10, bar 10 (a = 90) has z = −9.5 / 3.375 = −2.81 < −2: the rule goes long the
    // spread, filled at bar 11's close (lag 1), and holds to the end (exit −1.9: it would leave only
    // at z ≥ 1.9, and z stays ≤ 0 or undefined on the flat tail). Long the spread: +1 A, −1 B.
    const a = [100, 101, 100, 101, 100, 101, 100, 101, 100, 101, 90, ...Array<number>(14).fill(90)],
      b = Array<number>(25).fill(50);
    const events: {a: FundingRateEvent[]; b: FundingRateEvent[]} = {
      a: [
        {time: t0 + 5_000, rate: 1e-4}, // bar 5: nothing held
        {time: t0 + 11_500, rate: 1e-4}, // bar 12 (11 s < T ≤ 12 s), held +1 A since bar 11's close, marked at A's close of bar 11: 90
        {time: t0 + 20_000, rate: 3e-4, mark: 91}, // bar 20, +1 A at the event's mark 91
      ],
      b: [{time: t0 + 14_000, rate: -2e-4, mark: 50.5}], // bar 14, −1 B: a short pays a negative rate
    };
    // Paid: 1 × 90 × 1e-4 + (−1) × 50.5 × (−2e-4) + 1 × 91 × 3e-4 = 0.009 + 0.0101 + 0.0273 = 0.0464.
    const paid = 0.0464;
    const rule: StreamRule = {
      hedge: {alpha: 0, beta: 1},
      log: false,
      window: 10,
      entry: 2,
      exit: -1.9,
      stop: undefined,
      lag: 1,
      feeBps: 0,
      funding: events,
    };
    const f = file(a, b),
      stream = new PairStream();
    stream.update(f.symbols.get("A")!, f.symbols.get("B")!, -Infinity, view, rule);
    expect(Array.from(stream.column("position"))).toEqual([...Array<number>(11).fill(0), ...Array<number>(14).fill(1)]);
    const m = stream.metrics(1000)!;
    expect(m.fundingPaid).toBeCloseTo(paid, 12);
    // Neither leg moves while held and there are no fees: the PnL is the funding received, negated.
    expect(m.totalPnl).toBeCloseTo(-paid, 12);
    expect(stream.funded).toBe(true);
    // The statistics table's rows (backtestStatsRows, what the page shows): funding paid its own line.
    const rows = backtestStatsRows(streamStats(stream, 1000, false)!, ["A", "B"]);
    expect(rows.find((r) => r.key === "funding.paid")?.text).toBe("0.0464");
    expect(rows.find((r) => r.key === "funding.pnlBeforeFunding")?.value).toBeCloseTo(0, 12);
  });

  it("funding the live feed adds while the page is open (PageFunding) is charged at its bar, a settled rate replacing the estimate, no reload", () => {
    // The hand-computed market of the first test: long the spread (+1 A, −1 B) from bar 11's close to the end.
    const a = [100, 101, 100, 101, 100, 101, 100, 101, 100, 101, 90, ...Array<number>(14).fill(90)],
      b = Array<number>(25).fill(50);
    const f = file(a, b),
      [legA, legB] = [f.symbols.get("A")!, f.symbols.get("B")!];
    // The build held A's events at 5 s (nothing held) and 11.5 s (bar 12, marked at bar 11's close 90): 1 × 90 × 1e-4 = 0.009.
    const funding = new PageFunding({
      A: [
        {time: t0 + 5_000, rate: 1e-4},
        {time: t0 + 11_500, rate: 1e-4},
      ],
    });
    const rule = (): StreamRule => ({
      hedge: {alpha: 0, beta: 1},
      log: false,
      window: 10,
      entry: 2,
      exit: -1.9,
      stop: undefined,
      lag: 1,
      feeBps: 0,
      funding: funding.legs("A", "B"),
    });
    const stream = new PairStream();
    stream.update(legA, legB, -Infinity, view, rule());
    expect(stream.metrics(1000)!.fundingPaid).toBeCloseTo(0.009, 12);
    // The live feed: B's funding at 14 s (bar 14, short 1 B paying a negative rate: −1 × 50.5 × −2e-4 = 0.0101)
    // and A's estimate at 20 s (bar 20: 1 × 91 × 3e-4 = 0.0273).
    const version = funding.version;
    funding.add("B", [{time: t0 + 14_000, rate: -2e-4, mark: 50.5, source: "rest"}]);
    funding.add("A", [{time: t0 + 20_000, rate: 3e-4, mark: 91, source: "stream"}]);
    expect(funding.version).toBeGreaterThan(version);
    stream.update(legA, legB, Infinity, view, rule());
    expect(stream.metrics(1000)!.fundingPaid).toBeCloseTo(0.009 + 0.0101 + 0.0273, 12);
    // REST settles 20 s at 4e-4 (same count of events, same last time): 1 × 91 × 4e-4 = 0.0364 instead.
    funding.add("A", [{time: t0 + 20_000, rate: 4e-4, mark: 91, source: "rest"}]);
    stream.update(legA, legB, Infinity, view, rule());
    expect(stream.metrics(1000)!.fundingPaid).toBeCloseTo(0.009 + 0.0101 + 0.0364, 12);
    // A late stream estimate of a settled time changes nothing; the build's 11.5 s event replaced by a settled one does.
    const before = funding.version;
    funding.add("A", [{time: t0 + 20_000, rate: 9e-4, mark: 91, source: "stream"}]);
    expect(funding.version).toBe(before);
    funding.add("A", [{time: t0 + 11_500, rate: 2e-4, mark: 90, source: "rest"}]);
    stream.update(legA, legB, Infinity, view, rule());
    expect(stream.metrics(1000)!.fundingPaid).toBeCloseTo(0.018 + 0.0101 + 0.0364, 12);
    // The same as a fresh stream over the final schedule (a reload).
    const fresh = new PairStream();
    fresh.update(legA, legB, -Infinity, view, rule());
    expect(stream.metrics(1000)!.fundingPaid).toBe(fresh.metrics(1000)!.fundingPaid);
  });

  it("a spot pair (no funding) shows no funding line and charges nothing", () => {
    const f = file([100, 101, 100, 101, 100, 101, 100, 101, 100, 101, 90, 90, 90], Array<number>(13).fill(50));
    const rule: StreamRule = {hedge: {alpha: 0, beta: 1}, log: false, window: 10, entry: 2, exit: -1.9, stop: undefined, lag: 1, feeBps: 0};
    const stream = new PairStream();
    stream.update(f.symbols.get("A")!, f.symbols.get("B")!, -Infinity, view, rule);
    expect(stream.funded).toBe(false);
    expect(stream.metrics(1000)!.fundingPaid).toBe(0);
    expect(backtestStatsRows(streamStats(stream, 1000, false)!, ["A", "B"]).some((r) => r.group === "funding")).toBe(false);
  });

  for (const log of [false, true])
    it(`continued with live bars (replaced buckets, coarser interval) equals the batch backtest with funding bit for bit (log ${log})`, () => {
      const rng = new Xorshift128(7),
        n = 1000;
      let pa = 60_000,
        pb = 3_000;
      const ca: number[] = [],
        cb: number[] = [];
      for (let i = 0; i < n; ++i) (ca.push((pa *= 1 + 2e-3 * rng.normal())), cb.push((pb *= 1 + 2e-3 * rng.normal())));
      // Funding every 7 s on A, every 11 s on B (some with a mark), through the snapshot and the live bars.
      const schedule = (every: number, marked: boolean): FundingRateEvent[] =>
        Array.from({length: Math.floor((n + 200) / every)}, (_, k) => ({
          time: t0 + (k + 1) * every * 1000 - 300,
          rate: 1e-4 * rng.normal(),
          ...(marked && k % 2 === 0 ? {mark: 50 + k} : {}),
        }));
      const funding = {a: schedule(7, false), b: schedule(11, true)};
      const bars = new LiveBars(file(ca, cb)),
        stream = new PairStream();
      for (const intervalMs of [1000, 3000]) {
        const v = {intervalMs, lookbackMs: Infinity};
        const rule: StreamRule = {
          hedge: {alpha: log ? -3 : -100, beta: log ? 1.2 : 20},
          log,
          window: 20,
          entry: 1,
          exit: 0,
          stop: 3,
          lag: 1,
          feeBps: 1,
          funding,
        };
        let version = bars.version;
        stream.update(bars.bars("A"), bars.bars("B"), -Infinity, v, rule);
        for (let k = 0; k < 60; ++k) {
          const start = t0 + (n + (intervalMs === 1000 ? 0 : 60) + k) * 1000;
          ((pa *= 1 + 2e-3 * rng.normal()), (pb *= 1 + 2e-3 * rng.normal()));
          const bar = (p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 1});
          bars.add("A", [bar(pa)]);
          bars.add("B", [bar(pb)]);
          if (k % 3 === 0) bars.add("A", [bar(pa * (1 + 1e-3 * rng.normal()))]); // the open bucket again
          stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), v, rule);
          version = bars.version;
          const w = pairView(bars.bars("A"), bars.bars("B"), v),
            s = hedgedSeries(w, rule.hedge!, log);
          const r = pairRule(
            {...s, hedge: rule.hedge!},
            {window: 20, entry: 1, exit: 0, stop: 3, lag: 1, feeBps: 1, log, funding: {times: w.time, ...funding}},
          );
          const when = `${intervalMs} ms, live bar ${k}`;
          expect(Array.from(stream.column("equity")), when).toEqual(Array.from(r.backtest.equity));
          expect(Array.from(stream.column("pnl")), when).toEqual(Array.from(r.backtest.pnl));
          expect(stream.metrics(1000)!.fundingPaid, when).toBe(r.backtest.fundingPaid);
          expect(stream.tradeList(), when).toEqual(r.backtest.tradeList);
        }
        expect(stream.metrics(1000)!.fundingPaid).not.toBe(0);
        expect(streamStats(stream, 1000, log)!.funding).toEqual(
          pairRule(
            {...hedgedSeries(pairView(bars.bars("A"), bars.bars("B"), v), rule.hedge!, log), hedge: rule.hedge!},
            {
              window: 20,
              entry: 1,
              exit: 0,
              stop: 3,
              lag: 1,
              feeBps: 1,
              log,
              barMs: 1000,
              funding: {times: pairView(bars.bars("A"), bars.bars("B"), v).time, ...funding},
            },
          ).stats.funding,
        );
      }
    });
});
