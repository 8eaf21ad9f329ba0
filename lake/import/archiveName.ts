// Names and URLs of Binance public-archive files (data.binance.vision layout).

import {symbolSource, type SymbolMarket} from "../../src/protocol/symbol.js";

/** The trade archives: rows with an id each (spot trades, spot or USD-M aggregate trades). */
export type ArchiveKind = "trades" | "aggTrades";
/** Every archive kind pairbook imports: the trade archives, and USD-M's monthly funding-rate files. */
export type ArchiveType = ArchiveKind | "fundingRate";

export interface ArchiveName {
  /** The plain Binance name: the market is not in the file name (spot and USD-M archives share names). */
  readonly symbol: string;
  readonly kind: ArchiveType;
  /** `YYYY-MM-DD` for daily files, `YYYY-MM` for monthly ones. */
  readonly period: string;
  readonly extension: "zip" | "csv";
}

const pattern = new RegExp(`^(${symbolSource})-(trades|aggTrades|fundingRate)-(\\d{4}-\\d{2}(?:-\\d{2})?)\\.(zip|csv)$`);

/** `BTCUSDT-trades-2024-08-08.zip` → {symbol: "BTCUSDT", kind: "trades", period: "2024-08-08", extension: "zip"}; undefined for other names. */
export function parseArchiveName(fileName: string): ArchiveName | undefined {
  const match = pattern.exec(fileName);
  if (!match) return undefined;
  return {symbol: match[1], kind: match[2] as ArchiveType, period: match[3], extension: match[4] as "zip" | "csv"};
}

/** File name of a daily spot archive: `BTCUSDT-trades-2024-08-08.zip`. */
export function dailyArchiveName(symbol: string, kind: ArchiveKind, date: string): string {
  return `${symbol}-${kind}-${date}.zip`;
}

/** URL of a daily spot archive under `base`: `<base>/data/spot/daily/<kind>/<SYMBOL>/<SYMBOL>-<kind>-<date>.zip`. */
export function dailyArchiveUrl(base: string, symbol: string, kind: ArchiveKind, date: string): string {
  return `${base.replace(/\/+$/, "")}/data/spot/daily/${kind}/${symbol}/${dailyArchiveName(symbol, kind, date)}`;
}

/** File name of a daily (`YYYY-MM-DD`) or monthly (`YYYY-MM`) archive: `BTCUSDT-fundingRate-2024-08.zip`. */
export function archiveName(symbol: string, kind: ArchiveType, period: string): string {
  return `${symbol}-${kind}-${period}.zip`;
}

/**
 * URL of an archive under `base` in the data.binance.vision layout: spot `data/spot/daily/<kind>/…`,
 * USD-M `data/futures/um/daily/<kind>/…` (trade archives, `period` a day) and
 * `data/futures/um/monthly/fundingRate/…` (`period` a month). `symbol` is the plain Binance name.
 */
export function archiveUrl(base: string, market: SymbolMarket, symbol: string, kind: ArchiveType, period: string): string {
  const root = market === "usdm" ? "data/futures/um" : "data/spot";
  const frequency = kind === "fundingRate" ? "monthly" : "daily";
  return `${base.replace(/\/+$/, "")}/${root}/${frequency}/${kind}/${symbol}/${archiveName(symbol, kind, period)}`;
}

/** Every month (`YYYY-MM`) that a UTC date range (`YYYY-MM-DD`, inclusive) touches; RangeError as `dateRange`. */
export function monthRange(from: string, to: string): string[] {
  return [...new Set(dateRange(from, to).map((date) => date.slice(0, 7)))];
}

/** Every UTC date from `from` to `to` inclusive (`YYYY-MM-DD`); RangeError for an invalid or reversed range. */
export function dateRange(from: string, to: string): string[] {
  const start = parseDate(from),
    end = parseDate(to);
  if (end < start) throw new RangeError(`date range ends before it starts: ${from} to ${to}`);
  const dates: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

function parseDate(date: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date)
    throw new RangeError(`invalid date ${JSON.stringify(date)} (expected YYYY-MM-DD)`);
  return t;
}
