// The format check every pairbook command makes when it opens a lake (through lake/leftovers.ts
// resolveLeftovers, the one call they all make first): a format-1 lake is migrated (lake/migrate.ts)
// by whoever may write it, under the writer's lock; a read-only opener (the notebook's loaders) never
// writes and refuses it with a one-line error naming the command that migrates it.
import {lakeFormat, readManifest} from "./lakeFormat.js";
import {acquireLakeLock} from "./lock.js";
import {hasFormatOneData, migrateLake} from "./migrate.js";

/** The lake is of a format this pairbook does not read (older and not migrated, or newer). */
export class LakeFormatError extends Error {
  override name = "LakeFormatError";
  constructor(
    readonly lake: string,
    readonly format: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a command opens the lake: `writer` holds the lock already (record, import), `command` may
 * write but holds no lock (`pairbook lake`, `replay --lake`: it takes the lock to migrate), `reader`
 * never writes.
 */
export type OpenMode = "writer" | "command" | "reader";

/** The lake's format: its manifest's, else 1 when it holds format-1 folders, else null (a new or empty lake). */
export async function lakeFormatOf(lake: string): Promise<number | null> {
  const manifest = await readManifest(lake);
  if (manifest !== null && manifest.format > lakeFormat) return manifest.format;
  if (await hasFormatOneData(lake)) return 1; // also with a manifest: a migration moving its last folders
  return manifest?.format ?? null;
}

/**
 * Makes `lake` a format-2 lake before a command reads or writes it: migrates a format-1 lake (a
 * `command` takes the writer's lock for it, so it waits for no one and a running writer refuses it
 * with LakeLockedError), writes the manifest of a new lake (`writer`), or throws LakeFormatError.
 */
export async function prepareLake(
  lake: string,
  {mode, command = "pairbook (lake migration)", log = () => {}}: {mode: OpenMode; command?: string; log?: (line: string) => void},
): Promise<void> {
  const format = await lakeFormatOf(lake);
  if (format !== null && format > lakeFormat)
    throw new LakeFormatError(
      lake,
      format,
      `the lake at ${lake} is in format ${format}, newer than this pairbook reads (${lakeFormat}); upgrade pairbook`,
    );
  if (mode === "writer") {
    if (format !== lakeFormat || (await readManifest(lake)) === null) report(await migrateLake(lake), lake, log);
    return;
  }
  if (format === null || format === lakeFormat) return;
  if (mode === "reader")
    throw new LakeFormatError(
      lake,
      format,
      `the lake at ${lake} is in format ${format}; run \`npx pairbook lake --lake ${lake}\` once to migrate it to format ${lakeFormat}`,
    );
  const lock = await acquireLakeLock(lake, {command});
  try {
    report(await migrateLake(lake), lake, log);
  } finally {
    await lock.release();
  }
}

function report({files, from}: {files: number; from: number}, lake: string, log: (line: string) => void): void {
  if (from < lakeFormat) log(`lake: migrated ${lake} from format ${from} to ${lakeFormat} (${files} files rewritten)`);
}
