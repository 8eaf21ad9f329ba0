// How long a sample the annualised figures (Sharpe, annual return and volatility, Calmar) come from,
// and a caution when it is too short to be read as a year: a day of 1 s bars scaled up to a year gives
// Sharpe ratios in the hundreds. One text for the pair pages, the lab and `pairbook analyze`.
import type {BacktestStats} from "../backtestStats.js";

/** Below this many days of bars, annualised figures carry the caution. */
export const shortSampleDays = 30;

/**
 * `bars` bars of `barMs` ms as a span: minutes under an hour, hours under a day, else days
 * ("45 minutes", "6.0 hours", "1.0 day", "12.5 days"). RangeError for a negative count or a bad bar length.
 *
 *   sampleSpan(86_400, 1000)  // "1.0 day"
 */
export function sampleSpan(bars: number, barMs: number): string {
  if (!(bars >= 0) || !(barMs > 0)) throw new RangeError(`sampleSpan: invalid bars ${bars} or bar length ${barMs} ms`);
  const hours = (bars * barMs) / 3_600_000,
    unit = (text: string, name: string) => `${text} ${name}${text === "1" || text === "1.0" ? "" : "s"}`;
  if (hours < 1) return unit(String(Math.round(hours * 60)), "minute");
  return hours < 24 ? unit(hours.toFixed(1), "hour") : unit((hours / 24).toFixed(1), "day");
}

/** Whether `bars` bars of `barMs` ms are too short a sample to read annualised figures as a year's. */
export function shortSample(bars: number, barMs: number): boolean {
  return bars >= 2 && (bars * barMs) / 86_400_000 < shortSampleDays;
}

/**
 * The caution for figures annualised from `bars` bars of `barMs` ms: a sentence when they span less
 * than `shortSampleDays` days, else null (none without bars either: there is no figure to caution).
 *
 *   annualisedCaution(86_400, 1000)
 *   // "Annualised from 1.0 day of bars: Sharpe and the annual figures scale that span up to a year, …"
 */
export function annualisedCaution(bars: number, barMs: number): string | null {
  if (!shortSample(bars, barMs)) return null;
  return (
    `Annualised from ${sampleSpan(bars, barMs)} of bars: Sharpe and the annual figures scale that span up ` +
    `to a year, so they are rates over it, not what a year would bring (under ${shortSampleDays} days of bars).`
  );
}

/** The caution for a `BacktestStats`' annual figures (its bars and bar length), or null. */
export function statsCaution(s: Pick<BacktestStats, "bars" | "barsPerYear">): string | null {
  return annualisedCaution(s.bars, (365 * 86_400_000) / s.barsPerYear);
}
