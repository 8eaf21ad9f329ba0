// What the notebook's loaders cover, read once from the environment at the loader's edge.
import {resolve} from "node:path";
import {intervalMs} from "../src/lib/bars.js";

export interface NotebookConfig {
  lake: string;
  pair: readonly [string, string];
  interval: string;
  lookbackMs: number;
  liveUrl: string;
}

/**
 * PAIRBOOK_LAKE (default ./data), PAIRBOOK_PAIR (default BTCUSDT/ETHUSDT), PAIRBOOK_INTERVAL (1s),
 * PAIRBOOK_LOOKBACK_HOURS (24), PAIRBOOK_LIVE_URL (ws://127.0.0.1:8787). Throws with a clear message.
 */
export function notebookConfig(env: Record<string, string | undefined>): NotebookConfig {
  const pair = (env.PAIRBOOK_PAIR ?? "BTCUSDT/ETHUSDT").toUpperCase().split("/");
  if (pair.length !== 2 || pair.some((s) => !/^[A-Z0-9]{2,30}$/.test(s)) || pair[0] === pair[1]) {
    throw new Error(`invalid PAIRBOOK_PAIR ${JSON.stringify(env.PAIRBOOK_PAIR)} (expected two symbols such as BTCUSDT/ETHUSDT)`);
  }
  const interval = env.PAIRBOOK_INTERVAL ?? "1s";
  intervalMs(interval);
  const hours = Number(env.PAIRBOOK_LOOKBACK_HOURS ?? 24);
  if (!(hours > 0)) throw new Error(`invalid PAIRBOOK_LOOKBACK_HOURS ${JSON.stringify(env.PAIRBOOK_LOOKBACK_HOURS)} (expected a positive number)`);
  return {
    lake: resolve(env.PAIRBOOK_LAKE ?? "data"),
    pair: [pair[0], pair[1]],
    interval,
    lookbackMs: hours * 3600_000,
    liveUrl: env.PAIRBOOK_LIVE_URL ?? "ws://127.0.0.1:8787"
  };
}
