import {toUnits} from "./decimal.js";

/** What the simulator knows about one symbol: its exchange filters and its place in the price model. */
export interface Instrument {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** PRICE_FILTER tickSize and LOT_SIZE stepSize, in 1e-8 units. */
  readonly tickUnits: number;
  readonly stepUnits: number;
  /** Price at the start of a run, in quote currency. */
  readonly startPrice: number;
  /** Loading on the common factor: log p = c + beta·f + u. */
  readonly beta: number;
  /** Half-life of the idiosyncratic mean-reverting part u, in seconds. */
  readonly halfLifeSeconds: number;
  /** Stationary standard deviation of u (log points). */
  readonly idiosyncraticStd: number;
}

export const defaultSymbols: readonly string[] = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT"];

// Real Binance filters for the well-known symbols; prices in the range these assets have traded.
const known: Record<string, {price: number; tick: number; step: number; beta: number; halfLife: number}> = {
  BTCUSDT: {price: 60_000, tick: 0.01, step: 0.00001, beta: 1.0, halfLife: 150},
  ETHUSDT: {price: 3_000, tick: 0.01, step: 0.0001, beta: 1.2, halfLife: 180},
  SOLUSDT: {price: 150, tick: 0.01, step: 0.001, beta: 1.5, halfLife: 240},
  BNBUSDT: {price: 600, tick: 0.01, step: 0.001, beta: 0.8, halfLife: 200},
};

const symbolPattern = /^([A-Z0-9]+)(USDT)$/;

/**
 * The instrument for a symbol: the real filters for BTC/ETH/SOL/BNB against USDT, and for any other
 * `[A-Z0-9]+USDT` a made-up but stable (hashed from the name) price, filters and loadings.
 * Throws RangeError for symbols that do not end in USDT.
 *
 *   instrument("ETHUSDT").tickUnits // 1000000 (0.01)
 */
export function instrument(symbol: string): Instrument {
  const match = symbolPattern.exec(symbol);
  if (!match) throw new RangeError(`unsupported symbol ${JSON.stringify(symbol)} (expected uppercase [A-Z0-9]+USDT, e.g. BTCUSDT)`);
  const [, baseAsset, quoteAsset] = match;
  const spec = known[symbol] ?? madeUp(symbol);
  return {
    symbol,
    baseAsset,
    quoteAsset,
    tickUnits: toUnits(spec.tick),
    stepUnits: toUnits(spec.step),
    startPrice: spec.price,
    beta: spec.beta,
    halfLifeSeconds: spec.halfLife,
    idiosyncraticStd: 0.001,
  };
}

function madeUp(symbol: string) {
  const h = hash(symbol);
  const u1 = (h & 0xffff) / 0x10000,
    u2 = (h >>> 16) / 0x10000;
  // Three significant digits between 0.1 and 1000 quote units.
  const magnitude = Math.floor(-1 + 4 * u1);
  const price = Math.round((1 + 9 * u2) * 100) * 10 ** (magnitude - 2);
  const tick = Math.min(0.01, Math.max(1e-8, 10 ** (magnitude - 4)));
  const step = Math.min(1, Math.max(1e-8, 10 ** Math.floor(Math.log10(1 / price))));
  return {price, tick, step, beta: 0.7 + 0.9 * u2, halfLife: 120 + Math.round(180 * u1)};
}

/** FNV-1a over the symbol's characters: stable across runs and platforms. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; ++i) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
