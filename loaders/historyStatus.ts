// Is the recorder still loading history (`pairbook record --history`) for a build's symbols? A build
// asks the recorder's /health (the recorder behind PAIRBOOK_LIVE_URL, as the pages do), and only trusts
// the answer when that recorder records this very lake. When none answers (or it records without
// --history), the progress the last --history run wrote in the lake (`<lake>/history/state.json`,
// lake/historyMarker.ts) says whether it finished: one stopped halfway still shows its notice. What the
// page holds of each symbol, its covered range, comes from the lake itself. Neither: null, no notice.
import {realpath} from "node:fs/promises";
import {resolve} from "node:path";
import {withDuckDB} from "../lake/duckdb.js";
import {readHistoryMarker} from "../lake/historyMarker.js";
import {lastTradeTime} from "../lake/reader.js";
import type {HistoryHealth, SymbolHistory} from "../src/protocol/health.js";
import type {HistoryStatus, LegHistoryStatus} from "../src/protocol/historyStatus.js";
import {authHeaders, recorderEndpoint} from "../src/protocol/recorderEndpoint.js";
import {firstTradeTime} from "./lakeBars.js";

export interface HistoryStatusOptions {
  /** How long to wait for /health (ms); default 1500. */
  timeoutMs?: number;
  fetcher?: typeof fetch;
  now?: () => number;
  /** Where a marker that is not one (torn, foreign) is reported, in one line; default stderr (the build's log). */
  log?: (line: string) => void;
}

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

const states: readonly string[] = ["waiting", "loading", "done", "failed"] satisfies SymbolHistory["state"][];

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** /health's `lake` and `history`, when the answer has that shape (history null: recording without --history). */
function parseHealth(body: unknown): {lake: string; history: HistoryHealth | null} | null {
  if (!isRecord(body) || typeof body.lake !== "string") return null;
  const h = body.history;
  if (h === null) return {lake: body.lake, history: null};
  if (!isRecord(h) || typeof h.windowMs !== "number" || !isRecord(h.symbols)) return null;
  for (const s of Object.values(h.symbols))
    if (!isRecord(s) || !states.includes(String(s.state)) || typeof s.windowStart !== "number") return null;
  return {lake: body.lake, history: h as unknown as HistoryHealth};
}

const samePath = async (a: string, b: string) => {
  const real = (p: string) => realpath(p).catch(() => resolve(p));
  return (await real(a)) === (await real(b));
};

/** The recorder's /health behind `liveUrl`, or null when none answers in time (or answers otherwise). */
async function askRecorder(liveUrl: string, {timeoutMs = 1500, fetcher = fetch}: HistoryStatusOptions) {
  try {
    const endpoint = recorderEndpoint(liveUrl);
    const response = await fetcher(`${endpoint.http}/health`, {headers: authHeaders(endpoint), signal: AbortSignal.timeout(timeoutMs)});
    return response.ok ? parseHealth(await response.json()) : null;
  } catch {
    return null;
  }
}

/** Oldest and latest trade time of `symbol` in the lake (ms), null when it holds none. */
function lakeRange(lake: string, symbol: string): Promise<{from: number | null; to: number | null}> {
  return withDuckDB(async (connection) => ({
    from: await firstTradeTime(connection, lake, symbol),
    to: await lastTradeTime(connection, lake, symbol),
  }));
}

/** Each of `symbols` that `states` knows, with its covered range from the lake. */
async function legsOf(
  lake: string,
  symbols: readonly string[],
  states: Record<string, Pick<SymbolHistory, "state" | "windowStart" | "detail">>,
): Promise<Record<string, LegHistoryStatus>> {
  const legs: Record<string, LegHistoryStatus> = {};
  for (const symbol of symbols) {
    const s = states[symbol];
    if (!s) continue;
    const range = await lakeRange(lake, symbol); // each read retried if the recorder compacts meanwhile
    legs[symbol] = {state: s.state, windowStart: s.windowStart, coveredFrom: range.from, coveredTo: range.to, detail: s.detail ?? null};
  }
  return legs;
}

/**
 * The history of `symbols` as a build sees it: the state per symbol from the recorder recording `lake`
 * (asked at its /health behind `liveUrl`), else as the last --history run wrote it in the lake (with
 * `markerAt`); the covered range from the lake. Null when neither knows any of `symbols` (no --history
 * run ever, or a marker that is not one: ignored, with one log line).
 *
 *   await historyStatus({lake: "data", liveUrl: "ws://127.0.0.1:8787"}, ["BTCUSDT", "ETHUSDT"])
 */
export async function historyStatus(
  config: {lake: string; liveUrl: string},
  symbols: readonly string[],
  options: HistoryStatusOptions = {},
): Promise<HistoryStatus | null> {
  const checkedAt = (options.now ?? Date.now)();
  const health = await askRecorder(config.liveUrl, options);
  let source: {windowMs: number; symbols: Record<string, Pick<SymbolHistory, "state" | "windowStart" | "detail">>; markerAt?: number};
  if (health?.history && (await samePath(health.lake, config.lake))) source = health.history;
  else {
    // No recorder loading this lake's history now: what the last --history run wrote before it stopped.
    const read = await readHistoryMarker(config.lake);
    if (read === null) return null;
    if ("ignored" in read) {
      (options.log ?? toStderr)(`history notice: ${read.ignored}; ignored`);
      return null;
    }
    source = {...read.marker, markerAt: read.marker.updatedAt};
  }
  const legs = await legsOf(config.lake, symbols, source.symbols);
  if (Object.keys(legs).length === 0) return null;
  return {
    checkedAt,
    windowMs: source.windowMs,
    loading: Object.values(legs).some((l) => l.state === "waiting" || l.state === "loading"),
    symbols: legs,
    ...(source.markerAt === undefined ? {} : {markerAt: source.markerAt}),
  };
}
