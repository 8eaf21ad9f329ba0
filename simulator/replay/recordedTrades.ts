/**
 * Recorded trades of one or more symbols, merged into one replay order, column by column. Prices and
 * quantities are 1e-8 units (simulator/decimal.ts); `pace` is the clock the replay keeps to (ms).
 */
export interface RecordedTrades {
  readonly symbols: readonly string[];
  readonly length: number;
  /** Index into `symbols`. */
  readonly symbol: Uint8Array;
  readonly id: Float64Array;
  /** Trade time `T`, ms. */
  readonly time: Float64Array;
  /** Event time `E` to send, ms. */
  readonly eventTime: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly isBuyerMaker: Uint8Array;
  /** When the trade happened on the replay's clock (receive time for captures, trade time for the lake), ms. */
  readonly pace: Float64Array;
}

/** One symbol's trades in id order, as plain arrays while being read. */
export interface SymbolTrades {
  id: number[];
  time: number[];
  eventTime: number[];
  price: number[];
  qty: number[];
  isBuyerMaker: boolean[];
  pace: number[];
}

export const emptySymbolTrades = (): SymbolTrades => ({id: [], time: [], eventTime: [], price: [], qty: [], isBuyerMaker: [], pace: []});

/**
 * Merges per-symbol trades into one order by `pace` (ties: earlier symbol first), keeping each
 * symbol's own order, which must have strictly increasing ids: a repeated or lower id (a capture's
 * duplicate) is dropped. O(n·s) for n trades of s symbols.
 */
export function mergeTrades(symbols: readonly string[], perSymbol: readonly SymbolTrades[]): RecordedTrades {
  if (symbols.length > 255) throw new RangeError(`mergeTrades: at most 255 symbols, got ${symbols.length}`);
  const total = perSymbol.reduce((n, s) => n + s.id.length, 0);
  const out = {
    symbols,
    length: 0,
    symbol: new Uint8Array(total),
    id: new Float64Array(total),
    time: new Float64Array(total),
    eventTime: new Float64Array(total),
    price: new Float64Array(total),
    qty: new Float64Array(total),
    isBuyerMaker: new Uint8Array(total),
    pace: new Float64Array(total),
  };
  const heads = perSymbol.map(() => 0),
    last = perSymbol.map(() => -Infinity);
  for (;;) {
    let k = -1;
    for (let s = 0; s < perSymbol.length; ++s) {
      if (heads[s] < perSymbol[s].id.length && (k < 0 || perSymbol[s].pace[heads[s]] < perSymbol[k].pace[heads[k]])) k = s;
    }
    if (k < 0) break;
    const from = perSymbol[k],
      j = heads[k]++;
    if (!(from.id[j] > last[k])) continue;
    last[k] = from.id[j];
    const i = out.length++;
    out.symbol[i] = k;
    out.id[i] = from.id[j];
    out.time[i] = from.time[j];
    out.eventTime[i] = from.eventTime[j];
    out.price[i] = from.price[j];
    out.qty[i] = from.qty[j];
    out.isBuyerMaker[i] = from.isBuyerMaker[j] ? 1 : 0;
    out.pace[i] = from.pace[j];
  }
  return out;
}
