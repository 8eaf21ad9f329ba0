// What a compaction interrupted by a crash leaves behind, resolved by every pairbook command that opens
// the lake, so that a plain glob over ticks/ reads each row once again. A compaction writes an intent
// (`.compact-<output>.json`, listing its inputs), publishes the output, deletes the inputs, then the
// intent. After a crash between the publish and the deletes, the inputs' rows are in the output too:
// pairbook's own readers skip them (lake/files.ts tickFiles), other tools would read them twice.
import {readdir, rm, stat} from "node:fs/promises";
import {scanTickFiles} from "./files.js";
import {lakeMarkets, marketDir, symbolsOfFolders} from "./layout.js";
import {lakeLockHolder} from "./lock.js";
import {prepareLake} from "./openLake.js";

export interface LeftoverResult {
  /** Files deleted: superseded compaction inputs and finished or abandoned intents. */
  readonly removed: readonly string[];
  /** Files that could not be deleted (a read-only lake): readers still skip them, other tools may not. */
  readonly failed: readonly string[];
}

/** An intent whose output is not published is left alone while it is younger than this (ms). */
export const abandonedIntentMs = 60_000;

/**
 * Resolves compaction leftovers in every symbol of `lake`:
 * - inputs whose compaction output is published are deleted (always safe: their rows are in the output),
 *   then the intent that listed them;
 * - an intent whose output was never published is deleted only by the lake's writer (`owner`, holding
 *   the lock), or by anyone when no live writer holds the lock and the intent is over a minute old —
 *   otherwise it may belong to a compaction in progress, whose crash safety needs it.
 * Readers call it with `owner: false`; failures to delete (a read-only lake) are reported, not thrown.
 * First, the lake's format is checked (lake/openLake.ts): a format-1 lake is migrated to format 2 by
 * the owner, or by a reader under the writer's lock; a `readOnly` reader (the notebook) refuses it.
 *
 *   await resolveLeftovers("./data"); // then a DuckDB glob over data/ticks counts each row once
 */
export async function resolveLeftovers(
  lake: string,
  {
    owner = false,
    readOnly = false,
    now = Date.now,
    log,
  }: {owner?: boolean; readOnly?: boolean; now?: () => number; log?: (line: string) => void} = {},
): Promise<LeftoverResult> {
  await prepareLake(lake, {mode: owner ? "writer" : readOnly ? "reader" : "command", log});
  const removed: string[] = [],
    failed: string[] = [];
  const remove = async (path: string) => {
    try {
      await rm(path, {force: true});
      removed.push(path);
    } catch (error) {
      if (owner) throw error;
      failed.push(path);
    }
  };
  // Asked before the scan: an intent a writer starting after this question writes is younger than a minute.
  const writerMayRun =
    !owner &&
    (await lakeLockHolder(lake).then(
      (holder) => holder !== null,
      () => true,
    ));
  for (const symbol of await symbolsIn(lake)) {
    const {leftovers, intents, pending} = await scanTickFiles(lake, symbol);
    const failedBefore = failed.length;
    for (const path of leftovers) await remove(path);
    const unpublished = new Set(pending);
    for (const path of intents) {
      // A published compaction's intent goes once its inputs are gone (it is what tells readers to skip them).
      const published = !unpublished.has(path);
      if (published ? failed.length === failedBefore : owner || (!writerMayRun && (await ageMs(path, now)) > abandonedIntentMs))
        await remove(path);
    }
  }
  return {removed, failed};
}

async function symbolsIn(lake: string): Promise<string[]> {
  const symbols: string[] = [];
  for (const market of lakeMarkets)
    symbols.push(...symbolsOfFolders(await readdir(marketDir(lake, "ticks", market)).catch(() => []), market));
  return symbols;
}

async function ageMs(path: string, now: () => number): Promise<number> {
  try {
    return now() - (await stat(path)).mtimeMs;
  } catch {
    return 0; // gone already
  }
}
