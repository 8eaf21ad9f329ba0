// Size-tiered compaction of one symbol-day partition, so a day holds a bounded number of files.
// Files are sorted by id; whenever the newest `fanIn` files share a size tier (64 KiB · fanIn^k),
// they are merged into one, which lands in the next tier — like carrying in a base-`fanIn` counter.
// So each tier holds at most fanIn − 1 files: with fanIn 8, a symbol-day of up to ~16 GiB keeps at
// most 7 × 7 = 49 files. Crash-safe: an intent file lists the inputs before the output is published,
// and readers skip inputs whose output exists (lake/files.ts) until they are deleted. A merge that
// fails (disk full, read-only folder) leaves its inputs as they were; one whose output was published
// but whose inputs could not be deleted is finished by the next compaction of the partition.
import type {DuckDBConnection} from "@duckdb/node-api";
import {readdir, readFile, rm, stat, writeFile} from "node:fs/promises";
import {basename, dirname, join} from "node:path";
import {quotedString} from "./duckdb.js";
import {formatMarketSymbol} from "../src/protocol/symbol.js";
import {tickColumnsOf, tickFileOptions} from "./lakeFormat.js";
import type {TickFile} from "./files.js";
import {batchFileName, compactIntentName, compactIntentOutput} from "./layout.js";
import {fsync, publishFile, UnsyncedPublishError} from "./publish.js";

export const fanIn = 8;
const baseBytes = 64 * 1024;

function tier(bytes: number): number {
  return Math.max(0, Math.floor(Math.log(Math.max(1, bytes) / baseBytes) / Math.log(fanIn)));
}

/** Compacts the partition holding `files` (one symbol-day, sorted by first id); returns merges done. */
export async function compactPartition(connection: DuckDBConnection, files: TickFile[]): Promise<number> {
  let merges = 0;
  const live = [...files];
  const sizes = new Map<string, number>();
  for (const f of live) sizes.set(f.path, (await stat(f.path)).size);
  while (live.length >= fanIn) {
    const tail = live.slice(-fanIn);
    const t = tier(sizes.get(tail[0].path)!);
    if (!tail.every((f) => tier(sizes.get(f.path)!) === t)) break;
    const merged = await merge(connection, tail);
    live.splice(-fanIn, fanIn, merged);
    sizes.set(merged.path, (await stat(merged.path)).size);
    merges++;
  }
  return merges;
}

async function merge(connection: DuckDBConnection, inputs: TickFile[]): Promise<TickFile> {
  const dir = dirname(inputs[0].path);
  // A hole-filling file can sit inside another's range: take the extremes over all inputs.
  const first = Math.min(...inputs.map((f) => f.first)),
    last = Math.max(...inputs.map((f) => f.last));
  const name = batchFileName(first, last);
  const intent = join(dir, compactIntentName(name));
  await writeFile(intent, JSON.stringify({output: name, inputs: inputs.map((f) => basename(f.path))}));
  await fsync(intent);
  const list = `[${inputs.map((f) => quotedString(f.path)).join(", ")}]`;
  // Every lake file is sorted by id, so inputs with disjoint id ranges, read in order (the writer's
  // connection keeps insertion order), are already sorted: the merge streams. A sort of eight files
  // costs ~350 MB of RSS; only a hole-filling file inside another's range needs it.
  const sort = disjoint(inputs) ? "" : " ORDER BY trade_id";
  // Lake format 2's columns, timestamps UTC-adjusted (lake/lakeFormat.ts).
  const symbol = symbolOf(dir);
  const columns = tickColumnsOf(symbol)
    .map((c) => (c.endsWith("time") ? `"${c}"::TIMESTAMPTZ AS "${c}"` : `"${c}"`))
    .join(", ");
  const path = await publishFile(dir, name, (temp) =>
    connection
      .run(`COPY (SELECT ${columns} FROM read_parquet(${list})${sort}) TO ${quotedString(temp)} ${tickFileOptions(symbol)}`)
      .then(() => {}),
  ).catch(async (error: Error) => {
    // Nothing published: the intent would only name inputs that are still the data.
    if (!(error instanceof UnsyncedPublishError)) await rm(intent, {force: true}).catch(() => {});
    throw error;
  });
  for (const f of inputs) await rm(f.path, {force: true});
  await rm(intent, {force: true});
  return {path, date: inputs[0].date, first, last};
}

/**
 * Finishes the compactions in partition folder `dir` whose output is published but whose inputs are
 * still there (a fault or a crash came between): deletes those inputs, then the intent. An intent
 * without its output is left alone (an import may be merging right now; the next start removes it).
 */
export async function finishCompactions(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // no partition yet
  }
  const present = new Set(names);
  for (const name of names) {
    const output = compactIntentOutput(name);
    if (output === null || !present.has(output)) continue;
    let inputs: string[];
    try {
      ({inputs} = JSON.parse(await readFile(join(dir, name), "utf8")) as {inputs: string[]});
    } catch {
      continue; // gone meanwhile (that compaction just finished), or torn: left to the next start
    }
    for (const input of inputs) if (input !== output) await rm(join(dir, input), {force: true});
    await rm(join(dir, name), {force: true});
  }
}

/** The symbol of a partition folder `…/market=<M>/symbol=<SYMBOL>/date=<D>`, as pairbook names it (`usdm:` for a perpetual). */
function symbolOf(dir: string): string {
  const symbolDir = dirname(dir),
    market = basename(dirname(symbolDir)).slice("market=".length);
  return formatMarketSymbol({market: market === "usdm" ? "usdm" : "spot", symbol: basename(symbolDir).slice("symbol=".length)});
}

/** Whether the files' id ranges, in the given order, are increasing and do not overlap. */
export function disjoint(files: readonly TickFile[]): boolean {
  for (let i = 1; i < files.length; ++i) if (files[i].first <= files[i - 1].last) return false;
  return true;
}
