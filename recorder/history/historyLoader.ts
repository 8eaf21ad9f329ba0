// Loads one symbol's recent past below what the lake holds, newest first: today's part page by page
// from REST, then each whole UTC day before today from the public archive (spot trades, USD-M
// aggTrades; checksum verified, through lake/import), a day the archive cannot give (missing, corrupt,
// bad checksum) from REST instead. Every step only adds ids below the lake's bottom trade
// (lakeBottom.ts), published before the next step, so a restart resumes from the bottom and nothing
// stored is fetched again; the live stream and gap backfills hold ids above it. Each REST request
// waits for the symbol's turn among its market's loaders (historyTurns.ts: newest first), then at the
// gate (historyGate.ts: live gaps first).
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {setTimeout as sleep} from "node:timers/promises";
import {importRange} from "../../lake/import/index.js";
import type {SerialQueue} from "../../lake/serialQueue.js";
import type {StoredTrade} from "../../lake/storedNeighbours.js";
import type {Trade} from "../../src/lib/bars.js";
import type {FetchTrades} from "../retryFetch.js";
import type {HistoryGate} from "./historyGate.js";
import type {SymbolProgress} from "./historyProgress.js";
import type {HistoryTurns} from "./historyTurns.js";
import {utcDate, utcDayStart} from "./historyWindow.js";
import {lakeBottom} from "./lakeBottom.js";

export interface HistoryLoaderOptions {
  lake: string;
  /** As pairbook names it (`BTCUSDT`, `usdm:BTCUSDT`). */
  symbol: string;
  windowStart: number;
  /** data.binance.vision layout (spot trades, USD-M aggTrades); undefined: every day from REST. */
  archiveUrl?: string;
  /** Archive imports, one at a time (each holds a DuckDB instance and a temp CSV). */
  imports: SerialQueue;
  /** writer.publishFill: trades below the stored ids, as their own files. */
  publish: (trades: readonly Trade[]) => Promise<unknown>;
  fetchTrades: FetchTrades;
  /** The trade with id `id` (or the next one REST has), one-row request; undefined when REST has none. */
  fetchOne: (symbol: string, id: number, signal: AbortSignal) => Promise<Trade | undefined>;
  /** Request weight of one REST page (historicalTrades 25, aggTrades 20). */
  pageWeight: number;
  gate: HistoryGate;
  /** The market's loaders' turns at REST (newest first). */
  turns: HistoryTurns;
  progress: SymbolProgress;
  signal: AbortSignal;
  now?: () => number;
  /** How often to look for the first stored trade in an empty lake (ms). */
  pollMs?: number;
  /** Trades per published file (default 20 000). */
  batch?: number;
}

const pageSize = 1000;

