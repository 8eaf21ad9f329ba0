import {
  type FaultKind,
  type FaultOptions,
  type FaultRecord,
  type FaultRecordOf,
  type FaultSchedule,
  malformedKinds,
  type MalformedKind,
} from "./faults.js";
import type {Instrument} from "./instruments.js";
import {Outbound} from "./outbound.js";
import type {Refusal} from "./rest.js";
import type {StreamHub} from "./streamHub.js";
import type {TradeHistory} from "./tradeHistory.js";

export interface InjectorOptions {
  readonly instruments: readonly Instrument[];
  readonly hub: StreamHub;
  /** Per instrument, the trades kept for historicalTrades (duplicates are re-sent from there). */
  readonly histories: readonly TradeHistory[];
  readonly now: () => number;
  /** Random faults for long runs, if any. */
  readonly schedule?: FaultSchedule;
  /** Options for the random faults. */
  readonly defaults?: Partial<FaultOptions>;
  /** USD-M: trades are aggregate trades (`@aggTrade`, histories with trade ids), duplicates and garbage shaped so. */
  readonly aggregate?: boolean;
  /** The REST path that throttle faults refuse by default; default /api/v3/historicalTrades. */
  readonly backfillPath?: string;
}

/** What the tick does with one generated trade: stream it; keep it for historicalTrades only (gap); or drop it as if it never existed (hole). */
export type Fate = "send" | "gap" | "hole";

// How many recently streamed trades per symbol are kept for the duplicate fault.
const recentCapacity = 1024;

type Pending = {record: FaultRecordOf<"gap" | "hole">; left: number};

/**
 * Applies faults to the simulator's hub, tick and REST handler, and logs each one. Connection faults
 * act at once; gaps and holes take the next trades of their symbol as the tick generates them.
 */
export class FaultInjector {
  private readonly log: FaultRecord[] = [];
  private readonly pending: Pending[][];
  private readonly throttles: Array<FaultRecordOf<"throttle">> = [];
  // Per symbol, a ring of the ids of the last streamed trades, for duplicates.
  private readonly recentIds: Float64Array[];
  private readonly recentCount: number[];
  private readonly bySymbol: Map<string, number>;

  constructor(private readonly options: InjectorOptions) {
    const n = options.instruments.length;
    this.pending = Array.from({length: n}, () => []);
    this.recentIds = Array.from({length: n}, () => new Float64Array(recentCapacity));
    this.recentCount = new Array<number>(n).fill(0);
    this.bySymbol = new Map(options.instruments.map((i, k) => [i.symbol, k]));
  }

  private get backfillPath(): string {
    return this.options.backfillPath ?? "/api/v3/historicalTrades";
  }

  records(): readonly FaultRecord[] {
    return this.log;
  }

  inject<K extends FaultKind>(kind: K, options: FaultOptions[K] = {}): FaultRecordOf<K> {
    const record = this.apply(kind, options);
    this.log.push(record);
    return record as FaultRecordOf<K>;
  }

  /** Decides the fate of the next generated trade of symbol `k` (consuming pending gaps and holes). */
  fate(k: number, id: number): Fate {
    const queue = this.pending[k];
    if (queue.length === 0) return "send";
    const head = queue[0];
    head.record.ids.push(id);
    if (--head.left === 0) queue.shift();
    return head.record.kind;
  }

  /** Remembers a streamed trade so that a later duplicate can resend it. */
  streamed(k: number, id: number): void {
    this.recentIds[k][this.recentCount[k]++ % recentCapacity] = id;
  }

  /** For the REST handler: a refusal for this request when a throttle fault (or the random schedule) says so. */
  refuse(pathname: string): Refusal | undefined {
    const throttle = this.throttles.find((t) => t.path === pathname);
    if (throttle) {
      if (++throttle.refused === throttle.count) this.throttles.splice(this.throttles.indexOf(throttle), 1);
      return throttle;
    }
    if (pathname === this.backfillPath && this.options.schedule?.refuseRequest()) {
      return this.inject("throttle", {count: 0});
    }
    return undefined;
  }

