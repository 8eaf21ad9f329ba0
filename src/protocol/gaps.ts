// A gap record: one hole found in a symbol's trade ids and what became of it. The recorder writes them
// to the lake (lake/gaps.ts), the loaders read them (lake/gaps.ts readGaps) and the pages list them
// (bars files, overview.json).

/** A hole found in a symbol's id sequence and what became of it. */
export interface GapRecord {
  readonly symbol: string;
  readonly fromId: number;
  readonly toId: number;
  /**
   * Times (ms) of the last trade stored before the hole and of the first one after it: the bars from
   * the one to the other are flagged. Null when that trade was unknown to the recorder (records of
   * older versions; a lake it could not read); readers then look it up by id (lake/gaps.ts withGapTimes).
   */
  readonly fromTime: number | null;
  readonly toTime: number | null;
  /** stream | reconnect | restart, possibly followed by why a backfill failed. */
  readonly cause: string;
  /** True when REST supplied every id of the range; false for a hole that stays. */
  readonly filled: boolean;
  readonly detectedAt: number;
}

/**
 * The records as the lake stands: each unfilled record less the ids a later fill stored (a deferred
 * or failed backfill refilled in the background or at the next start), so no bar is flagged over
 * trades that are there. A cut edge takes its time from the fill beside it (its trades' own times),
 * else null for the reader to look up (lake/gaps.ts withGapTimes). Filled records, and unfilled ones
 * no fill touches, are returned as they are, in the same order. O(n log n) in the records.
 */
export function settleGaps(gaps: readonly GapRecord[]): GapRecord[] {
  const fills = new Map<string, GapRecord[]>();
  for (const g of gaps) if (g.filled) fills.get(g.symbol)?.push(g) ?? fills.set(g.symbol, [g]);
  if (fills.size === 0) return [...gaps];
  for (const list of fills.values()) list.sort((a, b) => a.fromId - b.fromId);
  return gaps.flatMap((g) => {
    const cover = g.filled ? undefined : fills.get(g.symbol)?.filter((f) => f.toId >= g.fromId && f.fromId <= g.toId);
    if (!cover?.length) return [g];
    const pieces: GapRecord[] = [];
    let cursor = g.fromId,
      cursorTime = g.fromTime;
    for (const f of cover) {
      if (f.fromId > cursor) pieces.push({...g, fromId: cursor, toId: f.fromId - 1, fromTime: cursorTime, toTime: f.fromTime});
      if (f.toId + 1 > cursor) ((cursor = f.toId + 1), (cursorTime = f.toTime));
    }
    if (cursor <= g.toId) pieces.push({...g, fromId: cursor, toId: g.toId, fromTime: cursorTime, toTime: g.toTime});
    return pieces;
  });
}
