// The bars file: bars of several symbols as one Arrow IPC stream, written by the data loaders
// (src/data/bars.arrow.ts, src/pairs/[pair].arrow.ts) and read by the pages. Columns: a shared `time`
// (bucket starts) and per symbol `SYM.open`, `.high`, `.low`, `.close`, `.volume`, `.quoteVolume`,
// `.takerBuyVolume` (Float64), `.count` (Int32) and `.gap` (Uint8, 1 = overlaps a recorded gap); the
// context (BarsMeta, with the funding events of USD-M legs and the recorder's history loading when
// built) goes in the schema metadata under "pairbook" (a file without `funding`, older or spot-only,
// has none; one without `history`, no loading known). apache-arrow's table functions run
// in Node and in the browser alike, so the encoder and the decoder both live here.
import {type Float64, type Int32, Schema, Table, tableFromArrays, tableFromIPC, tableToIPC, type Uint8} from "apache-arrow";
import type {BarColumns, SymbolBars} from "../lib/bars.js";
import type {FundingRateEvent} from "../lib/funding.js";
import type {GapRecord} from "./gaps.js";
import type {HistoryStatus} from "./historyStatus.js";
import {gridTimes, unpackDecimals} from "./packedColumns.js";

/** The context of a bars file, in its schema metadata. */
export interface BarsMeta {
  symbols: string[];
  interval: string;
  intervalMs: number;
  from: number | null;
  to: number | null;
  builtAt: number;
  trades: Record<string, number>;
  gaps: GapRecord[];
  liveUrl: string;
  /**
   * Funding events of the perpetual (`usdm:`) legs, by symbol, ascending ({time, rate, mark}: mark left
   * out where the lake has none); a perpetual leg without an event in the range has an empty list, a
   * spot leg none. Absent from files written before funding was carried.
   */
  funding?: Record<string, FundingRateEvent[]>;
  /** The recorder's history loading of these symbols when built (loaders/historyStatus.ts); absent: none known. */
  history?: HistoryStatus;
  /**
   * How a smaller file (loaders/pairBarsFile.ts) packed its columns (./packedColumns.ts): `time` left out,
   * being `start + i · step`; the columns named in `decimals` stored as Int32 multiples of 10^-decimals.
   * Absent: every column as written by `encodeBarsFile`.
   */
  packed?: {time?: {start: number; step: number}; decimals?: Record<string, number>};
}

/** One symbol's bars to encode, with gap flags and the number of trades they come from. */
export interface BarsLeg {
  readonly symbol: string;
  readonly bars: BarColumns;
  /** 1 where the bucket overlaps an unfilled gap of the symbol (from the trade before it to the one after). */
  readonly gap: Uint8Array;
  readonly trades: number;
}

/** What a bars file holds before encoding: bars of several symbols on one UTC grid (loaders/lakeBars.ts builds it). */
export interface BarsContent {
  readonly interval: number;
  /** Covered range [from, to), ms since the UTC epoch; null when the lake has no trades for the symbols. */
  readonly from: number | null;
  readonly to: number | null;
  readonly legs: readonly BarsLeg[];
  /** The symbols' gap records overlapping the range (all of them when the range is empty). */
  readonly gaps: readonly GapRecord[];
  /** Funding events of the perpetual legs, by symbol (loaders/pairFunding.ts); none for spot legs. */
  readonly funding?: Readonly<Record<string, readonly FundingRateEvent[]>>;
}

/** One symbol's bars as decoded (declared with the bars, in src/lib/bars.ts, which the analytics read). */
export type {SymbolBars} from "../lib/bars.js";

export interface BarsFile {
  meta: BarsMeta;
  time: Float64Array;
  symbols: Map<string, SymbolBars>;
}

/** The Float64 columns written per symbol (besides `.count` and `.gap`). */
export const barFields = ["open", "high", "low", "close", "volume", "quoteVolume", "takerBuyVolume"] as const;

/** What a bars file says besides its bars: the base interval's name, build time, live feed, history loading (null: none). */
export interface BarsFileOptions {
  interval: string;
  builtAt: number;
  liveUrl: string;
  history?: HistoryStatus | null;
}

