// Funding of the recorded perpetuals into the lake's funding table (lake/funding.ts). At start: the
// settled history since the last stored funding time (GET /fapi/v1/fundingRate; the last `historyMs`
// on a lake that has none). While recording: the markPrice stream announces the next funding time T
// and its estimated rate; once T has passed (a frame names a later T), the stream's last estimate is
// stored at once (source "stream") and the settled record is fetched from REST a little later
// (source "rest", which replaces the estimate). Writes are rare (every 1–8 h per symbol), each in
// its own DuckDB session, one at a time. Each stored batch goes to the live feed (`live`, the hub), and
// at start the latest stored events too, so pages and serve charge what the lake holds since their build.
import {withDuckDB} from "../lake/duckdb.js";
import {type FundingRecord, readFunding, writeFunding} from "../lake/funding.js";
import {SerialQueue} from "../lake/serialQueue.js";
import {parseMarketSymbol} from "../src/protocol/symbol.js";
import type {MarkPriceUpdate} from "./binance/usdmMessages.js";
import type {UsdmHistoryClient} from "./binance/usdmRest.js";
import {maxFundingKept} from "./liveSnapshots.js";

export interface FundingRecorderOptions {
  lake: string;
  /** Perpetuals as pairbook names them (`usdm:BTCUSDT`). */
  symbols: readonly string[];
  rest: Pick<UsdmHistoryClient, "fundingRates">;
  log: (line: string) => void;
  signal: AbortSignal;
  /** History fetched at start for a symbol with no stored funding (default 30 days). */
  historyMs?: number;
  /** Wait after a funding time before asking REST for its settled rate (default 10 s). */
  settleDelayMs?: number;
  /** Told of every funding event once it is stored (recorder/liveHub.ts onFunding). */
  live?: {onFunding(symbol: string, records: readonly FundingRecord[]): void};
}

export class FundingRecorder {
  private readonly queue = new SerialQueue();
  /** Per symbol, the latest markPrice frame: its funding time and estimated rate. */
  private readonly pending = new Map<string, MarkPriceUpdate>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per symbol, the latest funding time REST has settled for us: the next fetch starts after it, so none is skipped. */
  private readonly settledUntil = new Map<string, number>();
  stored = 0;

  constructor(private readonly options: FundingRecorderOptions) {}

  /** Fetches each symbol's settled history since its last stored funding time. Resolves when stored (or failed, logged). */
  async backfill(): Promise<void> {
    const {symbols, historyMs = 30 * 86_400_000} = this.options;
    for (const symbol of symbols) {
      const stored = await this.queue.run(() => withDuckDB((c) => readFunding(c, this.options.lake, symbol)));
      this.options.live?.onFunding(symbol, stored.slice(-maxFundingKept));
      const from = stored.length > 0 ? stored[stored.length - 1].fundingTime + 1 : Date.now() - historyMs;
      await this.fetchSettled(symbol, from);
    }
  }

  /** A markPrice frame: when it names a later funding time than the last, the earlier one has passed. */
  onMarkPrice(symbol: string, mark: MarkPriceUpdate): void {
    const last = this.pending.get(symbol);
    this.pending.set(symbol, mark);
    if (!last || mark.nextFundingTime <= last.nextFundingTime || this.options.signal.aborted) return;
    const estimate: FundingRecord = {
      fundingTime: last.nextFundingTime,
      rate: last.fundingRate,
      markPrice: last.markPrice,
      source: "stream",
    };
    void this.write(symbol, [estimate]);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const after = this.settledUntil.get(symbol);
      void this.fetchSettled(symbol, after === undefined ? last.nextFundingTime : Math.min(after + 1, last.nextFundingTime));
    }, this.options.settleDelayMs ?? 10_000);
    this.timers.add(timer);
  }

  /** Stops the pending REST fetches; resolves once every write under way is done. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.queue.run(async () => {});
  }

  private async fetchSettled(symbol: string, from: number): Promise<void> {
    const name = parseMarketSymbol(symbol).symbol;
    const records: FundingRecord[] = [];
    try {
      for (let start = from; !this.options.signal.aborted;) {
        const page = await this.options.rest.fundingRates(name, {startTime: start, signal: this.options.signal});
        records.push(
          ...page.map((r) => ({fundingTime: r.fundingTime, rate: r.fundingRate, markPrice: r.markPrice, source: "rest" as const})),
        );
        if (page.length < 1000) break;
        start = page[page.length - 1].fundingTime + 1;
      }
    } catch (error) {
      if (!this.options.signal.aborted)
        this.options.log(`${symbol}: funding history unavailable (${(error as Error).message}); kept what the stream said`);
    }
    if (records.length === 0) return;
    this.settledUntil.set(symbol, Math.max(this.settledUntil.get(symbol) ?? -Infinity, records[records.length - 1].fundingTime));
    await this.write(symbol, records);
  }

  private write(symbol: string, records: FundingRecord[]): Promise<void> {
    return this.queue
      .run(() => withDuckDB((c) => writeFunding(c, this.options.lake, symbol, records)))
      .then(
        () => {
          this.stored += records.length;
          this.options.live?.onFunding(symbol, records);
        },
        (error: Error) => this.options.log(`${symbol}: could not store ${records.length} funding event(s): ${error.message}`),
      );
  }
}
