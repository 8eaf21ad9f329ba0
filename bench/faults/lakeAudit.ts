// What a lake holds against what the simulator sent: the ids stored more than once, and the ids sent
// that are neither stored nor covered by an unfilled gap record (lost). Reads every Parquet file under
// ticks/ (not only those readers use), so a leftover of an interrupted compaction counts as a duplicate.
import {withDuckDB} from "../../lake/duckdb.js";
import {gapsGlob, ticksGlob} from "../../lake/layout.js";

export interface GapRow {
  symbol: string;
  fromId: number;
  toId: number;
  cause: string;
  filled: boolean;
}

export interface LakeAudit {
  /** Ids sent that are neither stored nor inside an unfilled gap record. */
  lost: number;
  /** Rows beyond the first of each stored id. */
  duplicates: number;
  /** Per symbol, the lost ids as closed ranges (first few). */
  lostRanges: Record<string, [number, number][]>;
  gaps: GapRow[];
}

/** Audits `lake` against `sent` (per symbol, the first and last id sent, every id between expected). */
export async function auditLake(lake: string, sent: Record<string, {first: number; last: number}>): Promise<LakeAudit> {
  return withDuckDB(async (c) => {
    let gaps: GapRow[] = [];
    try {
      gaps = (
        await c.runAndReadAll(
          `SELECT symbol, from_id::DOUBLE, to_id::DOUBLE, cause, filled FROM read_parquet($glob, union_by_name = true) ORDER BY symbol, from_id`,
          {glob: gapsGlob(lake)},
        )
      )
        .getRows()
        .map(([symbol, fromId, toId, cause, filled]) => ({
          symbol: symbol as string,
          fromId: fromId as number,
          toId: toId as number,
          cause: cause as string,
          filled: filled as boolean,
        }));
    } catch (error) {
      if (!/No files found/i.test((error as Error).message)) throw error;
    }
    let lost = 0,
      duplicates = 0;
    const lostRanges: Record<string, [number, number][]> = {};
    for (const [symbol, {first, last}] of Object.entries(sent)) {
      let ids: number[] = [];
      try {
        ids = (
          await c.runAndReadAll(
            `SELECT trade_id::DOUBLE FROM read_parquet($glob) WHERE trade_id BETWEEN $first AND $last ORDER BY trade_id`,
            {glob: ticksGlob(lake, symbol), first, last},
          )
        )
          .getRows()
          .map((r) => r[0] as number);
      } catch (error) {
        if (!/No files found/i.test((error as Error).message)) throw error;
      }
      const holes = gaps.filter((g) => g.symbol === symbol && !g.filled);
      const ranges: [number, number][] = (lostRanges[symbol] = []);
      const miss = (from: number, to: number) => {
        for (let id = from; id <= to; ++id) {
          if (holes.some((g) => id >= g.fromId && id <= g.toId)) continue;
          lost++;
          const prev = ranges[ranges.length - 1];
          if (prev && prev[1] === id - 1) prev[1] = id;
          else if (ranges.length < 10) ranges.push([id, id]);
        }
      };
      let expected = first;
      for (const id of ids) {
        if (id < expected) duplicates++;
        else (miss(expected, id - 1), (expected = id + 1));
      }
      miss(expected, last);
    }
    return {lost, duplicates, lostRanges, gaps};
  });
}
