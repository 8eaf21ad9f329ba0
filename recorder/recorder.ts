// The recorder daemon: Binance trade stream → id check → lake writer + live hub, with health.
import {LakeWriter} from "../lake/writer.js";
import {runTradeStream, type ConnectionState} from "./binance/stream.js";
import {validateSymbols} from "./binance/rest.js";
import {LiveHub} from "./liveHub.js";

export interface RecorderConfig {
  symbols: readonly string[];
  lake: string;
  wsUrl: string;
  restUrl: string;
  liveHost: string;
  livePort: number;
  /** How often buffered trades are published to the lake (ms). */
  flushMs: number;
  log: (line: string) => void;
}

export interface SymbolHealth {
  lastId: number | null;
  lastTime: number | null;
  /** Receive time minus trade time of the latest trade, ms. */
  receiveLagMs: number | null;
  trades: number;
  tradesPerSecond: number;
  duplicates: number;
  /** Id holes seen on the live stream (not yet backfilled by this version). */
  gaps: {fromId: number; toId: number; detectedAt: number}[];
}

export interface Recorder {
  readonly livePort: number;
  health(): unknown;
  /** Stops streaming, publishes every received trade, closes the live feed. */
  stop(): Promise<{trades: number; files: number}>;
}

/** Validates the symbols, opens the lake and the live feed, then streams until `stop`. */
export async function startRecorder(config: RecorderConfig): Promise<Recorder> {
  const {symbols, log} = config;
  await validateSymbols(config.restUrl, symbols);
  const writer = await LakeWriter.open(config.lake, symbols);
  const startedAt = Date.now();
  const stats = new Map<string, SymbolHealth>();
  const recent = new Map<string, number[]>(); // receive times of the last 10 s, for trades/s
  for (const symbol of symbols) {
    const lastId = writer.lastId(symbol) ?? null;
    stats.set(symbol, {lastId, lastTime: null, receiveLagMs: null, trades: 0, tradesPerSecond: 0, duplicates: 0, gaps: []});
    recent.set(symbol, []);
  }
  let connection: {state: ConnectionState; detail?: string; since: number} = {state: "connecting", since: Date.now()};
  let rejected = 0;

  const health = () => {
    const now = Date.now();
    for (const [symbol, times] of recent) {
      while (times.length && times[0] < now - 10_000) times.shift();
      stats.get(symbol)!.tradesPerSecond = times.length / 10;
    }
    return {
      uptimeSeconds: (now - startedAt) / 1000,
      lake: config.lake,
      connection,
      symbols: Object.fromEntries(stats),
      rejectedFrames: rejected,
      pendingTrades: writer.pending,
      filesPublished: writer.filesPublished,
      tradesPublished: writer.tradesPublished
    };
  };

  let hub: LiveHub;
  try {
    hub = await LiveHub.start({host: config.liveHost, port: config.livePort, symbols, health, log});
  } catch (error) {
    await writer.close();
    throw error;
  }

  const controller = new AbortController();
  const streaming = runTradeStream({
    wsUrl: config.wsUrl,
    symbols,
    signal: controller.signal,
    onState: (state, detail) => {
      connection = {state, detail, since: Date.now()};
      if (state !== "open" && state !== "connecting") log(`stream ${state}${detail ? `: ${detail}` : ""}`);
      else if (state === "open") log(`stream open: ${symbols.join(", ")} from ${config.wsUrl}`);
    },
    onEvent: (event) => {
      if (event.type === "rejected") {
        if (rejected++ < 20 || rejected % 1000 === 0) log(`rejected frame #${rejected} (${event.reason}): ${event.frame}`);
        return;
      }
      if (event.type !== "trade") return;
      const {symbol, trade} = event;
      const s = stats.get(symbol)!;
      const now = Date.now();
      if (s.lastId !== null && trade.id > s.lastId + 1) {
        s.gaps.push({fromId: s.lastId + 1, toId: trade.id - 1, detectedAt: now});
        log(`${symbol}: ids ${s.lastId + 1}..${trade.id - 1} missing from the stream`);
      }
      if (writer.add(symbol, trade) === "duplicate") {
        s.duplicates++;
        return;
      }
      s.lastId = trade.id, s.lastTime = trade.time, s.receiveLagMs = now - trade.time, s.trades++;
      recent.get(symbol)!.push(now);
      hub.onTrade(symbol, trade);
    }
  });

  let flushError: unknown;
  const flushTimer = setInterval(() => {
    writer.flush().then(
      () => void (flushError = undefined),
      (error) => {
        if (!flushError) log(`lake write failed, will retry (nothing is dropped): ${(error as Error).message}`);
        flushError = error;
      }
    );
  }, config.flushMs);

  return {
    livePort: hub.port,
    health,
    async stop() {
      clearInterval(flushTimer);
      controller.abort();
      await streaming;
      const before = writer.filesPublished;
      await writer.close();
      await hub.close();
      return {trades: writer.tradesPublished, files: writer.filesPublished - before};
    }
  };
}
