// What a symbol is, wherever one comes in: CLI options, PAIRBOOK_* variables, archive file names,
// captured trades and the live feed's subscribe messages. Binance names, upper case; a USD-M perpetual
// carries the `usdm:` qualifier (below).

/** The pattern's body, for patterns that embed a symbol (archive names). */
export const symbolSource = "[A-Z0-9]{2,30}";

/** A whole symbol: 2–30 upper-case letters or digits, e.g. BTCUSDT. */
export const symbolPattern = new RegExp(`^${symbolSource}$`);

/** Whether `value` is a symbol (see symbolPattern). */
export function isSymbol(value: unknown): value is string {
  return typeof value === "string" && symbolPattern.test(value);
}

/** The markets a symbol can belong to: Binance spot, or Binance USD-M perpetual futures. */
export type SymbolMarket = "spot" | "usdm";

/** A symbol with its market: `usdm:BTCUSDT` is {market: "usdm", symbol: "BTCUSDT"}. */
export interface MarketSymbol {
  readonly market: SymbolMarket;
  readonly symbol: string;
}

// Written `usdm:BTCUSDT` (CLI, pages, alert targets, API); plain `BTCUSDT` stays spot, so existing
// names keep working. In paths and file names the `:` becomes `_` (`usdm_BTCUSDT`): `:` is not
// allowed in Windows file names and makes a relative link look like a URL scheme, `-` already joins
// the two legs of a pair (`/pairs/BTCUSDT-usdm_ETHUSDT`), and `.` would read as a file extension.
// Neither a lower-case letter nor `_` can occur in a symbol, so no form can be taken for another.
const qualified = new RegExp(`^(?:usdm:)?${symbolSource}$`);
const slugged = new RegExp(`^(?:usdm_)?${symbolSource}$`);

/**
 * Reads `BTCUSDT` (spot) or `usdm:BTCUSDT` (USD-M perpetual). Throws a one-line RangeError naming
 * the input otherwise. Example: parseMarketSymbol("usdm:ETHUSDT") → {market: "usdm", symbol: "ETHUSDT"}.
 */
export function parseMarketSymbol(text: string): MarketSymbol {
  if (!qualified.test(text)) throw new RangeError(`invalid symbol ${JSON.stringify(text)} (expected e.g. BTCUSDT or usdm:BTCUSDT)`);
  return text.startsWith("usdm:") ? {market: "usdm", symbol: text.slice(5)} : {market: "spot", symbol: text};
}

/** Whether `value` is a symbol as parseMarketSymbol reads it (`BTCUSDT` or `usdm:BTCUSDT`). */
export function isMarketSymbol(value: unknown): value is string {
  return typeof value === "string" && qualified.test(value);
}

/** The written form: `usdm:BTCUSDT`, or the plain symbol for spot. Inverse of parseMarketSymbol. */
export function formatMarketSymbol({market, symbol}: MarketSymbol): string {
  return market === "spot" ? symbol : `${market}:${symbol}`;
}

/** The form for URL paths and file names: `usdm_BTCUSDT`, or the plain symbol for spot. */
export function marketSymbolSlug({market, symbol}: MarketSymbol): string {
  return market === "spot" ? symbol : `${market}_${symbol}`;
}

/** Reads a marketSymbolSlug (`BTCUSDT`, `usdm_BTCUSDT`); a one-line RangeError naming the input otherwise. */
export function parseMarketSymbolSlug(slug: string): MarketSymbol {
  if (!slugged.test(slug)) throw new RangeError(`invalid symbol in path ${JSON.stringify(slug)} (expected e.g. BTCUSDT or usdm_BTCUSDT)`);
  return slug.startsWith("usdm_") ? {market: "usdm", symbol: slug.slice(5)} : {market: "spot", symbol: slug};
}
