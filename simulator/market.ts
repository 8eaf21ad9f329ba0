import {hash, instrument, type Instrument} from "./instruments.js";
import {Random} from "./random.js";

export interface MarketOptions {
  /** Uppercase symbols such as BTCUSDT; at most 255. */
  readonly symbols: readonly string[];
  /** Clock reading (ms since the epoch) at which the market opens; trade ids derive from it. */
  readonly startMs: number;
  /** PRNG seed; default 1. */
  readonly seed?: number;
  /** Mean trades per second per symbol (Poisson arrivals); default 15. */
  readonly rate?: number;
  /**
   * Id space per wall-clock millisecond (see firstTradeId); default 1. Benchmarks at more than
   * 1000 trades/s per symbol use 1000, so restarts still never reuse ids.
   */
  readonly idsPerMs?: number;
  /**
   * A market to follow instead of drawing a common factor of its own: the USD-M market follows spot.
   * A symbol both serve then prices at the followed one's log mid plus a small mean-reverting basis
   * (2 bp standard deviation), so a perpetual and its spot symbol form a tight cointegrated pair;
   * other symbols load on the followed market's common factor.
   */
  readonly follow?: Market;
}

/**
 * The trades of one `advanceTo` call, column by column, in trade-time order across symbols.
 * The arrays are reused by the next call: read (or copy) them before advancing again.
 */
export class TradeBatch {
  length = 0;
  /** Index into `Market.instruments`. */
  symbol = new Uint8Array(256);
  id = new Float64Array(256);
  /** Trade time, integer milliseconds. */
  time = new Float64Array(256);
  /** Event time `E` to send, ms; NaN (what Market writes) means "the time it is sent". */
  eventTime = new Float64Array(256);
  /** Price and quantity in 1e-8 units (see decimal.ts). */
  price = new Float64Array(256);
  qty = new Float64Array(256);
  /** 1 when the buyer was the maker (the taker sold, at the bid). */
  isBuyerMaker = new Uint8Array(256);

  /** Makes room for one more trade, doubling the columns when full. */
  reserve(): number {
    const i = this.length;
    if (i === this.id.length) {
      const n = i * 2;
      this.symbol = grow(this.symbol, new Uint8Array(n));
      this.id = grow(this.id, new Float64Array(n));
      this.time = grow(this.time, new Float64Array(n));
      this.eventTime = grow(this.eventTime, new Float64Array(n));
      this.price = grow(this.price, new Float64Array(n));
      this.qty = grow(this.qty, new Float64Array(n));
      this.isBuyerMaker = grow(this.isBuyerMaker, new Uint8Array(n));
    }
    this.length = i + 1;
    return i;
  }
}

function grow<T extends Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

// Common-factor volatility: 1.2e-4 per √second is about 67% a year, typical of BTC.
const factorVolPerSqrtSecond = 1.2e-4;
// Standard deviation of a follower's basis (log points): 2 bp, as a perpetual sits near its spot price.
const basisStd = 0.0002;
// Trade sizes: log-normal notional with a median of 200 quote units.
const logMedianNotional = Math.log(200),
  notionalLogStd = 1.3;
// Binance launched in July 2017, close to 1.5e12 ms; ids grow by one per millisecond since then.
const idEpochMs = 1_500_000_000_000;

/**
 * The first trade id a run starting at `startMs` issues for `symbol`: `idsPerMs` ids per wall-clock
 * millisecond since mid-2017 plus a fixed per-symbol offset. Because the base grows by 1000·idsPerMs
 * per second, a restarted simulator never reuses an id of an earlier run (with the same idsPerMs)
 * whose average rate stayed below 1000·idsPerMs trades/s per symbol. With idsPerMs = 1000 ids stay
 * below 2^53 until the 2300s.
 */
export function firstTradeId(symbol: string, startMs: number, idsPerMs = 1): number {
  return Math.max(0, Math.floor(startMs) - idEpochMs) * idsPerMs + (hash(symbol) % 100) * 100_000_000;
}

/**
 * A pure synthetic market: no I/O, no timers; the caller passes the clock. Log prices are
 * cointegrated, log p_i = c_i + β_i·f_t + u_i,t, with f a Gaussian random walk shared by all symbols
 * and u_i an Ornstein–Uhlenbeck process with a half-life of a few minutes, both sampled exactly at
 * each trade time. Trades arrive as independent Poisson processes per symbol and print at the bid
 * (buyer is maker) or at the ask one tick above it, with log-normal sizes on the lot step.
 * Deterministic given options: the same seed and startMs give the same trades however the calls
 * to `advanceTo` are spaced. O(1) per trade, no allocation in steady state.
 *
 *   const market = new Market({symbols: ["BTCUSDT", "ETHUSDT"], startMs: Date.now(), seed: 7});
 *   const batch = market.advanceTo(Date.now() + 1000); // ≈ 30 trades
 */
