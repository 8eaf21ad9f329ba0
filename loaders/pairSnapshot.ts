// The pair snapshot the notebook page loads: aligned closes as Arrow IPC, with the context as metadata.
import {Schema, Table, tableFromArrays, tableToIPC} from "apache-arrow";
import {intervalMs} from "../src/lib/bars.js";
import {loadPairBars} from "./pairBars.js";

/** Context stored in the Arrow schema metadata under "pairbook" (see src/components/snapshot.ts). */
export interface SnapshotMeta {
  a: string;
  b: string;
  interval: string;
  from: number | null;
  to: number | null;
  builtAt: number;
  trades: {a: number; b: number};
  liveUrl: string;
}

/** The pair page's former snapshot file (kept for the pipeline test): one pair's aligned closes. */
export interface PairSnapshotConfig {
  lake: string;
  pair: readonly [string, string];
  interval: string;
  lookbackMs: number;
  liveUrl: string;
}

export async function pairSnapshot(config: PairSnapshotConfig, now = Date.now()): Promise<Uint8Array> {
  const [a, b] = config.pair;
  const bars = await loadPairBars(config.lake, a, b, {interval: intervalMs(config.interval), lookbackMs: config.lookbackMs});
  const meta: SnapshotMeta = {a, b, interval: config.interval, from: bars.from, to: bars.to, builtAt: now, trades: bars.trades, liveUrl: config.liveUrl};
  const table = tableFromArrays({time: bars.aligned.time, a: bars.aligned.a, b: bars.aligned.b});
  return tableToIPC(new Table(new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify(meta)]])), table.batches), "stream");
}
