import {describe, expect, it} from "vitest";
import {GapQueue} from "../../lake/gapQueue.js";
import type {GapRecord} from "../../src/protocol/gaps.js";

const gap = (fromId: number): GapRecord => ({
  symbol: "BTCUSDT",
  fromId,
  toId: fromId + 9,
  fromTime: null,
  toTime: null,
  cause: "reconnect",
  filled: false,
  detectedAt: 1_763_683_200_000,
});

describe("GapQueue", () => {
  it("drain(write, 2) writes the two oldest records and leaves the rest, in order, for the next drain", async () => {
    const queue = new GapQueue();
    const stored = [10, 20, 30, 40, 50].map((id) => queue.push(gap(id)));
    const written: number[] = [];
    await queue.drain(async (g) => void written.push(g.fromId), 2);
    expect(written).toEqual([10, 20]);
    expect(queue.size).toBe(3);
    expect(queue.stored).toBe(2);
    expect(await Promise.all(stored.slice(0, 2))).toEqual([true, true]);
    await queue.drain(async (g) => void written.push(g.fromId));
    expect(written).toEqual([10, 20, 30, 40, 50]);
    expect(queue.size).toBe(0);
    expect(await Promise.all(stored)).toEqual([true, true, true, true, true]);
  });
});
