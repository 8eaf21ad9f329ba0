// A lake that is missing, not a folder, read-only or unwritable: one error, with a one-line message.
import {mkdir, readdir, stat} from "node:fs/promises";
import {dirname} from "node:path";

/** The lake cannot be read or written; `message` is one line naming the lake and the cause. */
export class LakeAccessError extends Error {
  override name = "LakeAccessError";
  constructor(
    readonly lake: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const causes: Record<string, string> = {
  ENOENT: "no such folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "it is a file, not a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EIO: "I/O error",
  ELOOP: "too many symbolic links",
};

/** Whether `error` is a filesystem error this module turns into a LakeAccessError. */
export function isLakeAccessCode(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && Object.hasOwn(causes, code);
}

/** The LakeAccessError for a filesystem `error` met while reading or writing `lake`. */
export function lakeAccessError(lake: string, what: "read" | "write", error: NodeJS.ErrnoException): LakeAccessError {
  const code = error.code ?? "EIO";
  return new LakeAccessError(lake, code, `cannot ${what} the lake at ${lake}: ${causes[code] ?? error.message} (${code})`);
}

/**
 * Runs `step` (a filesystem operation on `lake`), turning a filesystem error into a LakeAccessError;
 * other errors pass through.
 */
export async function lakeAccess<T>(lake: string, what: "read" | "write", step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw isLakeAccessCode(error) ? lakeAccessError(lake, what, error) : error;
  }
}

/** Checks that `lake` is a readable folder; throws LakeAccessError ("no lake at …") otherwise. */
export async function checkLakeReadable(lake: string): Promise<void> {
  try {
    if (!(await stat(lake)).isDirectory()) throw new LakeAccessError(lake, "ENOTDIR", `the lake at ${lake} is a file, not a folder`);
    await readdir(lake);
  } catch (error) {
    if (error instanceof LakeAccessError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new LakeAccessError(lake, code, `no lake at ${lake} (no such folder)`);
    throw isLakeAccessCode(error) ? lakeAccessError(lake, "read", error) : error;
  }
}

/**
 * `mkdir -p`. Not `mkdir(path, {recursive: true})`: Node 20's loops forever where mkdir keeps failing
 * with ENOENT under an existing parent (`/proc/x`).
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(path)).isDirectory()) return;
      throw Object.assign(new Error(`${path} is a file, not a folder`), {code: "EEXIST"});
    }
    if (code !== "ENOENT" || dirname(path) === path) throw error;
    await makeFolder(dirname(path));
    await mkdir(path).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== "EEXIST") throw again; // ENOENT again: the parent exists but cannot hold folders
    });
  }
}
