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
