// Decodes a bars file written by loaders/barsFile.ts (Arrow IPC + "pairbook" metadata) into per-symbol
// BarColumns with gap flags, without copying the Float64 columns.
import {tableFromIPC} from "apache-arrow";
import type {BarColumns} from "../lib/bars.js";

export interface GapInfo {
  symbol: string;
  fromId: number;
  toId: number;
  fromTime: number | null;
  toTime: number | null;
  cause: string;
  filled: boolean;
  detectedAt: number;
}

export interface BarsMeta {
  symbols: string[];
  interval: string;
  intervalMs: number;
  from: number | null;
  to: number | null;
  builtAt: number;
  trades: Record<string, number>;
  gaps: GapInfo[];
  liveUrl: string;
}

export interface SymbolBars {
  bars: BarColumns;
  gap: Uint8Array;
}

export interface BarsFile {
  meta: BarsMeta;
  time: Float64Array;
  symbols: Map<string, SymbolBars>;
}

/**
 * Decodes a bars file. Columns a file leaves out (the pair reports' files keep only close, count and
 * gap) read as the close (open, high, low), zero (volumes) or NaN (VWAP), sharing one buffer.
 */
export function decodeBarsFile(bytes: ArrayBuffer): BarsFile {
  const table = tableFromIPC(new Uint8Array(bytes));
  const meta = JSON.parse(table.schema.metadata.get("pairbook") ?? "null") as BarsMeta | null;
  if (!meta) throw new Error("bars file has no pairbook metadata: rebuild with npm run build");
  const n = table.numRows;
  let zeros: Float64Array | null = null;
  const column = (name: string, missing?: () => Float64Array): Float64Array => {
    const child = table.getChild(name);
    if (!child && missing) return missing();
    const v = child?.toArray();
    return v instanceof Float64Array ? v : Float64Array.from(v ?? (zeros ??= new Float64Array(n)));
  };
  const zero = () => (zeros ??= new Float64Array(n));
  const time = column("time");
  const symbols = new Map<string, SymbolBars>();
  for (const s of meta.symbols) {
    const close = column(`${s}.close`), volume = column(`${s}.volume`, zero), quoteVolume = column(`${s}.quoteVolume`, zero);
    const vwap = new Float64Array(n);
    for (let i = 0; i < n; ++i) vwap[i] = volume[i] > 0 ? quoteVolume[i] / volume[i] : NaN;
    const bars: BarColumns = {
      interval: meta.intervalMs, start: time,
      open: column(`${s}.open`, () => close), high: column(`${s}.high`, () => close), low: column(`${s}.low`, () => close), close,
      volume, quoteVolume, count: Float64Array.from(table.getChild(`${s}.count`)?.toArray() ?? []), vwap,
      takerBuyVolume: column(`${s}.takerBuyVolume`, zero)
    };
    const gap = table.getChild(`${s}.gap`)?.toArray();
    symbols.set(s, {bars, gap: gap instanceof Uint8Array ? gap : new Uint8Array(n)});
  }
  return {meta, time, symbols};
}
