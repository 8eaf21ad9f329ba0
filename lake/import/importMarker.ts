// Markers of archive files imported whole. After the last Parquet file of an archive zip is published,
// `<lake>/imported/market=M/symbol=S/<zip name>.json` records the zip's SHA-256 and the id range it held,
// so a resumed (or repeated) import skips the file without downloading or reading it again — as long as
// the CHECKSUM still names that digest (a file republished upstream is imported again) and the lake's
// files still cover the id range (a deleted partition is imported again). Without a marker, or when it
// does not hold, the file is read and deduplicated against the lake as before: a marker only saves work.
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {parseMarketSymbol} from "../../src/protocol/symbol.js";
import {idIntervals} from "../files.js";
import {importedDir} from "../layout.js";
import {replaceFile} from "../publish.js";
import type {ArchiveKind} from "./archiveName.js";
import {datasetFiles, datasetOf} from "./datasets.js";

/** What `<lake>/imported/…/<name>.json` holds. */
export interface ImportMarker {
  /** The zip's name (`BTCUSDT-trades-2024-08-09.zip`). */
  readonly name: string;
  /** The zip's SHA-256 (lowercase hex), as its CHECKSUM gave it. */
  readonly sha256: string;
  /** First and last valid id of the file; null when it held none. */
  readonly first: number | null;
  readonly last: number | null;
  /** Data rows of the file. */
  readonly rows: number;
  /** ISO time of the import. */
  readonly importedAt: string;
}

/** The marker of archive `name` of `symbol` (`BTCUSDT` or `usdm:BTCUSDT`), or undefined when there is none or it is unreadable. */
export async function readMarker(lake: string, symbol: string, name: string): Promise<ImportMarker | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(importedDir(lake, symbol), `${name}.json`), "utf8"));
  } catch {
    return undefined;
  }
  return isMarker(value) && value.name === name ? value : undefined;
}

/** Writes (or replaces) the marker of `marker.name` atomically: temp file, fsync, rename, fsync of the folder. */
export function writeMarker(lake: string, symbol: string, marker: ImportMarker): Promise<void> {
  return replaceFile(join(importedDir(lake, symbol), `${marker.name}.json`), `${JSON.stringify(marker)}\n`);
}

/**
 * Whether archive `name` (of `kind`, for `symbol`) whose CHECKSUM promises `sha256` is already in the
 * lake whole: its marker names that digest and the stored files' id ranges cover the ids it held.
 * Costs one small read and a listing of the symbol's files.
 */
export async function alreadyImported(lake: string, symbol: string, kind: ArchiveKind, name: string, sha256: string): Promise<boolean> {
  const marker = await readMarker(lake, symbol, name);
  if (!marker || marker.sha256 !== sha256) return false;
  const {first, last} = marker;
  if (first === null || last === null) return true;
  const files = await datasetFiles(datasetOf(kind, parseMarketSymbol(symbol).market), lake, symbol);
  const overlapping = files.filter((f) => f.last >= first && f.first <= last).map((f) => ({...f, date: ""}));
  return idIntervals(overlapping).some(([lo, hi]) => lo <= first && hi >= last);
}

function isMarker(value: unknown): value is ImportMarker {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const idOrNull = (x: unknown) => x === null || (typeof x === "number" && Number.isSafeInteger(x));
  return (
    typeof v.name === "string" &&
    typeof v.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(v.sha256) &&
    idOrNull(v.first) &&
    idOrNull(v.last) &&
    typeof v.rows === "number" &&
    typeof v.importedAt === "string"
  );
}
