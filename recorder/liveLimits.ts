// What one client of the live feed may cost the recorder. A client over a limit is closed with a
// close code (1008 policy violation, 1009 frame too big, 1013 try again later) and a reason; the
// recorder itself never waits for a client. The README's "Security and failure model" quotes these.

/** Largest frame a client may send, bytes (ws maxPayload; a subscribe of 256 symbols is ~4 KiB). Over: 1009. */
export const maxFrameBytes = 64 * 1024;

/** Distinct symbols in one subscribe (duplicates are ignored first). Over: 1008. */
export const maxSymbolsPerSubscribe = 256;

/** Distinct symbol × interval subscriptions one client may hold. Over: 1008. */
export const maxSubscriptionsPerClient = 1024;

/** Snapshots one client may ask for over its connection (each subscribe of a symbol is one). Over: 1008. */
export const maxSnapshotsPerClient = 4096;

/**
 * Unsent bytes above which live bars wait (coalesced, latest state wins) and snapshots are held back;
 * a client above it for `stuckMs` (default 10 s) is closed.
 */
export const slowClientBytes = 1 << 20;

/** Unsent bytes (everything: hello, snapshots, bars, alerts, error replies) above which a client is closed at once. */
export const maxQueuedBytes = 4 << 20;

/** Error replies (invalid frames, unknown symbols): a burst of this many, then `errorRefillPerSecond`. Over: 1008. */
export const errorBurst = 20;
export const errorRefillPerSecond = 1;

/** Live-feed clients at once; the next upgrade is answered 503. */
export const maxClients = 64;

/** Open HTTP and WebSocket connections at once (Node's server.maxConnections): keeps file descriptors for the lake. */
export const maxConnections = 256;

/** Largest HTTP request body (alert rules), bytes. Over: 413. */
export const maxBodyBytes = 64 * 1024;

/** An HTTP request (headers and body) must arrive within this, ms. */
export const requestTimeoutMs = 30_000;
