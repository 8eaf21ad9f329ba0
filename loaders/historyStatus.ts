// Is the recorder still loading history (`pairbook record --history`) for a build's symbols? The progress
// lives in the recorder's memory only, so a build asks its /health (the recorder behind PAIRBOOK_LIVE_URL,
// as the pages do), and only trusts the answer when that recorder records this very lake. What the
// page holds of each symbol, its covered range, comes from the lake itself. No recorder answering, or
// one without --history: null, no notice (the lake does not say which window was asked for).
import {realpath} from "node:fs/promises";
import {resolve} from "node:path";
import {quotedString, withDuckDB} from "../lake/duckdb.js";
import {tickFiles} from "../lake/files.js";
import {retryVanished} from "../lake/vanishedFiles.js";
import type {HistoryHealth, SymbolHistory} from "../src/protocol/health.js";
import type {HistoryStatus, LegHistoryStatus} from "../src/protocol/historyStatus.js";
import {authHeaders, recorderEndpoint} from "../src/protocol/recorderEndpoint.js";

export interface HistoryStatusOptions {
  /** How long to wait for /health (ms); default 1500. */
  timeoutMs?: number;
  fetcher?: typeof fetch;
  now?: () => number;
}

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

/** Oldest and latest trade time of `symbol` in the lake (ms): the first file by id and the last one. */
async function lakeRange(lake: string, symbol: string): Promise<{from: number | null; to: number | null}> {
  const files = await tickFiles(lake, symbol);
  if (files.length === 0) return {from: null, to: null};
  const first = files.reduce((m, f) => (f.first < m.first ? f : m)),
    last = files.reduce((m, f) => (f.last > m.last ? f : m));
  return withDuckDB(async (connection) => {
    const [[from]] = (
      await connection.runAndReadAll(`SELECT epoch_ms(min(time))::DOUBLE FROM read_parquet(${quotedString(first.path)})`)
    ).getRows();
    const [[to]] = (
      await connection.runAndReadAll(`SELECT epoch_ms(max(time))::DOUBLE FROM read_parquet(${quotedString(last.path)})`)
    ).getRows();
    return {from: from === null ? null : Number(from), to: to === null ? null : Number(to)};
  });
}

/**
 * The history of `symbols` as a build sees it: the state per symbol from the recorder recording `lake`
 * (asked at its /health behind `liveUrl`), the covered range from the lake; null when no such recorder
 * answers, it records without --history, or none of `symbols` is in its history.
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
  if (!health?.history || !(await samePath(health.lake, config.lake))) return null;
  const legs: Record<string, LegHistoryStatus> = {};
  for (const symbol of symbols) {
    const s = health.history.symbols[symbol];
    if (!s) continue;
    const range = await retryVanished(() => lakeRange(config.lake, symbol)); // the recorder compacts as it loads
    legs[symbol] = {state: s.state, windowStart: s.windowStart, coveredFrom: range.from, coveredTo: range.to, detail: s.detail ?? null};
  }
  if (Object.keys(legs).length === 0) return null;
  return {
    checkedAt,
    windowMs: health.history.windowMs,
    loading: Object.values(legs).some((l) => l.state === "waiting" || l.state === "loading"),
    symbols: legs,
  };
}
