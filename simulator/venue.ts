import type {AggregateIds} from "./aggregateIds.js";
import type {FaultOptions, FaultSchedule} from "./faults.js";
import {IdRanges, type IdSummary} from "./idRanges.js";
import {FaultInjector} from "./injector.js";
import type {Instrument} from "./instruments.js";
import type {TradeBatch} from "./market.js";
import {Outbound} from "./outbound.js";
import {StreamHub, type StreamHubOptions} from "./streamHub.js";
import {TradeHistory} from "./tradeHistory.js";

export interface VenueOptions {
  readonly instruments: readonly Instrument[];
  /** Connection rules of this venue's streams (Binance spot: 20 s pings, 5 messages/s; USD-M: 3 min, 10/s). */
  readonly hub: Omit<StreamHubOptions, "instruments" | "onWritten" | "tradeStream">;
  /** Trades (or aggregate trades) kept per symbol for REST backfills. */
  readonly historyCapacity: number;
  readonly now: () => number;
  readonly schedule?: FaultSchedule;
  readonly faultDefaults?: Partial<FaultOptions>;
  /** USD-M: aggregate trades on `@aggTrade`, backfilled from /fapi/v1/aggTrades. */
  readonly aggregate: boolean;
}

/**
 * One market the simulator serves (spot, or USD-M beside it): its instruments, the trade history
 * REST backfills read, the stream hub and the fault injector acting on both. `take` hands it each
 * tick's trades, which it keeps, streams or leaves out as the faults say, and tracks which ids
 * reached a socket.
 */
export class Venue {
  readonly instruments: readonly Instrument[];
  readonly histories: readonly TradeHistory[];
  readonly historyBySymbol: ReadonlyMap<string, TradeHistory>;
  readonly hub: StreamHub;
  readonly injector: FaultInjector;
  /** Trades (aggregates) generated so far, holes excluded. */
  generated = 0;
  private readonly written: IdRanges[];
  private readonly out: Outbound;
  private readonly aggregate: boolean;

  constructor(options: VenueOptions) {
    const {instruments, aggregate} = options;
    this.instruments = instruments;
    this.aggregate = aggregate;
    this.histories = instruments.map(() => new TradeHistory(options.historyCapacity, aggregate));
    this.historyBySymbol = new Map(instruments.map((i, k) => [i.symbol, this.histories[k]]));
    const written = (this.written = instruments.map(() => new IdRanges()));
    this.hub = new StreamHub({
      ...options.hub,
      instruments,
      tradeStream: aggregate ? "aggTrade" : "trade",
      onWritten: (k, id) => written[k].add(id),
    });
    this.injector = new FaultInjector({
      instruments,
      hub: this.hub,
      now: options.now,
      histories: this.histories,
      schedule: options.schedule,
      defaults: options.faultDefaults,
      aggregate,
      backfillPath: aggregate ? "/fapi/v1/aggTrades" : "/api/v3/historicalTrades",
    });
    this.out = new Outbound(
      instruments.map((i) => i.symbol),
      this.hub.envelopes,
    );
  }

  /**
   * Keeps and streams the trades of `batch` (generated up to clock time `t`), each as its fate says
   * (a gap keeps it from the stream, a hole from both). For USD-M, `ids` holds each row's trade ids.
   */
  take(batch: TradeBatch, t: number, ids?: AggregateIds): void {
    const {out, injector, histories, aggregate} = this;
    out.clear();
    for (let i = 0; i < batch.length; ++i) {
      const k = batch.symbol[i],
        id = batch.id[i];
      const fate = injector.fate(k, id);
      if (fate === "hole") continue;
      const first = ids ? ids.first[i] : NaN,
        last = ids ? ids.last[i] : NaN;
      histories[k].append(id, batch.time[i], batch.price[i], batch.qty[i], batch.isBuyerMaker[i], first, last);
      ++this.generated;
      if (fate === "gap") continue;
      const eventTime = batch.eventTime[i] === batch.eventTime[i] ? batch.eventTime[i] : t;
      const maker = batch.isBuyerMaker[i] === 1;
      if (aggregate) out.pushAggTrade(k, eventTime, id, batch.price[i], batch.qty[i], first, last, batch.time[i], maker);
      else out.pushTrade(k, eventTime, id, batch.price[i], batch.qty[i], batch.time[i], maker);
      injector.streamed(k, id);
    }
    this.hub.publish(out);
  }

  /** Per symbol, the ids written to at least one client socket; symbols with none are absent. */
  sent(): Record<string, IdSummary> {
    const out: Record<string, IdSummary> = {};
    this.instruments.forEach((i, k) => {
      const summary = this.written[k].summary();
      if (summary) out[i.symbol] = summary;
    });
    return out;
  }
}
