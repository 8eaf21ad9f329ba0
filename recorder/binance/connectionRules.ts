// What Binance asks of a market-stream connection, per market, as data the stream code reads
// (../shared/notes/binance-market-data.md, "Connection rules" and "USD-M futures (fstream) differences").

/** One market's WebSocket connection rules. */
export interface ConnectionRules {
  /** How often the server pings. Informational: `ws` answers each ping with a pong at once (autoPong). */
  readonly serverPingMs: number;
  /** The server drops a client that has not ponged within this long after a ping. */
  readonly pongWithinMs: number;
  /** Messages a client may send per second per connection (pongs, SUBSCRIBE…); more disconnects. */
  readonly maxIncomingPerSecond: number;
  /** Streams one connection may carry. */
  readonly maxStreams: number;
  /** The server cuts a connection at this age. */
  readonly maxAgeMs: number;
  /** A successor is opened this long before `maxAgeMs` (rotation with overlap). */
  readonly rotateAheadMs: number;
  /** Connection attempts per `attemptWindowMs` per IP. */
  readonly attemptsPerWindow: number;
  readonly attemptWindowMs: number;
}

/** Spot (`stream.binance.com`): pings every 20 s, pong within 1 min, 5 messages/s, 300 attempts per 5 min. */
export const spotRules: ConnectionRules = {
  serverPingMs: 20_000,
  pongWithinMs: 60_000,
  maxIncomingPerSecond: 5,
  maxStreams: 1024,
  maxAgeMs: 24 * 3600_000,
  rotateAheadMs: 30 * 60_000,
  attemptsPerWindow: 300,
  attemptWindowMs: 300_000,
};

/**
 * USD-M (`fstream.binance.com`): pings every 3 min, pong within 10 min, 10 messages/s, 1024 streams,
 * 24 h. fstream documents no attempt limit; spot's 300 per 5 min is kept as the conservative bound.
 */
export const usdmRules: ConnectionRules = {
  serverPingMs: 180_000,
  pongWithinMs: 600_000,
  maxIncomingPerSecond: 10,
  maxStreams: 1024,
  maxAgeMs: 24 * 3600_000,
  rotateAheadMs: 30 * 60_000,
  attemptsPerWindow: 300,
  attemptWindowMs: 300_000,
};