/** Loads the window; resolves when the lake holds it (or REST has no more), or on abort. */
export async function loadHistory(o: HistoryLoaderOptions): Promise<void> {
  const {progress, signal, windowStart, now = Date.now} = o;
  const archive = o.archiveUrl !== undefined;
  try {
    const start = await waitForBottom(o);
    if (!start) return;
    o.turns.at(o.symbol, start.time);
    let bottom: StoredTrade = start;
    progress.covered(bottom.time, "REST");
    const today = utcDayStart(now());
    // `day`: the UTC day the bottom is in; `whole`: the lake holds that day from its first trade on.
    let day = utcDayStart(bottom.time),
      whole = false;
    // Trades already fetched right below the bottom (the probe, a page's part below a floor): the next
    // REST step starts from them, so no id is asked for twice.
    let carry: Carry = {from: bottom.id, trades: []};
    while (bottom.time > windowStart && !signal.aborted) {
      const floor = Math.max(windowStart, day);
      if (!whole) {
        // Is the trade below the bottom still inside the floor? One row tells (a resumed run may have
        // reached it), unless a page already answered it. Today (or without archive) the rest comes
        // from REST; a past day the lake holds only in part (a recording begun inside it) comes whole
        // from the archive.
        if (bottom.id <= 0) break;
        let below = carry.from < bottom.id ? carry.trades.at(-1) : undefined;
        if (!below) {
          const belowId = bottom.id - 1;
          below = await rest(o, () => o.fetchOne(o.symbol, belowId, signal));
          if (!below || below.id >= bottom.id) return progress.finished("done", "REST has no older trades");
          carry = {from: belowId, trades: [below]};
        }
        if (below.time >= floor) {
          const r =
            day < today && archive ? await archiveOrRest(o, utcDate(day), bottom, floor, carry) : await restDown(o, bottom, floor, carry);
          if (r.stopped === "exhausted") return progress.finished("done", "REST has no older trades");
          ({bottom, carry} = r);
        }
      }
      if (floor <= windowStart || signal.aborted) break;
      day -= 86_400_000;
      whole = archive;
      if (archive) {
        const r: RestResult = await archiveOrRest(o, utcDate(day), bottom, Math.max(windowStart, day), carry);
        if (r.stopped === "exhausted") return progress.finished("done", "REST has no older trades");
        ({bottom, carry} = r);
      }
    }
    if (!signal.aborted) progress.finished("done", null);
  } catch (error) {
    if (!signal.aborted) progress.finished("failed", (error as Error).message);
  } finally {
    o.turns.away(o.symbol);
  }
}

/**
 * One REST request of the loader: on its turn (newest first among the market's loaders), past the
 * gate, retried. Its oldest trade (a page's first) is where the loader now reaches, unless `moves` is false.
 */
async function rest<T extends Trade | readonly Trade[] | undefined>(
  o: HistoryLoaderOptions,
  request: () => Promise<T>,
  {moves = true} = {},
): Promise<T> {
  const release = await o.turns.take(o.symbol, o.signal);
  try {
    await o.gate.wait(o.pageWeight, o.signal);
    const answer = await withRetry(request, o.signal);
    o.progress.requested();
    const oldest: Trade | undefined = isPage(answer) ? answer[0] : answer;
    if (moves && oldest) o.turns.at(o.symbol, oldest.time);
    return answer;
  } finally {
    release();
  }
}

/** The lake's bottom trade, polling while the lake is empty (the live stream's first publish). */
async function waitForBottom({lake, symbol, signal, pollMs = 500}: HistoryLoaderOptions): Promise<StoredTrade | null> {
  for (;;) {
    const bottom = await lakeBottom(lake, symbol);
    if (bottom || signal.aborted) return bottom;
    // node:timers/promises removes its abort listener when the timer fires (one added per poll piled up).
    await sleep(pollMs, undefined, {signal}).catch(() => {});
  }
}

/** Ids [from, bottom.id − 1] already fetched, and the trades REST answered among them (ascending). */
interface Carry {
  from: number;
  trades: Trade[];
}

interface RestResult {
  bottom: StoredTrade;
  /** floor: the trade below the bottom is older than the floor (or the archive gave the day); exhausted: REST has none below. */
  stopped: "floor" | "exhausted";
  /** What was fetched below the new bottom and not kept (older than the floor). */
  carry: Carry;
}

/**
 * Pages down from the bottom (fromId = bottom − 1000, …), keeping trades at or after `floor`, each
 * batch published once it is whole. The first page that reaches below the floor stops it; what it
 * fetched below the floor is carried to the next step. `carry` (ids just below the bottom, fetched
 * before) is used first and never asked for again.
 */
