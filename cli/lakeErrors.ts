// The lake's refusals as one-line CLI errors with exit codes shared by every command that opens a lake.
import {LakeAccessError} from "../lake/access.js";
import {LakeLockedError} from "../lake/lock.js";
import {LakeSourceError} from "../lake/source.js";
import {CliError} from "./command.js";

/** Exit codes: 5 the lake is held by another writer; 6 it holds another source's trades; 7 it cannot be read or written. */
export const lakeExitCodes = {locked: 5, source: 6, access: 7} as const;

/** The CliError for a lake refusal (LakeLockedError, LakeSourceError, LakeAccessError); undefined for any other error. */
export function lakeCliError(error: unknown): CliError | undefined {
  if (error instanceof LakeLockedError) return new CliError(error.message, lakeExitCodes.locked);
  if (error instanceof LakeSourceError) return new CliError(error.message, lakeExitCodes.source);
  if (error instanceof LakeAccessError) return new CliError(error.message, lakeExitCodes.access);
  return undefined;
}
