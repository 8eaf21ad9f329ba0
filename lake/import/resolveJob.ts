// Which symbol, market and kind an archive file is, from the command's options and the file's name and
// folder; and which kinds each market has archives of.
import {basename, sep} from "node:path";
import {formatMarketSymbol, parseMarketSymbol, type SymbolMarket} from "../../src/protocol/symbol.js";
import {type ArchiveType, parseArchiveName} from "./archiveName.js";

/** One file to import, resolved from a path and the command's options. */
export interface ImportJob {
  readonly path: string;
  /** As pairbook names it: `BTCUSDT` (spot) or `usdm:BTCUSDT` (USD-M perpetual). */
  readonly symbol: string;
  readonly kind: ArchiveType;
  readonly zip: boolean;
}

/**
 * Resolves a path into a job: symbol and kind from the options or the archive name
 * (`BTCUSDT-trades-2024-08-08.zip`), which must agree. Archive names do not carry the market: a
 * fundingRate file, or one under a `futures/um/` folder (the data.binance.vision layout), is USD-M,
 * any other is spot unless `symbol` says `usdm:`. Throws RangeError for a caller mistake.
 */
export function resolveJob(path: string, {symbol, kind}: {symbol?: string; kind?: ArchiveType}): ImportJob {
  const file = basename(path),
    name = parseArchiveName(file);
  const given = symbol === undefined ? undefined : parseMarketSymbol(symbol);
  if (given && name && name.symbol !== given.symbol) throw new RangeError(`${file} is a ${name.symbol} file, not ${given.symbol}`);
  if (kind && name && name.kind !== kind) throw new RangeError(`${file} is a ${name.kind} file, not ${kind}`);
  const resolvedKind = kind ?? name?.kind;
  const futuresPath = path.split(sep).join("/").includes("/futures/um/") || resolvedKind === "fundingRate";
  const market: SymbolMarket = given?.market ?? (futuresPath ? "usdm" : "spot");
  const plain = given?.symbol ?? name?.symbol;
  if (!plain) throw new RangeError(`cannot tell the symbol of ${file} from its name: give --symbol`);
  if (futuresPath && market === "spot")
    throw new RangeError(`${file} is a USD-M futures archive: give --symbol usdm:${plain}, not the spot symbol ${plain}`);
  const zip = /\.zip$/i.test(path);
  if (!zip && !/\.csv$/i.test(path)) throw new RangeError(`${file}: expected a .csv or .zip file`);
  const resolved = formatMarketSymbol({market, symbol: plain});
  return {path, symbol: resolved, kind: checkKind(resolved, resolvedKind ?? (market === "usdm" ? "aggTrades" : "trades"), file), zip};
}

/** `kind` if a `symbol` of its market can have such archives; RangeError naming `what` otherwise. */
export function checkKind(symbol: string, kind: ArchiveType, what: string): ArchiveType {
  const {market} = parseMarketSymbol(symbol);
  if (kind === "fundingRate" && market !== "usdm")
    throw new RangeError(`${what}: funding-rate archives are USD-M's: give the symbol as usdm:${parseMarketSymbol(symbol).symbol}`);
  if (kind === "trades" && market === "usdm")
    throw new RangeError(`${what}: USD-M trades archives are not imported: the lake's usdm ticks are aggregate trades (import aggTrades)`);
  return kind;
}