async function restDown(o: HistoryLoaderOptions, bottom: StoredTrade, floor: number, carry: Carry): Promise<RestResult> {
  const {symbol, fetchTrades, progress, signal, batch: batchSize = 20_000} = o;
  let batch: Trade[] = [],
    cursor = carry.from - 1,
    oldest: Trade | null | undefined;
  const publish = async () => {
    if (batch.length === 0) return;
    await o.publish(batch);
    progress.stored(batch.length);
    bottom = {id: batch[0].id, time: batch[0].time};
    progress.covered(bottom.time);
    batch = [];
  };
  /** Trades of ids [from, cursor] (REST's answer, ascending): kept down to the floor; true when one is older. */
  const take = (inside: Trade[], from: number): boolean => {
    const keep = inside.filter((t) => t.time >= floor);
    batch = keep.concat(batch);
    if (keep.length === inside.length) return false;
    carry = {from, trades: inside.slice(0, inside.length - keep.length)};
    return true;
  };
  if (take(carry.trades, carry.from)) return (await publish(), {bottom, stopped: "floor", carry});
  for (;;) {
    if (cursor < 0) return (await publish(), {bottom, stopped: "exhausted", carry: {from: 0, trades: []}});
    const from = Math.max(0, cursor - pageSize + 1);
    const page = await rest(o, () => fetchTrades(symbol, from, signal));
    const inside = page.filter((t) => t.id >= from && t.id <= cursor);
    if (take(inside, from)) return (await publish(), {bottom, stopped: "floor", carry});
    // REST holds nothing in [from, first answered id): either its oldest trade (nothing lies below:
    // asking on would only answer the same trades again) or a hole in the ids. Its oldest trade tells.
    if (page.length === 0 || page[0].id > from) {
      // The oldest trade REST has is no position of the loader's (it stays where its pages reach).
      if (oldest === undefined) oldest = (await rest(o, () => o.fetchOne(symbol, 0, signal), {moves: false})) ?? null;
      if (oldest === null || oldest.id >= from) return (await publish(), {bottom, stopped: "exhausted", carry: {from: 0, trades: []}});
    }
    cursor = from - 1;
    if (batch.length >= batchSize) await publish();
  }
}

const isPage = (answer: Trade | readonly Trade[] | undefined): answer is readonly Trade[] => Array.isArray(answer);

/** A request, retried with backoff on errors (REST down, rate limited); throws after 5 failures or on abort. */
async function withRetry<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await request();
    } catch (error) {
      if (signal.aborted || attempt >= 5) throw error;
      await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)), undefined, {signal}).catch(() => {});
      if (signal.aborted) throw error;
    }
  }
}

/**
 * Imports archive day `date` (its trades below the bottom are new; those it shares with the lake are
 * deduplicated by the import); reports a day it cannot import and fetches it from REST instead.
 */
async function archiveOrRest(o: HistoryLoaderOptions, date: string, bottom: StoredTrade, floor: number, carry: Carry): Promise<RestResult> {
  const {lake, symbol, progress} = o;
  progress.covered(bottom.time, `archive ${date}`);
  o.turns.away(symbol);
  const tempDir = await mkdtemp(join(tmpdir(), "pairbook-history-"));
  let why: string | undefined;
  try {
    const kind = symbol.startsWith("usdm:") ? "aggTrades" : "trades";
    const summary = await o.imports.run(() =>
      importRange({baseUrl: o.archiveUrl!, symbol, kind, from: date, to: date}, {lake, tempDir, jobs: 1}),
    );
    if (summary.missing.length > 0) why = "is not in the archive";
    else {
      progress.stored(summary.added);
      const after = await lakeBottom(lake, symbol);
      if (after && after.id < bottom.id) {
        progress.archiveDay(date, "imported");
        progress.covered(after.time, "REST");
        o.turns.at(symbol, after.time);
        return {bottom: after, stopped: "floor", carry: {from: after.id, trades: []}};
      }
      if (after && after.id === bottom.id && summary.rows > 0) why = "holds nothing below the stored trades";
      else why = "added nothing";
    }
  } catch (error) {
    if (o.signal.aborted) return {bottom, stopped: "floor", carry};
    why = `could not be imported (${(error as Error).message})`;
  } finally {
    await rm(tempDir, {recursive: true, force: true}).catch(() => {});
  }
  o.turns.at(symbol, bottom.time);
  progress.archiveDay(date, "fell back", why);
  progress.covered(bottom.time, "REST");
  return restDown(o, bottom, floor, carry);
}
