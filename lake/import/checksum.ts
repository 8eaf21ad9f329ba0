// The `.CHECKSUM` files next to each archive zip: `<sha256 hex>  <file name>`.
import {createHash} from "node:crypto";
import {createReadStream} from "node:fs";
import {readFile} from "node:fs/promises";
import {basename} from "node:path";
import {ArchiveFileError} from "./errors.js";

/** Parses `<64 hex digits>  <file name>` (one or two spaces, or `*` for binary mode). */
export function parseChecksum(text: string): {sha256: string; fileName: string} {
  const match = /^([0-9a-fA-F]{64}) [ *]?(\S.*?)\s*$/.exec(text.trim());
  if (!match) throw new ArchiveFileError(`not a SHA-256 checksum line: ${JSON.stringify(text.trim().slice(0, 100))}`);
  return {sha256: match[1].toLowerCase(), fileName: match[2]};
}

/** SHA-256 of a file, lowercase hex, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The SHA-256 that `zipPath`'s checksum file (default `<zipPath>.CHECKSUM`) promises. Throws
 * ArchiveFileError when the checksum file is missing or malformed, or names another file.
 */
export async function expectedChecksum(zipPath: string, checksumPath = `${zipPath}.CHECKSUM`): Promise<string> {
  let text: string;
  try {
    text = await readFile(checksumPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new ArchiveFileError(`${zipPath}: no checksum file ${basename(checksumPath)} next to it (--no-checksum imports without)`);
    throw error;
  }
  let expected;
  try {
    expected = parseChecksum(text);
  } catch (error) {
    throw new ArchiveFileError(`${checksumPath}: ${(error as Error).message}`);
  }
  if (expected.fileName !== basename(zipPath))
    throw new ArchiveFileError(`${checksumPath} is for ${expected.fileName}, not ${basename(zipPath)}`);
  return expected.sha256;
}

/** A zip whose SHA-256 is not the one its CHECKSUM promises. */
export class ChecksumMismatch extends ArchiveFileError {}

/** Throws ChecksumMismatch (an ArchiveFileError) when the digest `actual` of `zipPath` is not the `expected` one. */
export function checkDigest(zipPath: string, actual: string, expected: string): void {
  if (actual !== expected)
    throw new ChecksumMismatch(
      `${zipPath}: SHA-256 mismatch (file ${actual}, ${basename(zipPath)}.CHECKSUM says ${expected}); nothing imported`,
    );
}

/** Checks `zipPath` against its checksum file (see `expectedChecksum`) with a read of its own; returns the digest. */
export async function verifyChecksum(zipPath: string, checksumPath = `${zipPath}.CHECKSUM`): Promise<string> {
  const expected = await expectedChecksum(zipPath, checksumPath);
  const actual = await sha256File(zipPath);
  checkDigest(zipPath, actual, expected);
  return actual;
}
