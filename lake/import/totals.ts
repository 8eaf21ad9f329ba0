// The running totals of an import, summed over its files.
import type {ImportCounts} from "./importCsv.js";

export class Totals {
  rows = 0;
  added = 0;
  duplicates = 0;
  invalid = 0;
  conflicts = 0;
  filesRead = 0;
  filesWritten = 0;
  /** Files the server does not have. */
  readonly missing: string[] = [];
  /** Zips skipped as already imported whole. */
  readonly skipped: string[] = [];
  add(c: ImportCounts): void {
    this.rows += c.rows;
    this.added += c.added;
    this.duplicates += c.duplicates;
    this.invalid += c.invalid;
    this.conflicts += c.conflicts;
    this.filesRead += 1;
    this.filesWritten += c.files.length;
  }
  summary() {
    const {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten, missing, skipped} = this;
    return {rows, added, duplicates, invalid, conflicts, filesRead, filesWritten, missing: [...missing], skipped: [...skipped]};
  }
}
