// Live gaps first: history asks REST only while no live gap of its market is being backfilled and
// only with a share of the minute's request weight, so a gap found later still has weight to use
// at once. Both share the market's one WeightBudget (recorder/binance/requestBudget.ts).
import {defaultSleep} from "../binance/requestBudget.js";

export interface HistoryGateOptions {
  /** Weight still free this minute on the market's budget (WeightBudget.spare) and the budget itself. */
  spare: () => number;
  budget: number;
  /** True while a live gap of the market is open (waiting or being backfilled). */
  liveGapOpen: () => boolean;
  /** Share of the minute's budget history may use (default 0.5). */
  share?: number;
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class HistoryGate {
  constructor(private readonly options: HistoryGateOptions) {}

  /** Resolves when a request of `weight` may go; rejects once `signal` aborts. */
  async wait(weight: number, signal: AbortSignal): Promise<void> {
    const {spare, budget, liveGapOpen, share = 0.5, pollMs = 200, sleep = defaultSleep} = this.options;
    for (;;) {
      if (signal.aborted) throw new Error("aborted");
      if (!liveGapOpen() && spare() - weight >= budget * (1 - share)) return;
      await sleep(pollMs, signal);
    }
  }
}
