// What the notebook's loaders cover, read once from the environment at the loader's edge (data
// loaders, observablehq.config.ts for the pair pages' paths). Every variable is optional:
//
//   PAIRBOOK_LAKE            lake folder (default ./data)
//   PAIRBOOK_SYMBOLS         symbols, comma-separated (default: every symbol in the lake); a USD-M
//                            perpetual is named usdm:BTCUSDT (src/protocol/symbol.ts), spot plainly
//   PAIRBOOK_PAIRS           pair reports, A/B comma-separated, A regressed on B (default: every pair
//                            of the symbols, in the order the symbols sort); a basis pair is
//                            BTCUSDT/usdm:BTCUSDT
//   PAIRBOOK_PAIR            the featured pair, listed first (default BTCUSDT/ETHUSDT when both exist)
//   PAIRBOOK_INTERVAL        base bar interval of the loaders' files: 1s, 1m, 5m, 15m or 1h (default 1s);
//                            pages offer this one and every coarser one
//   PAIRBOOK_LOOKBACK_HOURS  window ending at the latest trade of the symbols (default 24)
//   PAIRBOOK_LIVE_URL        the recorder's live feed the pages connect to (default ws://127.0.0.1:8787)
import {resolve} from "node:path";
import {intervalMs} from "../src/lib/bars.js";
import {formatMarketSymbol, isMarketSymbol, marketSymbolSlug, parseMarketSymbol, parseMarketSymbolSlug} from "../src/protocol/symbol.js";
import {resolveLeftovers} from "../lake/leftovers.js";
import {lakeSymbols} from "../lake/reader.js";

export type Pair = readonly [string, string];

export interface NotebookConfig {
  lake: string;
  /** null: every symbol in the lake. */
  symbols: readonly string[] | null;
  /** null: every pair of the symbols. */
  pairs: readonly Pair[] | null;
  featured: Pair;
  interval: string;
  lookbackMs: number;
  liveUrl: string;
}

/** A symbol as written in a variable, in its one spelling: " usdm:btcusdt" → "usdm:BTCUSDT", "ethusdt" → "ETHUSDT". */
function normalSymbol(text: string): string {
  const s = text.trim();
  return /^usdm:/i.test(s) ? `usdm:${s.slice(5).toUpperCase()}` : s.toUpperCase();
}

function parsePair(text: string, name: string): Pair {
  const pair = text.split("/").map(normalSymbol);
  if (pair.length !== 2 || pair.some((s) => !isMarketSymbol(s)) || pair[0] === pair[1]) {
    throw new Error(`invalid ${name} ${JSON.stringify(text)} (expected two symbols such as BTCUSDT/ETHUSDT or BTCUSDT/usdm:BTCUSDT)`);
  }
  return [pair[0], pair[1]];
}

/** The configuration from PAIRBOOK_* variables (see the top of this file). Throws with a clear message. */
export function notebookConfig(env: Record<string, string | undefined>): NotebookConfig {
  const featured = parsePair(env.PAIRBOOK_PAIR ?? "BTCUSDT/ETHUSDT", "PAIRBOOK_PAIR");
  let symbols: string[] | null = null;
  if (env.PAIRBOOK_SYMBOLS?.trim()) {
    symbols = [...new Set(env.PAIRBOOK_SYMBOLS.split(",").map(normalSymbol).filter(Boolean))];
    const bad = symbols.find((s) => !isMarketSymbol(s));
    if (bad !== undefined)
      throw new Error(`invalid PAIRBOOK_SYMBOLS: ${JSON.stringify(bad)} is not a symbol (expected e.g. BTCUSDT or usdm:BTCUSDT)`);
  }
  const pairs = env.PAIRBOOK_PAIRS?.trim()
    ? env.PAIRBOOK_PAIRS.split(",")
        .filter((p) => p.trim())
        .map((p) => parsePair(p, "pair in PAIRBOOK_PAIRS"))
    : null;
  const interval = env.PAIRBOOK_INTERVAL ?? "1s";
  intervalMs(interval);
  const hours = Number(env.PAIRBOOK_LOOKBACK_HOURS ?? 24);
  if (!(hours > 0))
    throw new Error(`invalid PAIRBOOK_LOOKBACK_HOURS ${JSON.stringify(env.PAIRBOOK_LOOKBACK_HOURS)} (expected a positive number)`);
  return {
    lake: resolve(env.PAIRBOOK_LAKE ?? "data"),
    symbols,
    pairs,
    featured,
    interval,
    lookbackMs: hours * 3600_000,
    liveUrl: env.PAIRBOOK_LIVE_URL ?? "ws://127.0.0.1:8787",
  };
}

/**
 * What a build covers: the symbols (configured, or all in the lake) and the pair reports, featured
 * first. Every loader and the build start here, so this is also where the leftovers of a compaction a
 * crash interrupted are resolved (lake/leftovers.ts; safe while a recorder runs). A build never migrates
 * the lake: a format-1 lake is refused with a one-line error naming `pairbook lake`, which migrates it.
 */
export async function coverage(config: NotebookConfig): Promise<{symbols: string[]; pairs: Pair[]}> {
  await resolveLeftovers(config.lake, {readOnly: true});
  const symbols = config.symbols ? [...config.symbols] : await lakeSymbols(config.lake);
  // An empty lake (a demo's first seconds): cover the featured pair, whose bars will arrive live.
  if (symbols.length === 0) symbols.push(...config.featured);
  let pairs: Pair[] = config.pairs ? [...config.pairs] : [];
  if (!config.pairs)
    for (let i = 0; i < symbols.length; ++i) for (let j = i + 1; j < symbols.length; ++j) pairs.push([symbols[i], symbols[j]]);
  const [fa, fb] = config.featured,
    k = pairs.findIndex(([a, b]) => (a === fa && b === fb) || (a === fb && b === fa));
  if (k > 0) pairs = [pairs[k], ...pairs.slice(0, k), ...pairs.slice(k + 1)];
  if (k >= 0) pairs[0] = config.featured;
  for (const [a, b] of pairs) if (!symbols.includes(a) || !symbols.includes(b)) symbols.push(...[a, b].filter((s) => !symbols.includes(s)));
  return {symbols, pairs};
}

/**
 * A pair's page and file name (the [pair] parameter of src/pairs/[pair].md): BTCUSDT/ETHUSDT →
 * BTCUSDT-ETHUSDT, BTCUSDT/usdm:BTCUSDT → BTCUSDT-usdm_BTCUSDT (each leg as marketSymbolSlug writes it).
 */
export function pairSlug([a, b]: Pair): string {
  return `${symbolSlug(a)}-${symbolSlug(b)}`;
}

/** Inverse of pairSlug: BTCUSDT-usdm_BTCUSDT → ["BTCUSDT", "usdm:BTCUSDT"]. Throws naming the slug otherwise. */
export function parsePairSlug(slug: string): Pair {
  const legs = slug.split("-");
  const fail = () => new Error(`invalid pair page name ${JSON.stringify(slug)} (expected e.g. BTCUSDT-ETHUSDT or BTCUSDT-usdm_BTCUSDT)`);
  if (legs.length !== 2) throw fail();
  try {
    const [a, b] = legs.map((leg) => formatMarketSymbol(parseMarketSymbolSlug(leg)));
    if (a === b) throw fail();
    return [a, b];
  } catch {
    throw fail();
  }
}

const symbolSlug = (symbol: string): string => marketSymbolSlug(parseMarketSymbol(symbol));
