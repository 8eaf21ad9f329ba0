import {Random} from "./random.js";

/**
 * Faults the simulator can inject, as a recorder meets them on Binance:
 * - disconnect: every connection's TCP socket torn down, no close frame;
 * - stall: connections stay open but get nothing (trades, pings, pongs, replies) for a while;
 *   trades keep being generated and are in historicalTrades, never sent to the stalled sockets
 *   (no catch-up when the stall ends); connections opened meanwhile are not stalled;
 * - gap: the next trades of a symbol are not streamed but are in historicalTrades (backfillable);
 * - hole: an exchange-side hole: the next trades of a symbol never exist, neither streamed nor in
 *   historicalTrades (ids simply jump), so no backfill can fill them;
 * - duplicate: recently streamed trades sent again, byte for byte;
 * - malformed: garbage messages (broken JSON, unknown shapes, wrong symbol, zero or negative price
 *   or qty, absurd times, binary frames);
 * - rotate: connections past an age closed with 1000, as Binance does at 24 hours;
 * - shutdown: the serverShutdown event `{"e":"serverShutdown","E":ms}`, then a close (1001) after a
 *   grace period. Binance documents the bare event but not how combined streams carry it, so by
 *   default combined connections get it both bare and wrapped as `{"stream":"serverShutdown","data":…}`;
 * - throttle: historicalTrades (any REST endpoint) answers 429 (or 418) with Retry-After.
 */
export const faultKinds = ["disconnect", "stall", "gap", "hole", "duplicate", "malformed", "rotate", "shutdown", "throttle"] as const;
export type FaultKind = (typeof faultKinds)[number];

export const malformedKinds = [
  "json",
  "unknown",
  "symbol",
  "zeroPrice",
  "negativePrice",
  "zeroQty",
  "negativeQty",
  "time",
  "binary",
] as const;
export type MalformedKind = (typeof malformedKinds)[number];

/** Options of `Simulator.inject`, per fault. `symbol` defaults to the first symbol. */
export interface FaultOptions {
  disconnect: Record<string, never>;
  /** ms: how long the connections go silent; default 5000. */
  stall: {ms?: number};
  /** count: trades left out; default 5. */
  gap: {symbol?: string; count?: number};
  hole: {symbol?: string; count?: number};
  /** count: how many of the most recently streamed trades to send again; default 5. */
  duplicate: {symbol?: string; count?: number};
  /** kinds: which garbage to send, one message each; default all. Trade-shaped garbage uses `symbol`'s stream. */
  malformed: {symbol?: string; kinds?: readonly MalformedKind[]};
  /** olderThanMs: close only connections at least this old; default 0 (all). */
  rotate: {olderThanMs?: number};
  /** graceMs before closing, default 1000; format: "bare" event, "wrapped" in the combined envelope, or "both" (default). */
  shutdown: {graceMs?: number; format?: "bare" | "wrapped" | "both"};
  /** The next `count` REST requests (default 1) to historicalTrades (or `path`) are refused with `status` (429) and Retry-After. */
  throttle: {count?: number; status?: 429 | 418; retryAfterSeconds?: number; path?: string};
}

interface Base<K extends FaultKind> {
  readonly kind: K;
  /** Server clock (the simulator's `now`) when injected. */
  readonly at: number;
}

/** What an injected fault did, as kept in `Simulator.faultLog()`. Array fields fill in as trades pass. */
export type FaultRecord =
  | (Base<"disconnect"> & {readonly clients: number})
  | (Base<"stall"> & {readonly ms: number; readonly clients: number})
  | (Base<"gap"> & {readonly symbol: string; readonly count: number; readonly ids: number[]})
  | (Base<"hole"> & {readonly symbol: string; readonly count: number; readonly ids: number[]})
  | (Base<"duplicate"> & {readonly symbol: string; readonly ids: number[]})
  | (Base<"malformed"> & {
      readonly symbol: string;
      readonly kinds: readonly MalformedKind[];
      readonly messages: ReadonlyArray<string | Uint8Array>;
      readonly clients: number;
    })
  | (Base<"rotate"> & {readonly olderThanMs: number; readonly clients: number})
  | (Base<"shutdown"> & {readonly graceMs: number; readonly format: "bare" | "wrapped" | "both"; readonly clients: number})
  | (Base<"throttle"> & {
      readonly count: number;
      readonly status: 429 | 418;
      readonly retryAfterSeconds: number;
      readonly path: string;
      refused: number;
    });

export type FaultRecordOf<K extends FaultKind> = Extract<FaultRecord, {kind: K}>;

/**
 * Random faults for long runs (`--faults`): per kind, a rate in events per second (throttle: the
 * probability that a REST request is refused).
 */
export type FaultRates = Partial<Record<FaultKind, number>>;

/**
 * Parses `--faults` text: comma-separated `kind[=rate]`, e.g. "disconnect=0.01,gap=0.02,malformed".
 * A kind without a rate happens once a minute on average (throttle: 1% of requests). Throws
 * RangeError naming the bad entry.
 *
 *   parseFaults("gap=0.5,stall") // {gap: 0.5, stall: 1 / 60}
 */
export function parseFaults(text: string): FaultRates {
  const rates: FaultRates = {};
  for (const entry of text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")) {
    const [name, value, ...rest] = entry.split("=");
    if (!(faultKinds as readonly string[]).includes(name) || rest.length > 0)
      throw new RangeError(`invalid fault ${JSON.stringify(entry)} (expected kind[=rate] with kind one of ${faultKinds.join(", ")})`);
    const kind = name as FaultKind;
    const rate = value === undefined ? (kind === "throttle" ? 0.01 : 1 / 60) : Number(value);
    if (value?.trim() === "" || !Number.isFinite(rate) || rate < 0 || (kind === "throttle" && rate > 1)) {
      throw new RangeError(
        `invalid rate in ${JSON.stringify(entry)} (expected a number ≥ 0${kind === "throttle" ? " and ≤ 1, the share of REST requests refused" : ", events per second"})`,
      );
    }
    rates[kind] = rate;
  }
  return rates;
}

/**
 * Draws random faults from seeded rates: `due(dtMs)` says which kinds happen in the next dtMs
 * (each independently, with probability 1 − exp(−rate·dt)), `refuseRequest()` whether to throttle
 * one REST request. Deterministic for a given seed and sequence of calls.
 */
export class FaultSchedule {
  private readonly random: Random;
  private readonly kinds: Array<[FaultKind, number]>;

  constructor(
    private readonly rates: FaultRates,
    seed: number,
  ) {
    this.random = new Random(seed ^ 0x5eed_fa17);
    this.kinds = Object.entries(rates).filter(([kind, rate]) => kind !== "throttle" && rate > 0) as Array<[FaultKind, number]>;
  }

  due(dtMs: number): FaultKind[] {
    const out: FaultKind[] = [];
    for (const [kind, rate] of this.kinds) if (this.random.uniform() < -Math.expm1((-rate * dtMs) / 1000)) out.push(kind);
    return out;
  }

  /** A uniform draw in (0, 1) from the schedule's generator, for picking a symbol or a garbage kind. */
  uniform(): number {
    return this.random.uniform();
  }

  refuseRequest(): boolean {
    const p = this.rates.throttle ?? 0;
    return p > 0 && this.random.uniform() < p;
  }
}
