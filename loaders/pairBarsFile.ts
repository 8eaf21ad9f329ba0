// A pair report's bars file (src/pairs/[pair].arrow.ts): the bars file of both legs with only the
// columns the report draws — time; per leg open, high, low, close, volume, taker buy volume (candles,
// volume and taker panels), trade count and gap flag. The quote volume (VWAP) is left out: the report
// does not show it, and at 86,400 bars each Float64 column is 0.7 MB the page fetches before it draws.
// The file is packed (src/protocol/packedColumns.ts, exact): a regular time column goes as its start and
// step, a column of few-decimal values (prices) as Int32; the page downloads and reads ~35% fewer bytes.
// The metadata (BarsMeta, with perpetual legs' funding events: loaders/pairFunding.ts) is kept whole.
import {Schema, Table, tableFromArrays, tableFromIPC, tableToIPC} from "apache-arrow";
import {type BarsContent, type BarsFileOptions, type BarsMeta, encodeBarsFile} from "../src/protocol/barsFile.js";
import {isGrid, packDecimals} from "../src/protocol/packedColumns.js";

/** The per-leg columns a pair report's bars file keeps (besides `time`). */
export const pairBarFields = ["open", "high", "low", "close", "volume", "takerBuyVolume", "count", "gap"] as const;

/**
 * Encodes `content` as a bars file (Arrow IPC stream) holding `time` and each leg's `pairBarFields`,
 * packed where that loses nothing (`meta.packed`; decodeBarsFile unpacks).
 *
 *   process.stdout.write(pairBarsFile(await loadLakeBars(lake, pair, options), {interval: "1s", builtAt: Date.now(), liveUrl}));
 */
export function pairBarsFile(content: BarsContent, options: BarsFileOptions): Uint8Array {
  const full = tableFromIPC(encodeBarsFile(content, options));
  const meta = JSON.parse(full.schema.metadata.get("pairbook") ?? "null") as BarsMeta;
  const columns: Record<string, Float64Array | Int32Array | Uint8Array> = {};
  const packed: NonNullable<BarsMeta["packed"]> = {decimals: {}};
  const time = full.getChild("time")!.toArray() as Float64Array;
  if (time.length > 0 && isGrid(time, time[0], content.interval)) packed.time = {start: time[0], step: content.interval};
  else columns.time = time;
  for (const {symbol} of content.legs)
    for (const field of pairBarFields) {
      const name = `${symbol}.${field}`;
      const values = full.getChild(name)!.toArray() as Float64Array | Int32Array | Uint8Array;
      const ints = values instanceof Float64Array ? packDecimals(values) : null;
      if (ints) packed.decimals![name] = ints.decimals;
      columns[name] = ints?.ints ?? values;
    }
  const table = tableFromArrays(columns);
  const schema = new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify({...meta, packed})]]));
  return tableToIPC(new Table(schema, table.batches), "stream");
}
