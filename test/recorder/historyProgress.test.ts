import {describe, expect, it} from "vitest";
import {historyHealth, SymbolProgress} from "../../recorder/history/historyProgress.js";

const min = 60_000,
  hour = 60 * min,
  day = 24 * hour;

/** A symbol's progress on a clock the test moves; the window starts at 18:00 three days before today. */
function progress(archiveDays: number) {
  const today = Date.parse("2026-12-01T00:00:00Z"),
    clock = {now: today + 6 * hour},
    windowStart = today - 3 * day + 18 * hour,
    lines: string[] = [];
  const p = new SymbolProgress(
    "BTCUSDT",
    windowStart,
    archiveDays,
    (l) => lines.push(l),
    () => clock.now,
    60_000,
  );
  const at = (wall: number) => (clock.now = today + 6 * hour + wall);
  return {p, at, today, windowStart, lines, eta: () => historyHealth(3 * day, [p]).symbols.BTCUSDT.etaMs};
}

describe("SymbolProgress's ETA", () => {
  it("prices REST pages and archive days each at their own rate, and counts down between reports", () => {
    const {p, at, today, eta} = progress(3);
    at(0);
    p.covered(today + 6 * hour - min, "REST");
    expect(eta()).toBeNull(); // no REST page yet
    at(60_000);
    p.covered(today + 5 * hour - min); // 1 h of market time in 60 s of wall time
    expect(eta()).toBeNull(); // archive days to come, none imported yet: no guess
    at(360_000);
    p.covered(today, "archive 2026-11-30");
    at(380_000);
    p.archiveDay("2026-11-30", "imported"); // a whole day in 20 s
    p.covered(today - day, "REST");
    expect(eta()).toBe(2 * 20_000); // two days left at 20 s each; no REST part left
    at(385_000);
    p.covered(today - day, "archive 2026-11-29");
    at(390_000);
    expect(eta()).toBe(20_000 + 15_000); // 5 s into the second day
    at(470_000); // the import queue keeps it 85 s: its share is spent, the last day still counts
    expect(eta()).toBe(20_000);
    p.archiveDay("2026-11-29", "imported");
    p.covered(today - 2 * day, "archive 2026-11-28");
    at(480_000);
    p.archiveDay("2026-11-28", "fell back", "is not in the archive");
    p.covered(today - 2 * day, "REST");
    // The window's 6 h of 2026-11-28 now come from REST, at the REST rate seen so far (6 h − 1 min in 360 s).
    const rate = 360_000 / (6 * hour - min);
    expect(eta()).toBe(Math.round(6 * hour * rate));
    at(540_000); // a minute later, no page reported yet: the estimate counts down
    expect(eta()).toBe(Math.round(6 * hour * rate - 60_000));
    p.covered(today - 2 * day - hour); // that minute covered 1 h
    expect(eta()).toBe(Math.round((5 * hour * 420_000) / (7 * hour - min)));
    p.finished("done", null);
    expect(eta()).toBe(0);
  });

  it("does not report a REST remainder as done because an archive day loaded fast (the old 'about 0 s left')", () => {
    const {p, at, today, windowStart, eta} = progress(3);
    at(0);
    p.covered(today + 6 * hour - min, "REST");
    at(600_000);
    p.covered(today + 5 * hour); // 59 min in 10 min: REST is slow here
    at(1_200_000);
    p.covered(today, "archive 2026-11-30");
    at(1_202_000);
    p.archiveDay("2026-11-30", "imported");
    p.covered(today - day, "REST");
    p.covered(today - day, "archive 2026-11-29");
    at(1_204_000);
    p.archiveDay("2026-11-29", "fell back", "failed its checksum");
    p.covered(today - day, "REST");
    const restRate = 1_200_000 / (6 * hour - min); // wall ms per market ms over both REST pages
    // A whole day from REST, plus the last archive day at 2 s.
    expect(eta()).toBe(Math.round(day * restRate + 2_000));
    expect(eta()! / hour).toBeGreaterThan(1);
    expect(p.state.remainingMs).toBe(today - day - windowStart);
  });

  it("has no ETA without a rate, and none once failed", () => {
    const {p, at, eta} = progress(0);
    expect(eta()).toBeNull(); // waiting
    at(0);
    p.covered(Date.parse("2026-12-01T05:00:00Z"), "REST");
    expect(eta()).toBeNull();
    p.finished("failed", "REST down");
    expect(eta()).toBeNull();
  });
});
