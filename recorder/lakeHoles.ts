// Holes inside a symbol's stored ids that no gap record explains, found when the recorder starts: an
// import of archive days past where the recorder stopped (the recorder then resumes after the import,
// and the ids between were never asked for), or a backfill that failed or was cut short by a shutdown.
// Each is backfilled from REST like a live gap, published as its own files, and recorded in the gaps
// table — what REST no longer has stays recorded as unfilled. Exchange-side holes (unfilled gap records
// whose backfill found nothing) are known and left alone. Every record carries the times of the trades
// either side of it (stored ones, or ones just fetched), so the bars in between are flagged.
import {withDuckDB} from "../lake/duckdb.js";
import {idIntervals, tickFiles} from "../lake/files.js";
import {type Neighbours, storedNeighbours} from "../lake/storedNeighbours.js";
import type {LakeWriter} from "../lake/writer.js";
import type {Trade} from "../src/lib/bars.js";
import type {GapRecord} from "../src/protocol/gaps.js";
import {type FetchTrades, fetchWithRetries} from "./retryFetch.js";

export interface HoleRepairOptions {
  lake: string;
  symbol: string;
  writer: LakeWriter;
  fetchTrades: FetchTrades;
  onGap: (gap: GapRecord) => void;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Larger holes are recorded as unfilled with a pointer to `pairbook import` (REST gives ~240k ids a minute). */
  maxIds?: number;
  /** Trades per published file while filling. */
  batch?: number;
}

/** Closed id ranges between the symbol's stored files that no unfilled gap record covers. */
export async function unexplainedHoles(lake: string, symbol: string, writer: LakeWriter): Promise<[number, number][]> {
  const intervals = idIntervals(await tickFiles(lake, symbol));
  const holes: [number, number][] = [];
  for (let i = 1; i < intervals.length; ++i) holes.push([intervals[i - 1][1] + 1, intervals[i][0] - 1]);
  if (holes.length === 0) return holes;
  // Known for good: holes the exchange itself has (a backfill ran and REST had nothing). Ranges of a
  // backfill that failed or was interrupted are asked for again.
  const known = (await writer.unfilledGaps(symbol)).filter((g) => !/backfill (failed|interrupted|deferred)/.test(g.cause));
  return holes.flatMap((hole) => subtract(hole, known));
}

/** `range` minus the union of `cover` (sorted by fromId). */
function subtract([from, to]: [number, number], cover: readonly {fromId: number; toId: number}[]): [number, number][] {
  const out: [number, number][] = [];
  let cursor = from;
  for (const c of cover) {
    if (c.toId < cursor || c.fromId > to) continue;
    if (c.fromId > cursor) out.push([cursor, c.fromId - 1]);
    cursor = Math.max(cursor, c.toId + 1);
  }
  if (cursor <= to) out.push([cursor, to]);
  return out;
}

/** Finds the symbol's unexplained holes and backfills them. Resolves when done or aborted. */
export async function repairHoles(options: HoleRepairOptions): Promise<void> {
  const {lake, symbol, writer, log, signal, maxIds = 1_000_000} = options;
  const holes = await unexplainedHoles(lake, symbol, writer);
  if (holes.length > 0)
    log(
      `${symbol}: ${holes.length} hole(s) in the stored ids that no gap record explains (${holes
        .map(([a, b]) => `${a}..${b}`)
        .slice(0, 5)
        .join(", ")}${holes.length > 5 ? ", …" : ""}); backfilling from REST`,
    );
  for (const [from, to] of holes) {
    if (signal.aborted) return;
    const detectedAt = Date.now(),
      count = to - from + 1;
    // Unreadable neighbours leave the times null: the loaders look them up again (lake/gaps.ts withGapTimes).
    const around = await withDuckDB((connection) => storedNeighbours(connection, lake, symbol, from, to)).catch((): Neighbours => ({
      before: null,
      after: null,
    }));
    if (count > maxIds) {
      options.onGap({
        symbol,
        fromId: from,
        toId: to,
        fromTime: around.before?.time ?? null,
        toTime: around.after?.time ?? null,
        detectedAt,
        filled: false,
        cause: `lake hole found at start: ${count} ids, more than REST backfill takes; import the archive days (pairbook import)`,
      });
      continue;
    }
    await fillHole(options, from, to, {detectedAt, around, cause: "lake hole found at start"});
  }
}

/**
 * Backfills [from, to]: fetched runs are published and recorded filled, ids REST does not have are
 * recorded unfilled. Records are stored after the trades they describe are published.
 */
export async function fillHole(
  {symbol, writer, fetchTrades, onGap, signal, batch: batchSize = 100_000}: Omit<HoleRepairOptions, "lake" | "log" | "maxIds">,
  from: number,
  to: number,
  {detectedAt, around, cause}: {detectedAt: number; around: Neighbours; cause: string},
): Promise<void> {
  // prevTime: time of the trade with id `prev` (the stored one before the hole, then the last fetched).
  let prev = from - 1,
    prevTime = around.before?.time ?? null,
    batch: Trade[] = [],
    records: GapRecord[] = [];
  const afterTime = around.after?.time ?? null;
  let run: {from: number; fromTime: number; to: number; toTime: number} | null = null;
  const endRun = () => {
    if (run)
      records.push({symbol, fromId: run.from, toId: run.to, fromTime: run.fromTime, toTime: run.toTime, cause, filled: true, detectedAt});
    run = null;
  };
  const missing = (a: number, b: number, toTime: number | null, why: string) => {
    endRun();
    records.push({symbol, fromId: a, toId: b, fromTime: prevTime, toTime, cause: `${cause}; ${why}`, filled: false, detectedAt});
  };
  const publish = async () => {
    await writer.publishFill(symbol, batch);
    batch = [];
    for (const r of records) onGap(r);
    records = [];
  };
  try {
    while (prev < to) {
      const page = await fetchWithRetries(fetchTrades, symbol, prev + 1, signal);
      const inside = page.filter((t) => t.id > prev && t.id <= to);
      if (inside.length === 0) {
        missing(prev + 1, to, afterTime, "not available from REST");
        break;
      }
      for (const t of inside) {
        if (t.id > prev + 1) missing(prev + 1, t.id - 1, t.time, "not available from REST"); // the exchange's own hole
        if (run) ((run.to = t.id), (run.toTime = t.time));
        else run = {from: t.id, fromTime: t.time, to: t.id, toTime: t.time};
        batch.push(t);
        ((prev = t.id), (prevTime = t.time));
      }
      if (batch.length >= batchSize) (endRun(), await publish());
    }
    endRun();
    await publish();
  } catch (error) {
    // Keep what was fetched; the rest is asked for again at the next start.
    endRun();
    if (prev < to)
      missing(prev + 1, to, afterTime, `backfill ${signal.aborted ? "interrupted by shutdown" : `failed: ${(error as Error).message}`}`);
    await publish().catch(() => {});
  }
}
