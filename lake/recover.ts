// What the lake writer does for each symbol when it opens: removes files an interrupted publish or
// hole fill left, learns the last stored trade id (from file names, or the anchor when nothing is
// published yet), and publishes the log segments a crash left behind, so no accepted trade is lost.
// Compaction leftovers are resolved before this (lake/leftovers.ts, in LakeWriter.open).
import {readdir, readFile, rm, truncate} from "node:fs/promises";
import {join} from "node:path";
import {readAnchor} from "./anchor.js";
import {lastStoredId} from "./files.js";
import {anchorPath, segmentSeq, walDir} from "./layout.js";
import type {LakePublisher, Published} from "./lakePublisher.js";
import {SymbolLog} from "./symbolLog.js";
import {removeFillFiles, removeTempFiles} from "./tempFiles.js";

/** Recovers `symbol`'s log in `lake`, publishing leftovers with `publisher`; returns the log, ready for new trades. */
export async function recoverSymbol(
  lake: string,
  symbol: string,
  publisher: LakePublisher,
  log: (line: string) => void,
): Promise<SymbolLog> {
  const storedLast = await lastStoredId(lake, symbol);
  await removeTempFiles(lake, symbol);
  await removeFillFiles(lake, symbol);
  let lastId = storedLast;
  if (lastId === undefined) {
    const anchor = readAnchor(lake, symbol);
    if (anchor !== undefined) lastId = anchor - 1; // resume (and backfill) from where recording began
  }
  const segments = await leftoverSegments(lake, symbol);
  const symbolLog = await SymbolLog.create(lake, symbol, nextSeq(segments), lastId, storedLast);
  const out: Published = {files: [], trades: 0};
  for (const path of segments) {
    const before = out.trades;
    await publisher.publishSegment(symbolLog, path, out);
    await rm(path, {force: true});
    if (out.trades > before) log(`lake: ${symbol}: published ${out.trades - before} trades from the log a previous run left (${path})`);
  }
  if (out.files.length > 0) await rm(anchorPath(lake, symbol), {force: true});
  return symbolLog;
}

/**
 * Segments left on disk, e.g. by a crash, in the order to publish them: by first id (a segment
 * relocated after a fault has a higher number than newer ones), the newest copy first when two start
 * alike. A torn last line is cut off.
 */
async function leftoverSegments(lake: string, symbol: string): Promise<string[]> {
  const dir = walDir(lake, symbol);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => segmentSeq(n) !== null);
  } catch {
    return [];
  }
  const segments: {path: string; seq: number; first: number}[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const text = await readFile(path, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
    const first = end > 0 ? Number(text.slice(0, text.indexOf(","))) : -1; // ids are ≥ 0
    segments.push({path, seq: segmentSeq(name)!, first: Number.isFinite(first) ? first : -1});
  }
  return segments.sort((a, b) => a.first - b.first || b.seq - a.seq).map((s) => s.path);
}

/** Next segment number after the leftovers. */
function nextSeq(leftovers: readonly string[]): number {
  let max = 0;
  for (const path of leftovers) max = Math.max(max, segmentSeq(path) ?? 0);
  return max + 1;
}
