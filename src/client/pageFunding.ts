// The funding events a pair page charges: the build's (the bars file's metadata, what the lake held then)
// and those the recorder's live feed sends (each snapshot's latest stored events, then each one stored),
// which replace the build's of their times. So a funding settled while the page is open is charged at
// the next refit, at the bar its time falls in, with no reload.
import type {FundingRateEvent} from "../lib/funding.js";
import {mergeLiveFunding, withLiveFunding} from "../protocol/liveFunding.js";
import type {LiveFunding} from "../protocol/liveWire.js";

/** Each leg's schedule for the backtest (src/lib/stream StreamRule `funding`); a spot leg none. */
export interface FundingLegs {
  readonly a?: readonly FundingRateEvent[];
  readonly b?: readonly FundingRateEvent[];
}

export class PageFunding {
  /** Grows with every change of the events (a refit then takes them). */
  version = 0;
  private readonly live = new Map<string, readonly LiveFunding[]>();
  private cached: {version: number; a: string; b: string; legs: FundingLegs | null} | null = null;

  /** `built`: the bars file's funding events per perpetual leg (absent for a spot pair or an older file). */
  constructor(private readonly built: Readonly<Record<string, readonly FundingRateEvent[]>> | undefined) {}

  /** Funding events of a symbol from the live feed (a snapshot's or a funding message's). */
  add(symbol: string, events: readonly LiveFunding[]): void {
    const held = this.live.get(symbol) ?? [];
    const merged = mergeLiveFunding(held, events);
    if (merged === held) return;
    this.live.set(symbol, merged);
    this.version++;
  }

  /**
   * The legs' schedules: a leg's built events with the live ones replacing those of their times; null
   * when neither leg has any (spot). The same object until the events change. O(events) on a change.
   */
  legs(a: string, b: string): FundingLegs | null {
    const c = this.cached;
    if (c && c.version === this.version && c.a === a && c.b === b) return c.legs;
    const leg = (symbol: string) => {
      const built = this.built?.[symbol],
        live = this.live.get(symbol);
      return live ? withLiveFunding(built, live) : built;
    };
    const [la, lb] = [leg(a), leg(b)];
    const legs = la || lb ? {a: la, b: lb} : null;
    this.cached = {version: this.version, a, b, legs};
    return legs;
  }
}
