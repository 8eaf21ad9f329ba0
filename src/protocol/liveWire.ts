// The live feed's wire messages (JSON over WebSocket): recorder/liveHub.ts and liveClient.ts send them,
// src/client/liveFeed.ts reads them. A page sends one message, `subscribe` (validated by
// recorder/clientMessages.ts); the recorder answers with a snapshot per symbol and interval, then every
// bar change, unfilled gaps as they are recorded, a perpetual's funding events as they are stored, alert
// events, and errors.
import type {Bar, Interval} from "../lib/bars.js";
import type {AlertEvent} from "./alerts.js";

/** A bar on the wire: the public fields of src/lib's Bar (its trade ids and first/last trade times stay in the recorder). */
export type WireBar = Omit<Bar, "firstId" | "lastId" | "openTime" | "closeTime">;

/** The public fields of a bar, as sent to pages. */
export function toWire(bar: Bar): WireBar {
  const {start, open, high, low, close, volume, quoteVolume, count, vwap, takerBuyVolume} = bar;
  return {start, open, high, low, close, volume, quoteVolume, count, vwap, takerBuyVolume};
}

/** A bar as a page accepts it: quoteVolume, takerBuyVolume and vwap may be missing (the page derives them). */
export type LiveBar = Omit<WireBar, "quoteVolume" | "takerBuyVolume" | "vwap"> &
  Partial<Pick<WireBar, "quoteVolume" | "takerBuyVolume" | "vwap">>;

/**
 * An unfilled gap of a symbol as the live feed reports it: [from, to] (ms, inclusive) from the time
 * of the last trade stored before the hole to that of the first after it, as in the lake's gap
 * records (src/protocol/gaps.ts); null when the recorder knows no trade on that side.
 */
export interface LiveGap {
  from: number | null;
  to: number | null;
}

/**
 * A funding event of a USD-M perpetual as the live feed sends it: what the recorder stored in the lake's
 * funding table (lake/funding.ts), `time` the funding time (ms), `mark` null when unknown. A settled
 * event ("rest", "archive") replaces a "stream" estimate of the same time, never the reverse.
 */
export interface LiveFunding {
  time: number;
  rate: number;
  mark: number | null;
  source: "stream" | "rest" | "archive";
}

/** Page → recorder: follow `symbols` at `interval` (default 1s). */
export interface Subscribe {
  type: "subscribe";
  /** Distinct, in the order first listed. */
  symbols: string[];
  interval: Interval;
}

/** Sent once on connect: the symbols the recorder records. */
export interface HelloMessage {
  type: "hello";
  symbols: string[];
}

/**
 * The recent bars of a subscription, sent once it is made, with the gaps recorded since the recorder
 * started (the latest 100 per symbol), among them a restart's hole since the last stored trade.
 */
export interface SnapshotMessage {
  type: "snapshot";
  symbol: string;
  interval: string;
  bars: readonly WireBar[];
  gaps: readonly LiveGap[];
  /** A perpetual's latest stored funding events (at most 100, oldest first; absent for spot symbols). */
  funding?: readonly LiveFunding[];
}

/** A bar of a subscription changed (or began). */
export interface BarMessage {
  type: "bar";
  symbol: string;
  interval: string;
  bar: WireBar;
}

/** Sent to the subscribers of `symbol` when the recorder records an unfilled gap of it. */
export interface LiveGapMessage extends LiveGap {
  type: "gap";
  symbol: string;
}

/** Sent to the subscribers of a perpetual when the recorder stores funding events of it (a settlement, its REST record). */
export interface LiveFundingMessage {
  type: "funding";
  symbol: string;
  events: readonly LiveFunding[];
}

/** An alert event, sent to every client. */
export interface AlertMessage {
  type: "alert";
  event: AlertEvent;
}

/** A refused client message, with the reason. */
export interface ErrorMessage {
  type: "error";
  message: string;
}

/** Every message the recorder sends on the live feed. */
export type LiveMessage = HelloMessage | SnapshotMessage | BarMessage | LiveGapMessage | LiveFundingMessage | AlertMessage | ErrorMessage;

/** The gap ranges of a message's `gaps` (or of the message itself) that have the wire shape; the rest is ignored. */
export function liveGapsOf(value: unknown): LiveGap[] {
  const time = (x: unknown) => x === null || (typeof x === "number" && Number.isFinite(x));
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list
    .filter((g): g is LiveGap => typeof g === "object" && g !== null && time((g as LiveGap).from) && time((g as LiveGap).to))
    .map(({from, to}) => ({from, to}));
}