  /** Binance's connection age limit: closes connections older than `ageMs`, logged as a rotate when there were any. */
  rotateAged(ageMs: number): void {
    const {clients} = this.options.hub.rotate(ageMs);
    if (clients > 0) this.log.push({kind: "rotate", at: this.options.now(), olderThanMs: ageMs, clients});
  }

  /** Injects the random faults due in the next `dtMs`, with default options and a random symbol. */
  randomFaults(dtMs: number): void {
    const schedule = this.options.schedule;
    if (!schedule) return;
    for (const kind of schedule.due(dtMs)) {
      const symbol = this.options.instruments[Math.floor(schedule.uniform() * this.options.instruments.length)].symbol;
      const garbage = malformedKinds[Math.floor(schedule.uniform() * malformedKinds.length)];
      const defaults = this.options.defaults?.[kind] ?? {};
      if (kind === "gap" || kind === "hole" || kind === "duplicate") this.inject(kind, {...defaults, symbol});
      else if (kind === "malformed") this.inject(kind, {symbol, kinds: [garbage]});
      else this.inject(kind, defaults as never);
    }
  }

  private apply(kind: FaultKind, options: FaultOptions[FaultKind] & Record<string, unknown>): FaultRecord {
    const {hub} = this.options;
    const at = this.options.now();
    switch (kind) {
      case "disconnect":
        return {kind, at, ...hub.disconnectAll()};
      case "stall": {
        const ms = positive(options.ms ?? 5000, "ms");
        return {kind, at, ms, ...hub.stall(ms)};
      }
      case "gap":
      case "hole": {
        const k = this.symbolIndex(options.symbol);
        const count = positive(options.count ?? 5, "count");
        const record: FaultRecordOf<"gap" | "hole"> = {kind, at, symbol: this.options.instruments[k].symbol, count, ids: []};
        this.pending[k].push({record, left: count});
        return record;
      }
      case "duplicate":
        return this.duplicate(at, this.symbolIndex(options.symbol), positive(options.count ?? 5, "count"));
      case "malformed": {
        const k = this.symbolIndex(options.symbol);
        const kinds = (options.kinds as readonly MalformedKind[] | undefined) ?? malformedKinds;
        const bare = kinds.map((g) => this.garbage(g, k, at, false));
        const wrapped = kinds.map((g) => this.garbage(g, k, at, true));
        return {
          kind,
          at,
          symbol: this.options.instruments[k].symbol,
          kinds,
          messages: bare,
          ...hub.sendRaw((combined) => (combined ? wrapped : bare)),
        };
      }
      case "rotate": {
        const olderThanMs = (options.olderThanMs as number | undefined) ?? 0;
        return {kind, at, olderThanMs, ...hub.rotate(olderThanMs)};
      }
      case "shutdown": {
        const graceMs = (options.graceMs as number | undefined) ?? 1000;
        const format = (options.format as "bare" | "wrapped" | "both" | undefined) ?? "both";
        return {kind, at, graceMs, format, ...hub.shutdown(`{"e":"serverShutdown","E":${at}}`, format, graceMs)};
      }
      case "throttle": {
        const record = {
          kind,
          at,
          refused: 0,
          count: (options.count as number | undefined) ?? 1,
          status: (options.status as 429 | 418 | undefined) ?? 429,
          retryAfterSeconds: (options.retryAfterSeconds as number | undefined) ?? 1,
          path: (options.path as string | undefined) ?? this.backfillPath,
        } as const;
        if (record.count > 0) this.throttles.push(record);
        else Object.assign(record, {refused: 1}); // a random refusal, already happening
        return record;
      }
    }
  }

