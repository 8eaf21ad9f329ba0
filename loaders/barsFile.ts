// Writes bars of several symbols as one Arrow IPC stream: a shared `time` column (bucket starts) and per
// symbol `SYM.open`, `.high`, `.low`, `.close`, `.volume`, `.quoteVolume`, `.takerBuyVolume`
// (Float64), `.count` (Int32) and `.gap` (Uint8, 1 = overlaps a recorded gap); the context goes in the
// schema metadata under "pairbook" (decoded by src/components/barsFile.ts).
import type {BarsMeta} from "../src/components/barsFile.js";
import {Schema, Table, tableFromArrays, tableToIPC} from "apache-arrow";
import type {LakeBars} from "./lakeBars.js";

/** The metadata of a bars file: one definition, shared with the page that decodes it. */
export type BarsFileMeta = BarsMeta;

export const barFields = ["open", "high", "low", "close", "volume", "quoteVolume", "takerBuyVolume"] as const;

export function encodeBarsFile(loaded: LakeBars, {interval, builtAt, liveUrl}: {interval: string; builtAt: number; liveUrl: string}): Uint8Array {
  const columns: Record<string, Float64Array | Int32Array | Uint8Array> = {time: loaded.legs[0]?.bars.start ?? new Float64Array(0)};
  for (const {symbol, bars, gap} of loaded.legs) {
    for (const field of barFields) columns[`${symbol}.${field}`] = bars[field];
    columns[`${symbol}.count`] = Int32Array.from(bars.count);
    columns[`${symbol}.gap`] = gap;
  }
  const meta: BarsFileMeta = {
    symbols: loaded.legs.map((l) => l.symbol), interval, intervalMs: loaded.interval, from: loaded.from, to: loaded.to, builtAt,
    trades: Object.fromEntries(loaded.legs.map((l) => [l.symbol, l.trades])), gaps: [...loaded.gaps], liveUrl
  };
  const table = tableFromArrays(columns);
  return tableToIPC(new Table(new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify(meta)]])), table.batches), "stream");
}
