// The published tick files of the lake, known from their names alone (`<first id>-<last id>.parquet`).
import {readdir} from "node:fs/promises";
import {join} from "node:path";

export interface TickFile {
  readonly path: string;
  readonly date: string;
  readonly first: number;
  readonly last: number;
}

const fileName = /^(\d+)-(\d+)\.parquet$/;

/**
 * Every published tick file of `symbol`, sorted by first id. Files whose id range lies inside another
 * file's range are left out: they are the inputs of a compaction that finished publishing its output
 * but was interrupted before deleting them (see `obsoleteFiles`), so their rows are all in the other.
 */
export async function tickFiles(lake: string, symbol: string): Promise<TickFile[]> {
  const all = await allTickFiles(lake, symbol);
  const obsolete = new Set(obsoleteFiles(all).map((f) => f.path));
  return all.filter((f) => !obsolete.has(f.path));
}

/** All tick files of a symbol including compaction leftovers, sorted by (first id, −last id). */
export async function allTickFiles(lake: string, symbol: string): Promise<TickFile[]> {
  const root = join(lake, "ticks", `symbol=${symbol}`);
  const files: TickFile[] = [];
  let dates: string[];
  try {
    dates = (await readdir(root)).filter((d) => d.startsWith("date="));
  } catch {
    return files;
  }
  for (const dir of dates) {
    for (const name of await readdir(join(root, dir))) {
      const match = fileName.exec(name);
      if (match) files.push({path: join(root, dir, name), date: dir.slice(5), first: Number(match[1]), last: Number(match[2])});
    }
  }
  return files.sort((a, b) => a.first - b.first || b.last - a.last);
}

/** Files whose id range is inside another file's (same symbol): safe to delete. O(n) on sorted input. */
export function obsoleteFiles(sorted: readonly TickFile[]): TickFile[] {
  const out: TickFile[] = [];
  let cover: TickFile | undefined;
  for (const file of sorted) {
    if (cover && file.first >= cover.first && file.last <= cover.last) out.push(file);
    else cover = file;
  }
  return out;
}

/** Sorted, disjoint, closed id intervals covered by the given files. */
export function idIntervals(files: readonly TickFile[]): [number, number][] {
  const out: [number, number][] = [];
  for (const {first, last} of [...files].sort((a, b) => a.first - b.first)) {
    const prev = out[out.length - 1];
    if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
    else out.push([first, last]);
  }
  return out;
}
