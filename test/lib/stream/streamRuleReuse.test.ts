// A new rule under the same hedge (the z window, entry, fees): StreamRuleStage keeps the returns and
// the hedge's columns (spread, β, α, log prices) as they are, neither computed nor stamped again, and
// every series equals a fresh stream's under that rule, also after live bars replaced or appended.
import {describe, expect, it} from "vitest";
import {LiveBars} from "../../../src/client/liveBars.js";
import type {LiveBar} from "../../../src/protocol/liveWire.js";
import {PairStream, type StreamRule} from "../../../src/lib/stream/pairStream.js";
import {rowColumns} from "../../../src/lib/stream/streamColumns.js";
import {writeStamp} from "../../../src/lib/stream/writeStamps.js";
import {t0, walkSnapshot} from "./walkSnapshot.js";

const view = {intervalMs: 1000, lookbackMs: Infinity};
const fixed: StreamRule = {hedge: {alpha: -100, beta: 20}, log: false, window: 20, entry: 1.2, exit: 0, stop: 3, lag: 1, feeBps: 1};
const rolling: StreamRule = {...fixed, hedge: null, dynamic: {kind: "rolling-ols", window: 30}};
const kalman: StreamRule = {...fixed, hedge: null, dynamic: {kind: "kalman", delta: 1e-4, ve: 1e-3}, log: true};
const bar = (start: number, p: number): LiveBar => ({start, open: p, high: p, low: p, close: p, volume: 1, count: 2});
const hedgeColumns = ["retA", "retB", "la", "lb", "alpha", "beta", "spread"] as const;

/** Every column of `stream` equals a fresh stream's over the same bars under `rule`, bit for bit, and so do the trades. */
function expectFresh(stream: PairStream, bars: LiveBars, rule: StreamRule, when: string): void {
  const fresh = new PairStream();
  fresh.update(bars.bars("A"), bars.bars("B"), -Infinity, view, rule);
  expect(stream.length, `${when}: rows`).toBe(fresh.length);
  for (const name of rowColumns) {
    const x = stream.column(name),
      y = fresh.column(name);
    for (let i = 0; i < y.length; ++i) if (!Object.is(x[i], y[i])) expect.fail(`${when}: ${name}[${i}] is ${x[i]}, not ${y[i]}`);
  }
  expect(stream.tradeList(), `${when}: trades`).toEqual(fresh.tradeList());
}

const stampsOf = (stream: PairStream, names: readonly (typeof rowColumns)[number][]) => names.map((c) => writeStamp(stream.column(c)));

describe("PairStream.update with a new rule under the same hedge keeps the hedge's columns", () => {
  for (const [name, base] of [
    ["fixed", fixed],
    ["rolling OLS", rolling],
    ["Kalman, log prices", kalman],
  ] as const) {
    it(`${name}: window, entry and fees moved; the spread's stamp stays, every series equals a fresh stream's`, () => {
      const bars = new LiveBars(walkSnapshot(1500, 5, 0.1)),
        stream = new PairStream();
      stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, base);
      expectFresh(stream, bars, base, "first rule");
      for (const r of [
        {...base, window: 45},
        {...base, window: 45, entry: 1.8, feeBps: 3},
        {...base, window: 7},
      ]) {
        const hedge = stampsOf(stream, hedgeColumns),
          z = writeStamp(stream.column("z"));
        stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r);
        expect(stampsOf(stream, hedgeColumns), `${JSON.stringify(r)}: hedge columns' stamps`).toEqual(hedge);
        expect(writeStamp(stream.column("z"))).not.toBe(z);
        expectFresh(stream, bars, r, JSON.stringify(r));
      }
    });

    it(`${name}: a new rule in slices, then live bars replaced and appended, equals a fresh stream`, () => {
      const bars = new LiveBars(walkSnapshot(1200, 7, 0.05)),
        stream = new PairStream();
      stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, base);
      const r = {...base, window: 33};
      stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r, 250);
      expect(stream.pending).toBe(true);
      while (stream.pending) stream.proceed(250);
      expectFresh(stream, bars, r, "after slices");
      let version = bars.version;
      for (let k = 0; k < 40; ++k) {
        const start = t0 + (k % 4 === 3 ? 1200 + k - 20 : 1200 + k) * 1000; // every fourth bar replaces one 20 s back
        (bars.add("A", [bar(start, 61_000 - 7 * k)]), bars.add("B", [bar(start, 3_010 + k / 3)]));
        stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r);
        version = bars.version;
      }
      expectFresh(stream, bars, r, "after live bars");
      // Then the window again: the live rows computed since are kept too.
      const hedge = stampsOf(stream, hedgeColumns),
        r2 = {...r, window: 80};
      stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r2);
      expect(stampsOf(stream, hedgeColumns)).toEqual(hedge);
      expectFresh(stream, bars, r2, "window after live bars");
      // A bar replaced 10 rows back under the kept hedge: redone from the checkpoints, equal still.
      bars.add("A", [bar(t0 + (1240 - 10) * 1000, 59_000)]);
      stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r2);
      expectFresh(stream, bars, r2, "a bar replaced after the kept hedge");
    });

    it(`${name}: a new rule together with a new live bar computes every column (stamps move)`, () => {
      const bars = new LiveBars(walkSnapshot(800, 9, 0.05)),
        stream = new PairStream();
      stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, base);
      const version = bars.version,
        spread = writeStamp(stream.column("spread"));
      (bars.add("A", [bar(t0 + 800_000, 60_500)]), bars.add("B", [bar(t0 + 800_000, 3_020)]));
      const r = {...base, window: 12};
      stream.update(bars.bars("A"), bars.bars("B"), bars.changedSince(version), view, r);
      expect(writeStamp(stream.column("spread"))).not.toBe(spread);
      expectFresh(stream, bars, r, "new rule and bar");
    });
  }

  it("another hedge (β moved, log prices, another dynamic hedge) computes the spread again", () => {
    const bars = new LiveBars(walkSnapshot(600, 11, 0.05)),
      stream = new PairStream();
    let last: StreamRule = fixed;
    stream.update(bars.bars("A"), bars.bars("B"), -Infinity, view, last);
    for (const r of [
      {...fixed, hedge: {alpha: -90, beta: 20}},
      {...fixed, log: true},
      rolling,
      {...rolling, dynamic: {kind: "rolling-ols" as const, window: 31}},
    ]) {
      const spread = writeStamp(stream.column("spread"));
      stream.update(bars.bars("A"), bars.bars("B"), Infinity, view, r);
      expect(writeStamp(stream.column("spread")), `${JSON.stringify(last)} → ${JSON.stringify(r)}`).not.toBe(spread);
      expectFresh(stream, bars, r, JSON.stringify(r));
      last = r;
    }
  });
});
