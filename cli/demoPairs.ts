// The pair reports the demo (and `pairbook start`) covers, as PAIRBOOK_PAIRS: the featured pair, then
// each basis pair (a coin's spot symbol against its USD-M perpetual), then every other pair.
import {marketSymbolSlug, parseMarketSymbol} from "../src/protocol/symbol.js";

export interface DemoPairs {
  /** PAIRBOOK_PAIR: the first two symbols, as given. */
  readonly featured: string;
  /** Page name (pairs/NAME.html) of the featured pair, e.g. BTCUSDT-ETHUSDT. */
  readonly featuredPage: string;
  /** PAIRBOOK_PAIRS: every pair of the symbols, featured first, then the basis pairs (spot/perp). */
  readonly pairs: string;
  /** Page names (pairs/NAME.html) of the basis pairs, e.g. BTCUSDT-usdm_BTCUSDT. */
  readonly basisPages: readonly string[];
}

/**
 * The demo's pairs of `symbols` (at least two, as symbolsFlag reads them).
 *
 *   demoPairs(["BTCUSDT", "ETHUSDT", "usdm:BTCUSDT"])
 *   // {featured: "BTCUSDT/ETHUSDT", featuredPage: "BTCUSDT-ETHUSDT", pairs: "BTCUSDT/ETHUSDT,BTCUSDT/usdm:BTCUSDT,ETHUSDT/usdm:BTCUSDT", basisPages: ["BTCUSDT-usdm_BTCUSDT"]}
 */
export function demoPairs(symbols: readonly string[]): DemoPairs {
  const all: [string, string][] = [];
  for (let i = 0; i < symbols.length; ++i) for (let j = i + 1; j < symbols.length; ++j) all.push([symbols[i], symbols[j]]);
  const isBasis = ([a, b]: [string, string]) => a !== b && parseMarketSymbol(a).symbol === parseMarketSymbol(b).symbol;
  const basis = all.filter(isBasis).map(([a, b]): [string, string] => (parseMarketSymbol(a).market === "spot" ? [a, b] : [b, a]));
  // Each unordered pair once, in its first place (the featured pair may itself be a basis pair).
  const seen = new Set<string>();
  const ordered = [...all.slice(0, 1), ...basis, ...all.slice(1)].filter((p) => {
    const key = [...p].sort().join(" ");
    return !seen.has(key) && seen.add(key);
  });
  const slug = (s: string) => marketSymbolSlug(parseMarketSymbol(s));
  return {
    featured: `${symbols[0]}/${symbols[1]}`,
    featuredPage: `${slug(symbols[0])}-${slug(symbols[1])}`,
    pairs: ordered.map(([a, b]) => `${a}/${b}`).join(","),
    basisPages: basis.map(([a, b]) => `${slug(a)}-${slug(b)}`),
  };
}
