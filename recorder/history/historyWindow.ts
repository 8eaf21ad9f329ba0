// The window of `pairbook record --history DURATION` and the UTC days it touches: whole days before
// today come from the public archive, today's part from REST (recorder/history/historyLoader.ts).

const units: Record<string, number> = {m: 60_000, h: 3_600_000, d: 86_400_000};

/** Longest window accepted: 30 days (a month of archive days). */
export const maxHistoryMs = 30 * 86_400_000;

/**
 * Milliseconds of a `--history` value: `90m`, `3h`, `30h`, `7d`; `0` or `none` turn history off (0).
 * Throws RangeError with a one-line message for anything else, or more than 30 days.
 *
 *   parseHistoryDuration("30h") === 108_000_000
 */
export function parseHistoryDuration(text: string): number {
  const value = text.trim().toLowerCase();
  if (value === "0" || value === "none") return 0;
  const match = /^(\d+(?:\.\d+)?)([mhd])$/.exec(value);
  if (!match) throw new RangeError(`invalid --history ${JSON.stringify(text)} (expected e.g. 90m, 6h, 30h, 7d, or none)`);
  const ms = Math.round(Number(match[1]) * units[match[2]]);
  if (ms > maxHistoryMs) throw new RangeError(`invalid --history ${JSON.stringify(text)} (at most 30d)`);
  return ms;
}

/** Start (ms) of the UTC day holding `t`. */
export function utcDayStart(t: number): number {
  return Math.floor(t / 86_400_000) * 86_400_000;
}

/** `YYYY-MM-DD` of the UTC day holding `t`. */
export function utcDate(t: number): string {
  return new Date(utcDayStart(t)).toISOString().slice(0, 10);
}

/**
 * The archive days a window [start, now] touches before today, newest first: every UTC date from the
 * one holding `start` to yesterday (none when the window starts today).
 *
 *   archiveDays(Date.parse("2026-11-30T18:00Z"), Date.parse("2026-12-01T06:00Z")) // ["2026-11-30"]
 */
export function archiveDays(start: number, now: number): string[] {
  const days: string[] = [];
  for (let day = utcDayStart(now) - 86_400_000; day >= utcDayStart(start); day -= 86_400_000) days.push(utcDate(day));
  return days;
}
