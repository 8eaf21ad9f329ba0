// The anchor: `<lake>/wal/<SYMBOL>/first-id`, the id of the first trade ever accepted for a symbol in
// a lake, written (fsynced) at once so a crash before the first log fsync still says where recording
// began; deleted once published files carry the ids.
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from "node:fs";
import {anchorPath, walDir} from "./layout.js";

/** Writes and fsyncs the anchor (creating the folders); throws on any storage error. */
export function writeAnchor(lake: string, symbol: string, id: number): void {
  mkdirSync(walDir(lake, symbol), {recursive: true});
  const fd = openSync(anchorPath(lake, symbol), "w");
  try {
    writeSync(fd, String(id));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The anchored first id, if an anchor exists and holds one. */
export function readAnchor(lake: string, symbol: string): number | undefined {
  try {
    const id = Number(readFileSync(anchorPath(lake, symbol), "utf8"));
    return Number.isSafeInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
