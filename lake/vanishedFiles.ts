// Reads that race the recorder's compaction. A reader lists a symbol's published files by name
// (lake/files.ts), then hands the list to DuckDB; meanwhile the recorder may publish a compacted file
// and delete its inputs (lake/compact.ts), or replace a day's funding file (lake/funding.ts). The
// rows are never lost — they are in the new file — but a list taken before the delete names a file
// that is gone by the time DuckDB opens it. Listing again sees the new file instead, so such a read
// is simply run again from the start.

/** Attempts before giving up: each retry follows a compaction that finished in between, which takes seconds. */
const attempts = 5;

/** True for DuckDB's errors about a listed file that no longer exists (at bind time or while scanning). */
export function isVanishedFile(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /No files found that match the pattern|No such file or directory/.test(message);
}

/**
 * Runs `read`, which must list the lake's files itself and build its result from scratch, again
 * when a file it listed was deleted before DuckDB read it (compaction or a replaced file in between).
 * Any other error, or a file still missing after 5 attempts, is thrown as it is.
 *
 *   const trades = await retryVanished(async () => query(await tickSource(lake, symbol)));
 */
export async function retryVanished<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !isVanishedFile(error)) throw error;
    }
  }
}
