// The published tick files of the lake, known from their names alone (`<first id>-<last id>.parquet`).
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {batchFileRange, compactIntentOutput, dateOfFolder, symbolDir} from "./layout.js";

export interface TickFile {
  readonly path: string;
  readonly date: string;
  readonly first: number;
  readonly last: number;
}

/**
 * Every published tick file of `symbol`, sorted by first id. Inputs of an interrupted compaction are
 * left out: when a compaction's output is published but its inputs are not yet deleted, the intent
 * file `.compact-<output>.json` in the partition still lists them, and their rows are all in the output.
 */
export async function tickFiles(lake: string, symbol: string, {date}: {date?: string} = {}): Promise<TickFile[]> {
  const {files, leftovers} = await scanTickFiles(lake, symbol, {date});
  const skip = new Set(leftovers);
  return files.filter((f) => !skip.has(f.path));
}

/** The last trade id stored for a symbol, read from published file names (undefined when none). */
export async function lastStoredId(lake: string, symbol: string): Promise<number | undefined> {
  let last: number | undefined;
  for (const f of await tickFiles(lake, symbol)) if (last === undefined || f.last > last) last = f.last;
  return last;
}

/**
 * All tick files of a symbol; the paths of compaction inputs superseded by a published output
 * (`leftovers`); every compaction intent file (`intents`), and those whose output is not published
 * (`pending`: a compaction in progress, or one a crash interrupted before it published).
 */
export async function scanTickFiles(
  lake: string,
  symbol: string,
  {date}: {date?: string} = {},
): Promise<{files: TickFile[]; leftovers: string[]; intents: string[]; pending: string[]}> {
  const root = symbolDir(lake, symbol);
  const files: TickFile[] = [],
    leftovers: string[] = [],
    intents: string[] = [],
    pending: string[] = [];
  let dates: string[];
  try {
    dates = (await readdir(root)).filter((d) => (date === undefined ? dateOfFolder(d) !== null : dateOfFolder(d) === date));
  } catch {
    return {files, leftovers, intents, pending};
  }
  for (const dir of dates) {
    const names = await readdir(join(root, dir));
    const present = new Set(names);
    for (const name of names) {
      const range = batchFileRange(name);
      if (range) files.push({path: join(root, dir, name), date: dateOfFolder(dir)!, ...range});
      const output = compactIntentOutput(name);
      if (output !== null) {
        intents.push(join(root, dir, name));
        if (!present.has(output)) {
          pending.push(join(root, dir, name)); // output not published: the inputs are still the data
          continue;
        }
        const inputs = await intentInputs(join(root, dir, name));
        for (const input of inputs) if (present.has(input) && input !== output) leftovers.push(join(root, dir, input));
      }
    }
  }
  files.sort((a, b) => a.first - b.first || b.last - a.last);
  return {files, leftovers, intents, pending};
}

/** The input file names an intent lists; none when it is gone (its compaction just finished and removed it). */
async function intentInputs(path: string): Promise<string[]> {
  try {
    const {inputs} = JSON.parse(await readFile(path, "utf8")) as {inputs: string[]};
    return inputs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
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
