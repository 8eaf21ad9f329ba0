/**
 * A file that cannot be imported as it is: checksum mismatch, damaged zip, a CSV that is not the
 * expected archive shape. The CLI reports it as bad input (exit code 2); nothing of it is written.
 */
export class ArchiveFileError extends Error {
  override name = "ArchiveFileError";
}
