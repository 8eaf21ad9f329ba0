import {formatUnits} from "./decimal.js";
import type {Instrument} from "./instruments.js";

/** Binance's interest rate per funding interval (0.01%) and the clamp on (interest − premium). */
const interestRate = 0.0001,
  clampWidth = 0.0005;
/** Cap and floor of the funding rate, as /fapi/v1/fundingInfo lists them. */
export const fundingRateCap = 0.0075;
/** Funding events kept per symbol for /fapi/v1/fundingRate, oldest dropped first. */
const eventCapacity = 100_000;

/** One settled funding: what /fapi/v1/fundingRate lists. Rate as a fraction, mark in 1e-8 units. */
export interface FundingEvent {
  readonly symbol: string;
  readonly fundingTime: number;
  readonly fundingRate: number;
  readonly markPrice: number;
}

/** The premium index of one perpetual now: what `@markPrice` and /fapi/v1/premiumIndex show. Prices in 1e-8 units. */
export interface PremiumIndex {
  readonly symbol: string;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly estimatedSettlePrice: number;
  /** The rate the next funding will settle at if nothing changes (`r`; lastFundingRate on REST). */
  readonly fundingRate: number;
  readonly nextFundingTime: number;
  readonly time: number;
}

export interface FundingClockOptions {
  readonly instruments: readonly Instrument[];
  /** Simulated ms between fundings; 8 h on Binance, less in tests (time compression). Funding times are its multiples since the epoch. */
  readonly intervalMs: number;
  /** Clock reading when the market opens: the first funding is at the next multiple of intervalMs after it. */
  readonly startMs: number;
  /** Price of perpetual k now (its last trade), 1e-8 units; NaN before its first trade. */
  readonly markPrice: (k: number) => number;
  /** Its index (the spot price of the same symbol when the simulator serves it), 1e-8 units; NaN when unknown. */
  readonly indexPrice: (k: number) => number;
}

/**
 * Mark price and funding of the simulated perpetuals. The mark is the last trade price, the index
 * the spot price (or the mark when spot does not serve the symbol), and the rate Binance's formula
 * on that premium: r = P + clamp(0.01% − P, ±0.05%), capped at ±0.75%, rounded to 1e-8. At every
 * multiple of the interval (00:00, 08:00, 16:00 UTC with 8 h) a funding settles at the current rate
 * and mark. `advanceTo` also sends `markPriceUpdate` frames: every simulated second on
 * `<symbol>@markPrice@1s`, every 3 s on `<symbol>@markPrice`.
 *
 *   const clock = new FundingClock({instruments, intervalMs: 8 * 3_600_000, startMs, markPrice, indexPrice});
 *   clock.advanceTo(now, (stream, payload) => hub.publishText(stream, payload));
 */
export class FundingClock {
  readonly intervalMs: number;
  private nextFunding: number;
  private lastSecond: number;
  private readonly events: FundingEvent[][];

  constructor(private readonly options: FundingClockOptions) {
    const {intervalMs, startMs, instruments} = options;
    if (!(intervalMs >= 1 && Number.isFinite(intervalMs)))
      throw new RangeError(`FundingClock: invalid intervalMs ${intervalMs} (expected ≥ 1)`);
    this.intervalMs = intervalMs;
    this.nextFunding = (Math.floor(startMs / intervalMs) + 1) * intervalMs;
    this.lastSecond = Math.floor(startMs / 1000);
    this.events = instruments.map(() => []);
  }

  /** Settles every funding due by clock `t` and sends the mark-price frames due (via `send(stream, payload)`). */
  advanceTo(t: number, send: (stream: string, payload: string) => void): void {
    const {instruments} = this.options;
    while (t >= this.nextFunding) {
      instruments.forEach((_, k) => {
        const {symbol, fundingRate, markPrice} = this.premiumIndex(k, this.nextFunding);
        if (markPrice !== markPrice) return; // no trade yet: nothing to settle on
        const events = this.events[k];
        if (events.length === eventCapacity) events.splice(0, eventCapacity / 10);
        events.push({symbol, fundingTime: this.nextFunding, fundingRate, markPrice});
      });
      this.nextFunding += this.intervalMs;
    }
    const second = Math.floor(t / 1000);
    if (second === this.lastSecond) return;
    const every3 = Math.floor(second / 3) !== Math.floor(this.lastSecond / 3);
    this.lastSecond = second;
    instruments.forEach((i, k) => {
      const index = this.premiumIndex(k, t);
      if (index.markPrice !== index.markPrice) return;
      const payload = markPriceUpdate(index);
      const stream = `${i.symbol.toLowerCase()}@markPrice`;
      send(`${stream}@1s`, payload);
      if (every3) send(stream, payload);
    });
  }

  /** Perpetual k's premium index at clock `t` (mark NaN before its first trade). */
  premiumIndex(k: number, t: number): PremiumIndex {
    const mark = this.options.markPrice(k),
      spot = this.options.indexPrice(k);
    const index = spot === spot ? spot : mark;
    const premium = (mark - index) / index;
    const raw = premium + Math.min(clampWidth, Math.max(-clampWidth, interestRate - premium));
    const rate = mark === mark ? Math.round(Math.min(fundingRateCap, Math.max(-fundingRateCap, raw)) * 1e8) / 1e8 : NaN;
    return {
      symbol: this.options.instruments[k].symbol,
      markPrice: mark,
      indexPrice: index,
      estimatedSettlePrice: index,
      fundingRate: rate,
      nextFundingTime: this.nextFunding,
      time: t,
    };
  }

  /**
   * Settled fundings of perpetual k with a funding time in [startMs, endMs], oldest first: the first
   * `limit` of them, or the last `limit` when neither bound is given (as /fapi/v1/fundingRate).
   */
  history(k: number, startMs: number | undefined, endMs: number | undefined, limit: number): FundingEvent[] {
    const events = this.events[k];
    if (startMs === undefined && endMs === undefined) return events.slice(-limit);
    return events.filter((e) => e.fundingTime >= (startMs ?? -Infinity) && e.fundingTime <= (endMs ?? Infinity)).slice(0, limit);
  }
}

/** `{"e":"markPriceUpdate","E":…,"s":…,"p":mark,"i":index,"P":settle,"r":rate,"T":next funding}`, as fstream sends it. */
function markPriceUpdate(x: PremiumIndex): string {
  return JSON.stringify({
    e: "markPriceUpdate",
    E: x.time,
    s: x.symbol,
    p: formatUnits(Math.round(x.markPrice)),
    i: formatUnits(Math.round(x.indexPrice)),
    P: formatUnits(Math.round(x.estimatedSettlePrice)),
    r: formatRate(x.fundingRate),
    T: x.nextFundingTime,
  });
}

/** A rate as Binance's 8-decimal string ("0.00010000", "-0.00012345"). */
export function formatRate(rate: number): string {
  return rate.toFixed(8);
}
