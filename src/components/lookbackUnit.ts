// The lookback control's unit on the pair and symbol pages, from the span of the page's bars file.

/** The lookback slider's unit and range: `ms` per step unit, its label, step and bounds. */
export interface LookbackUnit {
  ms: number;
  label: string;
  step: number;
  min: number;
  max: number;
}

/**
 * Minutes when the file spans under two hours, else hours (in quarter steps); the maximum is the whole
 * span (a page reads it as "all bars, live ones included"). A file without bars counts as 24 h.
 *
 *   lookbackUnit({from: 0, to: 3_600_000}) // {ms: 60e3, label: "lookback (minutes)", step: 1, min: 1, max: 60}
 */
export function lookbackUnit({from, to}: {from: number | null; to: number | null}): LookbackUnit {
  const hours = from === null || to === null ? 24 : Math.max(1 / 60, (to - from) / 3600e3);
  return hours < 2
    ? {ms: 60e3, label: "lookback (minutes)", step: 1, min: 1, max: Math.max(1, Math.ceil(hours * 60))}
    : {ms: 3600e3, label: "lookback (hours)", step: 0.25, min: Math.min(hours, 0.25), max: hours};
}
