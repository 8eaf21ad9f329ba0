import type {IncomingMessage, ServerResponse} from "node:http";
import {AggregateIds} from "./aggregateIds.js";
import type {FaultOptions, FaultSchedule} from "./faults.js";
import {FundingClock} from "./fundingClock.js";
import {fundingEndpoints} from "./fundingRest.js";
import {Market} from "./market.js";
import {RequestWeight} from "./requestWeight.js";
import {restHandler} from "./rest.js";
import {usdmContracts} from "./usdmContracts.js";
import {usdmEndpoints, usdmWeightPerMinute} from "./usdmRest.js";
import {Venue} from "./venue.js";

/** The USD-M futures side of the simulator (`SimulatorOptions.usdm`). */
export interface UsdmOptions {
  /** Perpetuals to trade, `[A-Z0-9]+USDT`; default the spot symbols (none when replaying). */
  readonly symbols?: readonly string[];
  /** Mean aggregate trades per second per perpetual; default 15. */
  readonly rate?: number;
  /** Simulated ms between fundings; default 8 h as on Binance. Tests compress time with e.g. 1000. */
  readonly fundingIntervalMs?: number;
  /** Share of aggregates whose trade ids skip a few past the previous one's (USD-M's do); default 0.05. */
  readonly tradeIdSkipShare?: number;
  /** Server ping period, ms; default 180 000 (fstream pings every 3 minutes). */
  readonly pingIntervalMs?: number;
  /** Drop a client that has not ponged for this long, ms; default 600 000 (fstream allows 10 minutes). */
  readonly pongTimeoutMs?: number;
  /** Incoming frames per second per connection before it is dropped; default 10 as on fstream. */
  readonly maxIncomingPerSecond?: number;
}

export interface UsdmMarketOptions {
  readonly usdm: UsdmOptions;
  readonly symbols: readonly string[];
  readonly startMs: number;
  readonly seed: number;
  /** 1, or 1000 in fast mode (see firstTradeId). */
  readonly idsPerMs: number;
  readonly now: () => number;
  readonly historyCapacity: number;
  readonly maxBufferedBytes: number;
  /** The spot market, for the index price (its last trade of the same symbol). */
  readonly spot: Venue;
  /** The synthetic spot market, which the perpetuals follow (a tight basis); absent for replays. */
  readonly follow?: Market;
  readonly schedule?: FaultSchedule;
  readonly faultDefaults?: Partial<FaultOptions>;
}

/**
 * Binance USD-M futures beside spot: a synthetic market of perpetuals that follows spot's prices
 * with a small mean-reverting basis (so a spot symbol and its perpetual form a cointegrated pair), its trades grouped into
 * aggregate trades streamed on `@aggTrade`, mark price and funding (FundingClock) on `@markPrice@1s`
 * and `@markPrice`, and the /fapi/v1 REST endpoints, all under the same fault kinds as spot.
 */
export class UsdmMarket {
  readonly venue: Venue;
  readonly funding: FundingClock;
  /** Serves /fapi/v1/… with its own 2400-a-minute weight budget. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  private readonly market: Market;
  private readonly ids: AggregateIds;

  constructor(options: UsdmMarketOptions) {
    const {usdm, symbols, startMs, seed, now, spot} = options;
    const {pingIntervalMs = 180_000, pongTimeoutMs = 600_000, maxIncomingPerSecond = 10} = usdm;
    // A different seed from spot's: the perpetuals' own arrivals and mean-reverting parts.
    const futuresSeed = seed ^ 0x00f0_7a11;
    this.market = new Market({
      symbols,
      startMs,
      seed: futuresSeed,
      rate: usdm.rate ?? 15,
      idsPerMs: options.idsPerMs,
      follow: options.follow,
    });
    const instruments = this.market.instruments;
    this.ids = new AggregateIds({instruments, startMs, seed: futuresSeed, skipShare: usdm.tradeIdSkipShare, idsPerMs: options.idsPerMs});
    this.venue = new Venue({
      instruments,
      hub: {pingIntervalMs, pongTimeoutMs, maxIncomingPerSecond, maxBufferedBytes: options.maxBufferedBytes},
      historyCapacity: options.historyCapacity,
      now,
      schedule: options.schedule,
      faultDefaults: options.faultDefaults,
      aggregate: true,
    });
    const histories = this.venue.histories;
    this.funding = new FundingClock({
      instruments,
      intervalMs: usdm.fundingIntervalMs ?? 8 * 3_600_000,
      startMs,
      markPrice: (k) => histories[k].newestPrice,
      indexPrice: (k) => spot.historyBySymbol.get(instruments[k].symbol)?.newestPrice ?? NaN,
    });
    const contracts = new Map(usdmContracts(instruments).map((c) => [c.instrument.symbol, c]));
    this.handler = restHandler({
      endpoints: {
        ...usdmEndpoints({contracts, histories: this.venue.historyBySymbol, now}),
        ...fundingEndpoints({perpetuals: instruments, funding: this.funding, now}),
      },
      weight: new RequestWeight(usdmWeightPerMinute),
      now,
      refuse: (pathname) => this.venue.injector.refuse(pathname),
    });
  }

  /**
   * Generates, keeps and streams the aggregate trades up to clock `t`, then settles fundings and sends
   * mark prices due; `quiet` (the simulated past, before anyone subscribes) sends no mark prices.
   */
  advanceTo(t: number, quiet = false): void {
    const batch = this.market.advanceTo(t);
    this.ids.assign(batch);
    this.venue.take(batch, t, this.ids);
    this.funding.advanceTo(t, quiet ? () => {} : (stream, payload) => this.venue.hub.publishText(stream, payload));
  }
}
