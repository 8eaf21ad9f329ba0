// The demo's simulated past: `pairbook demo` gives its simulator a past and its recorder `--history` of
// the same length, so the pages have hours of bars from the first minute, and tells the terminal how
// the loading goes in a few lines (the recorder's own history lines go to the log file only).
//
// A simulated past is only given to an empty lake. The simulator draws its past afresh at each start
// (its market opens `--history` before it starts, ids counted from that opening), so the past of a
// second run would lie over the first run's trades in time: other trades, other prices. A lake that
// already holds trades therefore goes on with live trades only, and its earlier past stays as it was.
import {readdir} from "node:fs/promises";
import {join} from "node:path";
import {datasetDir} from "../lake/layout.js";
import type {Health, HistoryHealth} from "../src/protocol/health.js";

/** The demo's past on an empty lake: hours of context on the pages, loaded in a few minutes (see demoRate in commands/demo.ts). */
export const demoHistory = "2h";

/** Whether the lake holds a stored or logged trade (a Parquet file under ticks/, a segment under wal/). */
export async function lakeHoldsTrades(lake: string): Promise<boolean> {
  for (const dir of [datasetDir(lake), join(lake, "wal")]) {
    let names: string[];
    try {
      names = await readdir(dir, {recursive: true});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    if (names.some((name) => /(^|[/\\])[^./\\][^/\\]*\.(parquet|csv)$/.test(name))) return true;
  }
  return false;
}

/**
 * The recorder's history lines the demo keeps off the terminal (they go to the log): its start line,
 * per-symbol progress, archive days imported and "history loaded". Failures and REST fallbacks stay.
 */
export function isHistoryChatter(line: string): boolean {
  if (/instead|stopped|fail|error/i.test(line)) return false;
  // The recorder's lines start with an ISO timestamp (cli/commands/record.ts), then maybe "SYMBOL: ".
  return /^(\d{4}-\d\d-\d\dT\S+Z )?(\S+: )?history(: loading| from |: archive day .* imported| loaded)/.test(line);
}

/** Where the loading stands, for the demo's terminal, from /health's `history`. */
export interface HistoryMilestones {
  /** Every one of `symbols` holds at least `spanMs` back from now (ms). */
  covers(symbols: readonly string[], spanMs: number, now: number): boolean;
  readonly done: boolean;
  readonly trades: number;
}

/** Reads /health's `history` as milestones (null history: nothing to wait for, done). */
export function historyMilestones(history: HistoryHealth | null): HistoryMilestones {
  const symbols = history ? Object.entries(history.symbols) : [];
  return {
    covers: (wanted, spanMs, now) =>
      wanted.every((symbol) => {
        const s = history?.symbols[symbol];
        return s === undefined || s.state === "done" || (s.coveredFrom !== null && s.coveredFrom <= now - spanMs);
      }),
    done: history === null || !history.loading,
    trades: symbols.reduce((n, [, s]) => n + s.trades, 0),
  };
}

/**
 * The terminal's account of the history loading, read from the recorder's /health every second: a line
 * when the featured pair holds its last hour (its report has an hour of bars), and one when all is in.
 * Resolves `featuredHour` then (or when the history ends or `stopped()`), so the demo can announce
 * the notebook once the featured report has something to show.
 */
export function reportHistory(
  healthUrl: string,
  featured: readonly string[],
  log: (line: string) => void,
  {started = Date.now(), stopped}: {started?: number; stopped: () => boolean},
): {featuredHour: Promise<void>} {
  let hourTold: () => void = () => {};
  const featuredHour = new Promise<void>((resolve) => (hourTold = resolve));
  void (async () => {
    log("loading history in the background (progress per symbol on the Overview page); pages show what has arrived");
    let told = false;
    while (!stopped()) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      let health: Health;
      try {
        health = (await (await fetch(healthUrl, {signal: AbortSignal.timeout(5000)})).json()) as Health;
      } catch {
        continue; // the recorder is busy or stopping: its own lines say so
      }
      const history = historyMilestones(health.history ?? null),
        seconds = Math.round((Date.now() - started) / 1000);
      if (!told && !history.done && history.covers(featured, 3_600_000, Date.now())) {
        told = true;
        log(`history: ${featured.join("/")} holds its last hour (${seconds} s after start); the rest keeps loading`);
      }
      if (told || history.done) hourTold();
      if (history.done) {
        if (health.history)
          log(
            `history: the last ${health.history.windowMs / 3_600_000} h are in the lake (${history.trades.toLocaleString("en-US")} trades, ${seconds} s after start)`,
          );
        return;
      }
    }
    hourTold();
  })();
  return {featuredHour};
}
