// The recorder's `--history` progress, kept in the lake (`<lake>/history/state.json`) so that it outlives
// the recorder: a site built after the recorder stopped halfway through its window still says the
// history never finished. The recorder (recorder/history/historyMarkerFile.ts) rewrites it at start, on
// each symbol's change of state or phase, and at the end; loaders/historyStatus.ts reads it when no
// recorder of the lake answers. Written atomically (temp file, fsync, rename, fsync of the folder), so a
// reader sees the old marker or the new one; a file that is not a marker (torn by a foreign writer,
// hand-edited, a later format) reads as `ignored`, never as an error.
import {readFile} from "node:fs/promises";
import type {SymbolHistory} from "../src/protocol/health.js";
import {historyMarkerPath} from "./layout.js";
import {replaceFile} from "./publish.js";

/** One symbol's history as the recorder last wrote it. */
export interface HistoryMarkerSymbol {
  state: SymbolHistory["state"];
  /** The window asked for starts here (ms). */
  windowStart: number;
  /** Oldest trade the history had reached (ms); null before the lake held one. */
  coveredFrom: number | null;
  /** What it was doing or why it stopped ("REST", "archive 2026-11-30", an error), or null. */
  detail: string | null;
}

/** What `<lake>/history/state.json` holds (format 1). */
export interface HistoryMarker {
  format: 1;
  /** The window of the run that last wrote it (ms back from its start). */
  windowMs: number;
  /** That run's start and window start, and when it last wrote the file (ms). */
  startedAt: number;
  windowStart: number;
  updatedAt: number;
  /** Every symbol a `--history` run loaded into this lake, as last written (a later run's symbols replace theirs only). */
  symbols: Record<string, HistoryMarkerSymbol>;
}

const states: readonly string[] = ["waiting", "loading", "done", "failed"] satisfies SymbolHistory["state"][];

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isTime = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function isMarkerSymbol(x: unknown): x is HistoryMarkerSymbol {
  return (
    isRecord(x) &&
    states.includes(String(x.state)) &&
    isTime(x.windowStart) &&
    (x.coveredFrom === null || isTime(x.coveredFrom)) &&
    (x.detail === null || typeof x.detail === "string")
  );
}

function isMarker(x: unknown): x is HistoryMarker {
  return (
    isRecord(x) &&
    x.format === 1 &&
    [x.windowMs, x.startedAt, x.windowStart, x.updatedAt].every(isTime) &&
    isRecord(x.symbols) &&
    Object.values(x.symbols).every(isMarkerSymbol)
  );
}

/** The marker, `ignored` (with why) when the file is there but is not one, or null when there is none. */
export type HistoryMarkerRead = {marker: HistoryMarker} | {ignored: string} | null;

/**
 * Reads `<lake>/history/state.json`: null when absent, `{ignored}` when it cannot be read or is not a
 * format-1 marker (the caller logs it once and goes on as without one), else `{marker}`. Never throws.
 *
 *   const read = await readHistoryMarker("data"); if (read && "marker" in read) …
 */
export async function readHistoryMarker(lake: string): Promise<HistoryMarkerRead> {
  const path = historyMarkerPath(lake);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? null : {ignored: `${path} cannot be read (${code ?? (error as Error).message})`};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {ignored: `${path} is not valid JSON (torn or foreign)`};
  }
  return isMarker(value) ? {marker: value} : {ignored: `${path} is not a format-1 history marker`};
}

/** Writes (or replaces) the marker atomically: hidden temp file, fsync, rename, fsync of the folder. */
export function writeHistoryMarker(lake: string, marker: HistoryMarker): Promise<void> {
  return replaceFile(historyMarkerPath(lake), `${JSON.stringify(marker, null, 1)}\n`);
}
