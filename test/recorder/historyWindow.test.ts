import {describe, expect, it} from "vitest";
import {getEventListeners} from "node:events";
import {defaultSleep} from "../../recorder/binance/requestBudget.js";
import {HistoryGate} from "../../recorder/history/historyGate.js";
import {archiveDays, parseHistoryDuration, utcDate} from "../../recorder/history/historyWindow.js";

describe("parseHistoryDuration", () => {
  it("parseHistoryDuration reads minutes, hours and days; 0 and none turn history off", () => {
    expect(parseHistoryDuration("90m")).toBe(90 * 60_000);
    expect(parseHistoryDuration("3h")).toBe(3 * 3_600_000);
    expect(parseHistoryDuration("30h")).toBe(108_000_000);
    expect(parseHistoryDuration("7d")).toBe(7 * 86_400_000);
    expect(parseHistoryDuration("1.5h")).toBe(5_400_000);
    expect(parseHistoryDuration("0")).toBe(0);
    expect(parseHistoryDuration("none")).toBe(0);
  });

  it("parseHistoryDuration refuses other text and more than 30 days with a one-line RangeError", () => {
    for (const bad of ["", "6", "h", "6 hours", "-3h", "31d"]) expect(() => parseHistoryDuration(bad)).toThrow(RangeError);
    expect(() => parseHistoryDuration("6x")).toThrow(/^invalid --history "6x" \(expected e\.g\. 90m, 6h, 30h, 7d, or none\)$/);
  });
});

describe("archiveDays", () => {
  const now = Date.parse("2026-12-01T06:00:00Z");
  it("archiveDays(start, now) lists the whole UTC days before today the window touches, newest first", () => {
    expect(archiveDays(now - 3 * 3_600_000, now)).toEqual([]); // 03:00 today
    expect(archiveDays(now - 30 * 3_600_000, now)).toEqual(["2026-11-30"]); // 2026-11-30 00:00
    expect(archiveDays(now - 31 * 3_600_000, now)).toEqual(["2026-11-30", "2026-11-29"]); // 2026-11-29 23:00
    expect(archiveDays(now - 7 * 86_400_000, now)).toEqual([
      "2026-11-30",
      "2026-11-29",
      "2026-11-28",
      "2026-11-27",
      "2026-11-26",
      "2026-11-25",
      "2026-11-24",
    ]);
    expect(utcDate(Date.parse("2026-11-30T23:59:59.999Z"))).toBe("2026-11-30");
  });
});

describe("HistoryGate", () => {
  it("HistoryGate.wait holds history back while a live gap is open or past its share of the minute's weight", async () => {
    let gapOpen = true,
      spare = 6000;
    const slept: number[] = [];
    const gate = new HistoryGate({
      spare: () => spare,
      budget: 6000,
      liveGapOpen: () => gapOpen,
      share: 0.5,
      sleep: async (ms) => {
        slept.push(ms);
        // The gap closes after two polls; then the budget is too used (3000 + 25 > half) for one more poll.
        if (slept.length === 2) ((gapOpen = false), (spare = 3010));
        if (slept.length === 3) spare = 3025;
      },
    });
    await gate.wait(25, new AbortController().signal);
    expect(slept).toHaveLength(3);
  });

  it("HistoryGate.wait rejects once the recorder stops", async () => {
    const controller = new AbortController();
    const gate = new HistoryGate({spare: () => 0, budget: 6000, liveGapOpen: () => false, sleep: async () => controller.abort()});
    await expect(gate.wait(25, controller.signal)).rejects.toThrow("aborted");
  });
});

describe("defaultSleep", () => {
  it("defaultSleep(ms, signal) leaves no abort listener behind once it has slept (the gate polls every 200 ms)", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; ++i) await defaultSleep(1, controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    const sleeping = defaultSleep(60_000, controller.signal);
    controller.abort();
    await sleeping; // resolves at once on abort
  });
});
