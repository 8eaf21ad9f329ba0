// A REST page fetch that tries again after a failure (REST down, 429 while the budget waits out
// Retry-After), with backoff, before giving up: what the sequencer's backfills and the hole refills share.
import type {Trade} from "../src/lib/bars.js";

/** Fetches trades with ids from `fromId` on (ascending, at most 1000, possibly none). */
export type FetchTrades = (symbol: string, fromId: number, signal: AbortSignal) => Promise<readonly Trade[]>;

export interface RetryOptions {
  /** Tries before the last error is thrown; default 6. */
  maxAttempts?: number;
  /** Wait (ms) after the n-th failure; default 500·2ⁿ, at most 30 s. */
  retryDelayMs?: (attempt: number) => number;
}

/**
 * `fetchTrades` tried up to `maxAttempts` times; throws the last error (with `attempts` set), or
 * whatever error an abort of `signal` caused, at once.
 */
export async function fetchWithRetries(
  fetchTrades: FetchTrades,
  symbol: string,
  fromId: number,
  signal: AbortSignal,
  {maxAttempts = 6, retryDelayMs = (n) => Math.min(30_000, 500 * 2 ** n)}: RetryOptions = {},
): Promise<readonly Trade[]> {
  for (let failures = 1; ; ++failures) {
    try {
      return await fetchTrades(symbol, fromId, signal);
    } catch (error) {
      if (signal.aborted || failures >= maxAttempts) throw Object.assign(error as Error, {attempts: failures});
      await delay(retryDelayMs(failures), signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), {once: true});
  });
}
