// What the live analytics channel (ws /api/v1/live) lets one client cost `pairbook serve`. A message the
// server can answer (bad JSON, a bad parameter, an unknown type, one subscription too many) gets one
// {"type":"error"} and the socket stays open; a client that breaks a limit of the connection itself
// is closed with a code and a reason (1009 frame too big, 1008 policy), or refused at the upgrade (503).

/** Largest frame a client may send, bytes (ws maxPayload; a subscribe is ~300 bytes). Over: 1009. */
export const maxClientFrameBytes = 4 * 1024;

/** Subscriptions one socket may hold at once. Over: an error message naming the limit. */
export const maxSubscriptionsPerSocket = 8;

/** Subscriptions of every socket together (each holds a pair's rows and runs on every live bar). Over: an error message. */
export const maxSubscriptionsOverall = 64;

/** Channel sockets at once; the next upgrade is answered 503. */
export const maxChannelSockets = 32;

/** Unsent bytes above which rows wait (coalesced: the rows from the first changed one are sent as one message). */
export const slowSocketBytes = 1 << 20;

/** How long a socket may stay above `slowSocketBytes` before it is closed (1008). */
export const stuckMs = 10_000;

/** Unsent bytes (snapshots included) above which a socket is closed at once (1008). */
export const maxSocketQueuedBytes = 32 << 20;

/** Error replies: a burst of this many, then `errorRefillPerSecond`; beyond, the socket is closed (1008). */
export const errorBurst = 20;
export const errorRefillPerSecond = 1;

/**
 * Rows a subscription may grow to as live bars arrive, as a multiple of the seed limit (maxBars):
 * past it the subscription ends with an error message asking to subscribe again (a fresh seed and fit).
 */
export const maxRowsFactor = 2;

/** The channel's bounds as one value: `defaultChannelLimits`, or lower ones a test or a bench sets (LiveChannelOptions). */
export interface ChannelLimits {
  readonly subscriptionsPerSocket: number;
  readonly subscriptionsOverall: number;
  readonly sockets: number;
  readonly slowSocketBytes: number;
  readonly stuckMs: number;
  readonly maxQueuedBytes: number;
  /** How often sockets that stopped reading are looked for when no live bar comes, ms. */
  readonly sweepMs: number;
}

export const defaultChannelLimits: ChannelLimits = {
  subscriptionsPerSocket: maxSubscriptionsPerSocket,
  subscriptionsOverall: maxSubscriptionsOverall,
  sockets: maxChannelSockets,
  slowSocketBytes,
  stuckMs,
  maxQueuedBytes: maxSocketQueuedBytes,
  sweepMs: 1000,
};
