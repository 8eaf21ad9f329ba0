// Files a publish interrupted by a crash leaves behind, removed when the lake writer opens.
import {readdir, rm, stat} from "node:fs/promises";
import {join} from "node:path";

/**
 * Removes hidden `.…tmp` files an interrupted publish or compaction left in a symbol's partitions
 * (`root` is `<lake>/ticks/symbol=<SYMBOL>`) — only those older than a minute, so a concurrent
 * `pairbook import` keeps its file in progress.
 */
export async function removeTempFiles(root: string): Promise<void> {
  let dates: string[];
  try {
    dates = await readdir(root);
  } catch {
    return;
  }
  for (const date of dates) {
    for (const name of await readdir(join(root, date))) {
      if (!name.startsWith(".") || !name.endsWith(".tmp")) continue;
      const path = join(root, date, name);
      if (Date.now() - (await stat(path)).mtimeMs > 60_000) await rm(path, {force: true});
    }
  }
}

/** Removes the hidden `.fill-….csv` files of an interrupted hole fill in log folder `dir` (the hole is simply found again). */
export async function removeFillFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^\.fill-\d+\.csv$/.test(name)) await rm(join(dir, name), {force: true});
}
