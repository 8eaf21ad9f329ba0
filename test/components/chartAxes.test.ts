// The ticks and labels of the hand-written chart axes (src/components/chartAxes.ts). Expected values
// are worked out by hand from d3's tick rules (d3-time's interval nearest to span / count; d3-array's
// 1-2-5 steps) and Plot's time label rules, or read off the axes Plot drew for the same chart (the
// pair report's prices chart, 828 px wide, and its 344 px charts, before this module replaced Plot).
import {describe, expect, it} from "vitest";
import {timeTicks, valueTicks} from "../../src/components/chartAxes.js";

const utc = Date.UTC;

describe("timeTicks(x0, x1, pixels)", () => {
  it("labels 3-hour ticks over 828 px with the hour, and the date under the first one and under midnight (as Plot drew)", () => {
    const {values, labels} = timeTicks(utc(2026, 10, 20, 11, 40), utc(2026, 10, 21, 11, 20), 828);
    expect(values).toEqual([12, 15, 18, 21, 24, 27, 30, 33].map((h) => utc(2026, 10, 20, h)));
    expect(labels).toEqual(["12 PM\nNov 20", "3 PM", "6 PM", "9 PM", "12 AM\nNov 21", "3 AM", "6 AM", "9 AM"]);
  });

  it("takes 6-hour ticks on a narrower chart of the same day (344 px, as Plot drew)", () => {
    const {labels} = timeTicks(utc(2026, 10, 20, 11, 40), utc(2026, 10, 21, 11, 20), 344);
    expect(labels).toEqual(["12 PM\nNov 20", "6 PM", "12 AM\nNov 21", "6 AM"]);
  });

  it("labels days by number, with the month under the first day and under the first of a month", () => {
    const {values, labels} = timeTicks(utc(2026, 10, 28), utc(2026, 11, 3), 480);
    expect(values).toEqual([28, 29, 30, 31, 32, 33].map((d) => utc(2026, 10, d)));
    expect(labels).toEqual(["28\nNov", "29", "30", "1\nDec", "2", "3"]);
  });

  it("labels 5-minute ticks with the time, and AM/PM under the first one and where it changes", () => {
    const {labels} = timeTicks(utc(2026, 10, 20, 11, 50), utc(2026, 10, 20, 12, 10), 320);
    expect(labels).toEqual(["11:50\nAM", "11:55", "12:00\nPM", "12:05", "12:10"]);
  });

  it("labels 15-second ticks with the seconds, and the minute under the first one and where it changes", () => {
    const {labels} = timeTicks(utc(2026, 10, 20, 13, 5), utc(2026, 10, 20, 13, 6), 400);
    expect(labels).toEqual([":00\n1:05", ":15", ":30", ":45", ":00\n1:06"]);
  });

  it("labels yearly ticks with the year alone", () => {
    const {labels} = timeTicks(utc(2020, 0, 1), utc(2026, 0, 1), 400);
    expect(labels).toEqual(["2020", "2021", "2022", "2023", "2024", "2025", "2026"]);
  });

  it("gives about one tick per 80 px", () => {
    for (const pixels of [200, 400, 800, 1600]) {
      const n = timeTicks(utc(2026, 0, 1), utc(2026, 0, 2), pixels).values.length;
      expect(n, `${pixels} px`).toBeGreaterThanOrEqual(pixels / 80 / 2);
      expect(n, `${pixels} px`).toBeLessThanOrEqual((pixels / 80) * 2 + 1);
    }
  });
});

describe("valueTicks(y0, y1, pixels)", () => {
  it("steps by 2 over ±4.2 on 170 px, minus signs as Plot prints them", () => {
    expect(valueTicks(-4.2, 4.2, 170)).toEqual({values: [-4, -2, 0, 2, 4], labels: ["−4", "−2", "0", "2", "4"]});
  });

  it("keeps the decimal the step needs: 0.5 over ±1.05 on 110 px (the correlation chart, as Plot drew)", () => {
    expect(valueTicks(-1.05, 1.05, 110).labels).toEqual(["−1.0", "−0.5", "0.0", "0.5", "1.0"]);
  });

  it("groups thousands: steps of 1,000 over 56,400–62,400 on 170 px (the BTC price axis, as Plot drew)", () => {
    expect(valueTicks(56_400, 62_400, 170).labels).toEqual(["57,000", "58,000", "59,000", "60,000", "61,000", "62,000"]);
  });
});
