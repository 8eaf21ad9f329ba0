/**
 * The trade messages of one tick, in send order: symbol index, trade id and the raw payload (the
 * `data` of a combined-stream message). Reused from tick to tick.
 */
export class Outbound {
  length = 0;
  readonly symbol: number[] = [];
  readonly id: number[] = [];
  readonly payload: string[] = [];

  push(symbol: number, id: number, payload: string): void {
    const i = this.length++;
    this.symbol[i] = symbol;
    this.id[i] = id;
    this.payload[i] = payload;
  }

  clear(): void {
    this.length = 0;
  }
}

/** Binance's `<symbol>@trade` payload, keys in Binance's order; `price` and `qty` already formatted. */
export function tradePayload(symbol: string, eventTime: number, id: number, price: string, qty: string, time: number, isBuyerMaker: boolean): string {
  return `{"e":"trade","E":${eventTime},"s":"${symbol}","t":${id},"p":"${price}","q":"${qty}","T":${time},"m":${isBuyerMaker},"M":true}`;
}
