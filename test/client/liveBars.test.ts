// LiveBars.changedSince: which buckets a consumer must redo since the version it last saw.
import {describe, expect, it} from "vitest";
import type {BarsFile} from "../../src/protocol/barsFile.js";
import {LiveBars} from "../../src/client/liveBars.js";

const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const file: BarsFile = {
  meta: {symbols: ["A"], interval: "1s", intervalMs: 1000, from: t0, to: t0 + 10_000, builtAt: t0, trades: {}, gaps: [], liveUrl: ""},
  time: Float64Array.from({length: 10}, (_, i) => t0 + i * 1000),
  symbols: new Map(),
};
const bar = (start: number) => ({start, open: 1, high: 1, low: 1, close: 1, volume: 1, count: 1});

describe("LiveBars.changedSince(version)", () => {
  it("is Infinity when nothing changed, else the first bucket written by the later versions", () => {
    const bars = new LiveBars(file),
      v0 = bars.version;
    expect(bars.changedSince(v0)).toBe(Infinity);
    bars.add("A", [bar(t0 + 12_000), bar(t0 + 11_000)]);
    const v1 = bars.version;
    bars.add("A", [bar(t0 + 13_000)]);
    expect(bars.changedSince(v1)).toBe(t0 + 13_000);
    expect(bars.changedSince(v0)).toBe(t0 + 11_000);
    bars.add("A", [bar(t0 + 5_000)]); // within the file: ignored, no new version
    expect(bars.changedSince(bars.version)).toBe(Infinity);
    bars.add("A", [bar(t0 + 11_000)]); // the bucket again
    expect(bars.changedSince(v1)).toBe(t0 + 11_000);
  });

  it("is -Infinity for a version older than its log", () => {
    const bars = new LiveBars(file),
      v0 = bars.version;
    for (let k = 0; k < 5000; ++k) bars.add("A", [bar(t0 + (20 + k) * 1000)]);
    expect(bars.changedSince(v0)).toBe(-Infinity);
    expect(bars.changedSince(bars.version - 10)).toBe(t0 + (20 + 4990) * 1000);
  });
});