  /** Sends the last `count` streamed trades of symbol k again (same ids and fields, event time now). */
  private duplicate(at: number, k: number, count: number): FaultRecord {
    const total = this.recentCount[k],
      n = Math.min(count, total, recentCapacity);
    const out = new Outbound(this.options.instruments.map((i) => i.symbol));
    for (let j = total - n; j < total; ++j) {
      const rows = this.options.histories[k].read(this.recentIds[k][j % recentCapacity], 1);
      if (rows.length === 0) continue;
      if (this.options.aggregate)
        out.pushAggTrade(
          k,
          at,
          rows.id[0],
          rows.price[0],
          rows.qty[0],
          rows.first[0],
          rows.last[0],
          rows.time[0],
          rows.isBuyerMaker[0] === 1,
        );
      else out.pushTrade(k, at, rows.id[0], rows.price[0], rows.qty[0], rows.time[0], rows.isBuyerMaker[0] === 1);
    }
    this.options.hub.publish(out);
    return {kind: "duplicate", at, symbol: this.options.instruments[k].symbol, ids: out.id.slice(0, out.length)};
  }

  /** One garbage message of the given kind, on symbol k's trade stream when it is trade-shaped. */
  private garbage(kind: MalformedKind, k: number, at: number, combined: boolean): string | Uint8Array {
    if (kind === "binary") return Uint8Array.of(0x00, 0xff, 0x7b, 0x22, 0x65, 0x22, 0xfe);
    const {symbol} = this.options.instruments[k];
    const last = this.recentCount[k] > 0 ? this.recentIds[k][(this.recentCount[k] - 1) % recentCapacity] : 1;
    // Trade-shaped garbage carries the next id, so a recorder that stored it would then drop the real trade.
    const aggregate = this.options.aggregate === true;
    const trade = ({s = symbol, p = "1.00000000", q = "1.00000000", T = at}: {s?: string; p?: string; q?: string; T?: number}) =>
      aggregate
        ? `{"e":"aggTrade","E":${at},"s":"${s}","a":${last + 1},"p":"${p}","q":"${q}","nq":"${q}","f":1,"l":1,"T":${T},"m":true}`
        : `{"e":"trade","E":${at},"s":"${s}","t":${last + 1},"p":"${p}","q":"${q}","T":${T},"m":true,"M":true}`;
    let payload: string;
    switch (kind) {
      case "json":
        payload = `{"e":"${aggregate ? "aggTrade" : "trade"}","E":${at},"s":"${symbol}","${aggregate ? "a" : "t"}":${last + 1},"p":"1.0`;
        break;
      case "unknown":
        payload = `{"e":"mysteryEvent","E":${at},"x":[1,2,3]}`;
        break;
      case "symbol":
        payload = trade({s: symbol === "ZZZUSDT" ? "YYYUSDT" : "ZZZUSDT"});
        break;
      case "zeroPrice":
        payload = trade({p: "0.00000000"});
        break;
      case "negativePrice":
        payload = trade({p: "-1.00000000"});
        break;
      case "zeroQty":
        payload = trade({q: "0.00000000"});
        break;
      case "negativeQty":
        payload = trade({q: "-1.00000000"});
        break;
      case "time":
        payload = trade({T: 32_503_680_000_000});
        break; // year 3000
    }
    const stream = `${symbol.toLowerCase()}@${aggregate ? "aggTrade" : "trade"}`;
    return combined && kind !== "json" ? `{"stream":"${stream}","data":${payload}}` : payload;
  }

  private symbolIndex(symbol: unknown): number {
    if (symbol === undefined) return 0;
    const k = this.bySymbol.get(symbol as string);
    if (k === undefined)
      throw new RangeError(`inject: unknown symbol ${JSON.stringify(symbol)} (serving ${[...this.bySymbol.keys()].join(", ")})`);
    return k;
  }
}

function positive(value: unknown, name: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value))
    throw new RangeError(`inject: invalid ${name} ${String(value)} (expected a positive number)`);
  return value;
}
