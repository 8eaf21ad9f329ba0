// Files a publish interrupted by a crash leaves behind, removed when the lake writer opens.
import {readdir, rm, stat} from "node:fs/promises";
import {join} from "node:path";
import {isFillName, isTempName, symbolDir, walDir} from "./layout.js";

/**
 * Removes hidden `.…tmp` files an interrupted publish or compaction left in a symbol's partitions
 * — only those older than a minute, so a concurrent `pairbook import` keeps its file in progress.
 */
export async function removeTempFiles(lake: string, symbol: string): Promise<void> {
  const root = symbolDir(lake, symbol);
  let dates: string[];
  try {
    dates = await readdir(root);
  } catch {
    return;
  }
  for (const date of dates) {
    for (const name of await readdir(join(root, date))) {
      if (!isTempName(name)) continue;
      const path = join(root, date, name);
      if (Date.now() - (await stat(path)).mtimeMs > 60_000) await rm(path, {force: true});
    }
  }
}

/** Removes the hidden files of an interrupted hole fill (`fillPath`) in a symbol's log folder (the hole is simply found again). */
export async function removeFillFiles(lake: string, symbol: string): Promise<void> {
  const dir = walDir(lake, symbol);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (isFillName(name)) await rm(join(dir, name), {force: true});
}
