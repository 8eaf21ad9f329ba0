// Keeps `<lake>/history/state.json` (lake/historyMarker.ts) in step with a `--history` run, so the lake
// says how far the history got even after the recorder is gone (kill -9, power loss, a restart without
// --history): written at start, on each symbol's change of state or phase (SymbolProgress' `changed`:
// a few times per run, never per page) and at the end. Writes are serialized and coalesced (one in
// flight, at most one queued, which takes the states as they are when it runs). Symbols of an earlier
// run that this one does not load keep their entry. A write that fails is logged (once per cause) and
// never stops the history or the recorder: the marker is a notice, not data.
import {type HistoryMarker, type HistoryMarkerSymbol, readHistoryMarker, writeHistoryMarker} from "../../lake/historyMarker.js";
import type {SymbolProgress} from "./historyProgress.js";

export interface HistoryMarkerFileOptions {
  lake: string;
  windowMs: number;
  windowStart: number;
  startedAt: number;
  log: (line: string) => void;
  now: () => number;
}

export class HistoryMarkerFile {
  private progress: readonly SymbolProgress[] = [];
  private writing: Promise<void> = Promise.resolve();
  private queued = false;
  /** Symbols of earlier runs (read once, before the first write); undefined until then. */
  private carried: Record<string, HistoryMarkerSymbol> | undefined;
  private failure: string | undefined;

  constructor(private readonly o: HistoryMarkerFileOptions) {}

  /** The run's symbols; call once, before the first `changed()`. */
  track(progress: readonly SymbolProgress[]): void {
    this.progress = progress;
  }

  /** Schedules a write of every symbol's current state. */
  changed(): void {
    if (this.queued) return;
    this.queued = true;
    this.writing = this.writing.then(() => ((this.queued = false), this.write()));
  }

  /** Resolves once every write scheduled so far is done (never rejects). */
  flushed(): Promise<void> {
    return this.writing;
  }

  private async write(): Promise<void> {
    const {lake, log} = this.o;
    try {
      if (this.carried === undefined) {
        const read = await readHistoryMarker(lake);
        if (read && "ignored" in read) log(`history: ${read.ignored}; replacing it`);
        this.carried = read && "marker" in read ? read.marker.symbols : {};
      }
      const marker: HistoryMarker = {
        format: 1,
        windowMs: this.o.windowMs,
        startedAt: this.o.startedAt,
        windowStart: this.o.windowStart,
        updatedAt: this.o.now(),
        symbols: {...this.carried, ...Object.fromEntries(this.progress.map((p) => [p.symbol, entry(p)]))},
      };
      await writeHistoryMarker(lake, marker);
      if (this.failure !== undefined) log(`history: ${lake}/history/state.json written again`);
      this.failure = undefined;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.failure) log(`history: could not write the progress marker (pages built later may miss the notice): ${message}`);
      this.failure = message;
    }
  }
}

const entry = ({state: s}: SymbolProgress): HistoryMarkerSymbol => ({
  state: s.state,
  windowStart: s.windowStart,
  coveredFrom: s.coveredFrom,
  detail: s.detail,
});