export class Market {
  readonly instruments: readonly Instrument[];
  private readonly random: Random;
  private readonly ratePerMs: number;
  private readonly n: number;
  private readonly batch = new TradeBatch();
  // Model state, one slot per instrument.
  private readonly logStart: Float64Array;
  private readonly u: Float64Array;
  private readonly uTime: Float64Array;
  private readonly theta: Float64Array;
  private readonly uStd: Float64Array;
  private readonly nextId: Float64Array;
  private walk = 0;
  private readonly follow?: Market;
  /** Per instrument, its index in the followed market, or -1. */
  private readonly followIndex: Int16Array;
  private time: number;
  private nextTime: number;

  constructor({symbols, startMs, seed = 1, rate = 15, idsPerMs = 1, follow}: MarketOptions) {
    if (symbols.length === 0 || symbols.length > 255) throw new RangeError(`Market: expected 1 to 255 symbols, got ${symbols.length}`);
    if (new Set(symbols).size !== symbols.length) throw new RangeError(`Market: duplicate symbols in ${symbols.join(",")}`);
    if (!Number.isFinite(startMs)) throw new RangeError(`Market: invalid startMs ${startMs}`);
    if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`Market: invalid rate ${rate} (expected trades per second > 0)`);
    if (idsPerMs !== 1 && idsPerMs !== 1000) throw new RangeError(`Market: invalid idsPerMs ${idsPerMs} (expected 1 or 1000)`);
    this.instruments = symbols.map(instrument);
    const n = (this.n = symbols.length);
    this.random = new Random(seed);
    this.ratePerMs = (rate * n) / 1000;
    this.logStart = Float64Array.from(this.instruments, (i) => Math.log(i.startPrice));
    this.theta = Float64Array.from(this.instruments, (i) => Math.LN2 / i.halfLifeSeconds);
    this.followIndex = Int16Array.from(symbols, (s) => follow?.instruments.findIndex((i) => i.symbol === s) ?? -1);
    this.uStd = Float64Array.from(this.instruments, (i, k) => (this.followIndex[k] >= 0 ? basisStd : i.idiosyncraticStd));
    // Start each u from its stationary distribution, so the first minutes look like any others.
    this.u = Float64Array.from(this.uStd, (s) => s * this.random.normal());
    this.uTime = new Float64Array(n).fill(startMs);
    this.nextId = Float64Array.from(symbols, (s) => firstTradeId(s, startMs, idsPerMs));
    this.time = startMs;
    this.nextTime = startMs + this.random.exponential(this.ratePerMs);
    this.follow = follow;
  }

  /** Log mid price of instrument k as of the last trade generated (its own last mean-reverting draw). */
  logMid(k: number): number {
    const followed = this.followIndex[k];
    if (followed >= 0) return this.follow!.logMid(followed) + this.u[k];
    return this.logStart[k] + this.instruments[k].beta * this.walk + this.u[k];
  }

  /** A live market never runs out. */
  readonly exhausted = false;

  /** Generates every trade with a trade time up to `nowMs` (inclusive) not yet returned. */
  advanceTo(nowMs: number): TradeBatch {
    const batch = this.batch,
      random = this.random,
      instruments = this.instruments;
    batch.length = 0;
    while (this.nextTime <= nowMs) {
      const t = this.nextTime;
      if (this.follow) this.walk = this.follow.walk;
      else this.walk += factorVolPerSqrtSecond * Math.sqrt((t - this.time) / 1000) * random.normal();
      this.time = t;
      // Superposed Poisson processes: each arrival belongs to a uniformly chosen symbol.
      const k = Math.floor(random.uniform() * this.n);
      const decay = Math.exp((-this.theta[k] * (t - this.uTime[k])) / 1000);
      this.u[k] = this.u[k] * decay + this.uStd[k] * Math.sqrt(1 - decay * decay) * random.normal();
      this.uTime[k] = t;
      const {tickUnits, stepUnits} = instruments[k];
      const mid = Math.exp(this.logMid(k));
      const bidTicks = Math.max(1, Math.floor((mid * 1e8) / tickUnits));
      const buyerMaker = random.uniform() < 0.5 ? 1 : 0;
      const notional = Math.exp(logMedianNotional + notionalLogStd * random.normal());
      const steps = Math.max(1, Math.round(((notional / mid) * 1e8) / stepUnits));
      const i = batch.reserve();
      batch.symbol[i] = k;
      batch.id[i] = this.nextId[k]++;
      batch.time[i] = Math.floor(t);
      batch.eventTime[i] = NaN;
      batch.price[i] = (buyerMaker ? bidTicks : bidTicks + 1) * tickUnits;
      batch.qty[i] = steps * stepUnits;
      batch.isBuyerMaker[i] = buyerMaker;
      this.nextTime = t + random.exponential(this.ratePerMs);
    }
    return batch;
  }
}