/** Encodes bars as a bars file (Arrow IPC stream). */
export function encodeBarsFile(content: BarsContent, {interval, builtAt, liveUrl, history}: BarsFileOptions): Uint8Array {
  const columns: Record<string, Float64Array | Int32Array | Uint8Array> = {time: content.legs[0]?.bars.start ?? new Float64Array(0)};
  for (const {symbol, bars, gap} of content.legs) {
    for (const field of barFields) columns[`${symbol}.${field}`] = bars[field];
    columns[`${symbol}.count`] = Int32Array.from(bars.count);
    columns[`${symbol}.gap`] = gap;
  }
  const meta: BarsMeta = {
    symbols: content.legs.map((l) => l.symbol),
    interval,
    intervalMs: content.interval,
    from: content.from,
    to: content.to,
    builtAt,
    trades: Object.fromEntries(content.legs.map((l) => [l.symbol, l.trades])),
    gaps: [...content.gaps],
    liveUrl,
    ...(content.funding
      ? {funding: Object.fromEntries(Object.entries(content.funding).map(([s, events]) => [s, events.map(fundingEvent)]))}
      : {}),
    ...(history ? {history} : {}),
  };
  const table = tableFromArrays(columns);
  return tableToIPC(new Table(new Schema(table.schema.fields, new Map([["pairbook", JSON.stringify(meta)]])), table.batches), "stream");
}

/** An event as the file stores it: time, rate and the mark when known (no other key). */
function fundingEvent({time, rate, mark}: FundingRateEvent): FundingRateEvent {
  return mark === undefined ? {time, rate} : {time, rate, mark};
}

/** The funding events of a file's metadata: lists of events with a finite time and rate (and mark, when given) kept, anything else dropped. */
function fundingOfMeta(value: unknown): Record<string, FundingRateEvent[]> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
  const funding: Record<string, FundingRateEvent[]> = {};
  for (const [symbol, events] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(events)) continue;
    funding[symbol] = events
      .filter((e): e is FundingRateEvent => {
        const x = e as Partial<Record<keyof FundingRateEvent, unknown>>;
        return typeof e === "object" && e !== null && finite(x.time) && finite(x.rate) && (x.mark === undefined || finite(x.mark));
      })
      .map(fundingEvent);
  }
  return funding;
}

/**
 * Decodes a bars file into per-symbol BarColumns with gap flags, without copying the Float64 columns.
 * Columns a file leaves out (the pair reports' files have no quote volume, loaders/pairBarsFile.ts) read
 * as the close (open, high, low), zero (volumes) or NaN (VWAP), sharing one buffer. Packed columns
 * (`meta.packed`) come back bit for bit as they were before packing.
 */
export function decodeBarsFile(bytes: ArrayBuffer): BarsFile {
  const table = tableFromIPC<Record<string, Float64 | Int32 | Uint8>>(new Uint8Array(bytes));
  const meta = JSON.parse(table.schema.metadata.get("pairbook") ?? "null") as BarsMeta | null;
  if (!meta) throw new Error("bars file has no pairbook metadata: rebuild with npm run build");
  const funding = fundingOfMeta(meta.funding);
  if (funding) meta.funding = funding;
  else delete meta.funding;
  const n = table.numRows;
  const packed = meta.packed;
  let zeros: Float64Array | null = null;
  const column = (name: string, missing?: () => Float64Array): Float64Array => {
    const child = table.getChild(name);
    if (!child && missing) return missing();
    const decimals = packed?.decimals?.[name];
    if (child && decimals !== undefined) return unpackDecimals(child.toArray(), decimals);
    const v = child?.toArray();
    return v instanceof Float64Array ? v : Float64Array.from(v ?? (zeros ??= new Float64Array(n)));
  };
  const zero = () => (zeros ??= new Float64Array(n));
  const time = packed?.time ? gridTimes(n, packed.time.start, packed.time.step) : column("time");
  const symbols = new Map<string, SymbolBars>();
  for (const s of meta.symbols) {
    const close = column(`${s}.close`),
      volume = column(`${s}.volume`, zero),
      quoteVolume = column(`${s}.quoteVolume`, zero);
    // Without a quote volume (the pair reports' files) the VWAP is unknown, also where volume > 0.
    const vwap = new Float64Array(n),
      quoted = table.getChild(`${s}.quoteVolume`) !== null;
    for (let i = 0; i < n; ++i) vwap[i] = quoted && volume[i] > 0 ? quoteVolume[i] / volume[i] : NaN;
    const bars: BarColumns = {
      interval: meta.intervalMs,
      start: time,
      open: column(`${s}.open`, () => close),
      high: column(`${s}.high`, () => close),
      low: column(`${s}.low`, () => close),
      close,
      volume,
      quoteVolume,
      count: Float64Array.from(table.getChild(`${s}.count`)?.toArray() ?? []),
      vwap,
      takerBuyVolume: column(`${s}.takerBuyVolume`, zero),
    };
    const gap = table.getChild(`${s}.gap`)?.toArray();
    symbols.set(s, {bars, gap: gap instanceof Uint8Array ? gap : new Uint8Array(n)});
  }
  return {meta, time, symbols};
}
