// What bench:faults reports for each fault scenario, and the table it prints.

/** One fault scenario's outcome. */
export interface FaultMeasure {
  readonly fault: string;
  /** Ids the source sent that are neither in the lake nor covered by a stored gap record (must be 0). */
  readonly lost: number;
  /** The recorder's worst receive lag (trade time → accepted) during the fault and its recovery, ms. */
  readonly worstReceiveLagMs: number;
  /** The longest an accepted trade waited to be fsynced in the log (RecorderHealth.worstSyncLagMs), ms. */
  readonly worstFsyncLagMs: number;
  /** From the fault's removal to the recorder reporting no lake error (or recording again), s; null when recording never stopped. */
  readonly recoverySeconds: number | null;
}

/** One row per scenario: its measure, or why it did not run or failed. */
export type FaultRow = FaultMeasure | {readonly fault: string; readonly error: string};

/** Formats the rows as a plain-text table. */
export function faultTable(rows: readonly FaultRow[]): string {
  const width = Math.max(5, ...rows.map((r) => r.fault.length));
  const lines = [
    `${"fault".padEnd(width)}  ${"lost".padStart(5)}  ${"worst receive lag".padStart(17)}  ${"worst fsync lag".padStart(15)}  ${"recovery".padStart(8)}`,
  ];
  for (const row of rows) {
    if ("error" in row) lines.push(`${row.fault.padEnd(width)}  ${row.error}`);
    else
      lines.push(
        `${row.fault.padEnd(width)}  ${String(row.lost).padStart(5)}  ${ms(row.worstReceiveLagMs).padStart(17)}  ${ms(row.worstFsyncLagMs).padStart(15)}  ${(row.recoverySeconds === null ? "—" : `${row.recoverySeconds.toFixed(1)} s`).padStart(8)}`,
      );
  }
  return lines.join("\n");
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
