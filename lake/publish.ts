// Atomic publish of one lake file: hidden temp file in the partition, fsync, rename, fsync the folder.
import {access, mkdir, open, rename, rm, writeFile} from "node:fs/promises";
import {basename, dirname, join} from "node:path";
import {tempName} from "./layout.js";

/**
 * The file was renamed into place (readers see it) but its folder could not be fsynced, so the
 * rename may not survive a power loss: the caller counts the file as published and fsyncs `dir`
 * again before trusting it.
 */
export class UnsyncedPublishError extends Error {
  override name = "UnsyncedPublishError";
  constructor(
    readonly path: string,
    readonly dir: string,
    cause: Error,
  ) {
    super(`${path} was published but its folder could not be fsynced: ${cause.message}`);
  }
}

/**
 * Publishes `<dir>/<name>` written by `write(tempPath)`: readers never see a partial file, and a file
 * already published under that name is never replaced (that would be a second writer on the same ids).
 * On failure the temp file is removed (best effort: a leftover is removed at the next start) and
 * nothing is published, except for `UnsyncedPublishError`.
 */
export async function publishFile(dir: string, name: string, write: (tempPath: string) => Promise<void>): Promise<string> {
  await mkdir(dir, {recursive: true});
  const path = join(dir, name),
    temp = join(dir, tempName(name));
  if (await exists(path)) throw new Error(`${path} already exists; is another import or recorder writing these ids?`);
  try {
    await write(temp);
    await fsync(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, {force: true}).catch(() => {});
    throw error;
  }
  try {
    await fsync(dir);
  } catch (error) {
    throw new UnsyncedPublishError(path, dir, error as Error);
  }
  return path;
}

/**
 * Writes or replaces the small file `path` with `text` atomically: hidden temp file, fsync, rename,
 * fsync of the folder (created if needed). Readers see the old text or the new, never a part. For
 * the lake's own bookkeeping (manifest, markers), which unlike data files is meant to be replaced.
 */
export async function replaceFile(path: string, text: string): Promise<void> {
  const dir = dirname(path),
    temp = join(dir, tempName(basename(path)));
  await mkdir(dir, {recursive: true});
  try {
    await writeFile(temp, text);
    await fsync(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, {force: true}).catch(() => {});
    throw error;
  }
  await fsync(dir);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Flushes a file's (or folder's) contents to disk. */
export async function fsync(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
