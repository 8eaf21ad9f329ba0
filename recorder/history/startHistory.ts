// `pairbook record --history`: loads every recorded symbol's recent past in the background
// (historyLoader.ts per symbol, all at once; the symbols of one market take turns at REST newest first,
// historyTurns.ts, so every symbol's most recent hours come before any symbol's older ones), under each
// market's REST weight budget with live gaps first (historyGate.ts), archive days one at a time.
import {SerialQueue} from "../../lake/serialQueue.js";
import type {LakeWriter} from "../../lake/writer.js";
import type {Trade} from "../../src/lib/bars.js";
import type {HistoryHealth} from "../../src/protocol/health.js";
import {parseMarketSymbol} from "../../src/protocol/symbol.js";
import type {WeightBudget} from "../binance/requestBudget.js";
import type {MarketHistory} from "../markets.js";
import type {FetchTrades} from "../retryFetch.js";
import {HistoryGate} from "./historyGate.js";
import {type HistoryLoaderOptions, loadHistory} from "./historyLoader.js";
import {HistoryMarkerFile} from "./historyMarkerFile.js";
import {historyHealth, SymbolProgress} from "./historyProgress.js";
import {HistoryTurns} from "./historyTurns.js";
import {archiveDays} from "./historyWindow.js";

/** What `record --history DURATION --archive-url BASE` asks for. */
export interface HistoryConfig {
  /** The window, ms back from the start (0: none). */
  windowMs: number;
  /** data.binance.vision layout; undefined: REST only. */
  archiveUrl?: string;
}

export interface HistoryOptions extends HistoryConfig {
  lake: string;
  symbols: readonly string[];
  fetchTrades: FetchTrades;
  fetchOne: HistoryLoaderOptions["fetchOne"];
  /** Each market's weight budget, shared with gap backfills. */
  budget: (symbol: string) => Pick<WeightBudget, "spare" | "budget">;
  /** True while a live gap of `symbol`'s market is open. */
  liveGapOpen: (symbol: string) => boolean;
  publish: (symbol: string, trades: readonly Trade[]) => Promise<unknown>;
  log: (line: string) => void;
  signal: AbortSignal;
  now?: () => number;
  /** At most one progress line per symbol this often (ms); default 30 s. */
  logEveryMs?: number;
  /** How long a symbol without a stored trade yet holds back its market's others (HistoryTurns' graceMs). */
  graceMs?: number;
}

export interface HistoryRun {
  /** Null until it starts. */
  health(): HistoryHealth | null;
  /** Resolves when every symbol is done, failed or aborted, and the lake's marker (<lake>/history/state.json) says so. */
  readonly done: Promise<void>;
}

/** Starts loading; never rejects (a symbol's failure is in its progress and the log). */
export function startHistory(o: HistoryOptions): HistoryRun {
  const now = o.now ?? Date.now,
    start = now(),
    windowStart = start - o.windowMs;
  const days = o.archiveUrl ? archiveDays(windowStart, start) : [];
  // The lake keeps the progress (<lake>/history/state.json) for builds after this recorder is gone.
  const marker = new HistoryMarkerFile({lake: o.lake, windowMs: o.windowMs, windowStart, startedAt: start, log: o.log, now});
  const progress = o.symbols.map(
    (symbol) => new SymbolProgress(symbol, windowStart, days.length, o.log, now, o.logEveryMs ?? 30_000, () => marker.changed()),
  );
  marker.track(progress);
  marker.changed();
  o.log(
    `history: loading the last ${+(o.windowMs / 3_600_000).toFixed(2)} h of ${o.symbols.join(", ")} in the background${
      days.length > 0 ? ` (archive days ${days[days.length - 1]}..${days[0]} from ${o.archiveUrl}, today from REST)` : " from REST"
    }; live recording goes on meanwhile`,
  );
  // Symbols of one market share a budget: they take turns at it, newest first.
  const marketOf = (symbol: string) => parseMarketSymbol(symbol).market;
  const turns = new Map(
    [...new Set(o.symbols.map(marketOf))].map((market) => {
      const symbols = o.symbols.filter((s) => marketOf(s) === market);
      return [market, new HistoryTurns(symbols, {graceMs: o.graceMs})];
    }),
  );
  const imports = new SerialQueue();
  const done = Promise.all(
    progress.map((p) => {
      const budget = o.budget(p.symbol);
      return loadHistory({
        lake: o.lake,
        symbol: p.symbol,
        windowStart,
        archiveUrl: o.archiveUrl,
        imports,
        publish: (trades) => o.publish(p.symbol, trades),
        fetchTrades: o.fetchTrades,
        fetchOne: o.fetchOne,
        pageWeight: p.symbol.startsWith("usdm:") ? 20 : 25,
        gate: new HistoryGate({spare: () => budget.spare(), budget: budget.budget, liveGapOpen: () => o.liveGapOpen(p.symbol)}),
        turns: turns.get(marketOf(p.symbol))!,
        progress: p,
        signal: o.signal,
        now,
      });
    }),
  ).then(() => (marker.changed(), marker.flushed()));
  return {health: () => historyHealth(o.windowMs, progress), done};
}

/** startHistory wired to the recorder's parts: its REST clients and budgets, its sequencers' open gaps, its lake writer. */
export function recordHistory(
  o: HistoryConfig & {
    lake: string;
    symbols: readonly string[];
    rest: MarketHistory;
    writer: Pick<LakeWriter, "publishFill">;
    /** The trade pipeline: its sequencers' open gaps hold history back. */
    trades: {sequencers: ReadonlyMap<string, {openGap?: unknown}>};
    log: (line: string) => void;
    /** Starts once this settles: the start-up hole repair, which may write the same past days (an archive import writes on its own DuckDB connection, outside the writer's queue). */
    after: Promise<unknown>;
    signal: AbortSignal;
  },
): HistoryRun {
  const marketOf = (symbol: string) => parseMarketSymbol(symbol).market;
  let run: HistoryRun | undefined;
  const done = o.after.then(() => {
    if (o.signal.aborted) return;
    run = startHistory({
      ...o,
      fetchTrades: o.rest.fetchTrades,
      fetchOne: async (symbol, id, signal) => {
        const {market, symbol: name} = parseMarketSymbol(symbol);
        if (market === "spot") return (await o.rest.spot.historicalTrades(name, id, {limit: 1, signal}))[0];
        return (await o.rest.usdm.aggTrades(name, id, {limit: 1, signal})).trades[0];
      },
      budget: (symbol) => (marketOf(symbol) === "spot" ? o.rest.spot.weight : o.rest.usdm.weight),
      liveGapOpen: (symbol) => o.symbols.some((s) => marketOf(s) === marketOf(symbol) && o.trades.sequencers.get(s)?.openGap !== undefined),
      publish: (symbol, trades) => o.writer.publishFill(symbol, trades),
    });
    return run.done;
  });
  return {health: () => run?.health() ?? null, done};
}
