import {describe, expect, it} from "vitest";
import {annualisedCaution, sampleSpan, shortSampleDays, statsCaution} from "../../../src/lib/report/annualised.js";

describe("sampleSpan(bars, barMs)", () => {
  it("names the span in minutes under an hour, hours under a day and days from a day on", () => {
    expect(sampleSpan(2700, 1000)).toBe("45 minutes");
    expect(sampleSpan(1, 60_000)).toBe("1 minute");
    expect(sampleSpan(21_600, 1000)).toBe("6.0 hours");
    expect(sampleSpan(60, 60_000)).toBe("1.0 hour");
    expect(sampleSpan(86_400, 1000)).toBe("1.0 day");
    expect(sampleSpan(18_000, 60_000)).toBe("12.5 days");
  });

  it("refuses a negative count or a bar length that is not positive", () => {
    expect(() => sampleSpan(-1, 1000)).toThrow(RangeError);
    expect(() => sampleSpan(10, 0)).toThrow(/bar length 0 ms/);
    expect(() => sampleSpan(Number.NaN, 1000)).toThrow(RangeError);
  });
});

describe("annualisedCaution(bars, barMs)", () => {
  it("cautions a day of 1 s bars, naming the span and the threshold", () => {
    const text = annualisedCaution(86_400, 1000);
    expect(text).toMatch(/^Annualised from 1\.0 day of bars: /);
    expect(text).toContain(`under ${shortSampleDays} days`);
  });

  it("says nothing from 30 days of bars on, and nothing without bars to annualise", () => {
    // 30 days of 1 m bars exactly: no caution; one bar fewer: a caution.
    expect(annualisedCaution(30 * 1440, 60_000)).toBeNull();
    expect(annualisedCaution(30 * 1440 - 1, 60_000)).toMatch(/30\.0 days/);
    expect(annualisedCaution(365 * 24, 3_600_000)).toBeNull();
    expect(annualisedCaution(1, 1000)).toBeNull();
    expect(annualisedCaution(0, 1000)).toBeNull();
  });

  it("reads a BacktestStats' bars and bars a year (statsCaution)", () => {
    // 5 s bars: 6,307,200 a year; 17,280 of them are a day.
    expect(statsCaution({bars: 17_280, barsPerYear: (365 * 86_400) / 5})).toMatch(/from 1\.0 day of bars/);
    expect(statsCaution({bars: 40 * 17_280, barsPerYear: (365 * 86_400) / 5})).toBeNull();
  });
});
