// A fingerprint of the lake files the API reads (ticks, gaps, funding): a hash of every file's path,
// size and mtime. Published files are written under a temp name and renamed, never changed in place,
// so an unchanged fingerprint means unchanged answers: it is the ETag's base (serve/server.ts).
import {createHash} from "node:crypto";
import {readdir, stat} from "node:fs/promises";
import {join} from "node:path";

const datasets = ["ticks", "gaps", "funding"];

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, {withFileTypes: true}).catch(() => []);
  for (const e of entries) {
    if (e.name.startsWith(".")) continue; // temp files and compaction intents are not data
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out);
    else {
      const s = await stat(path).catch(() => null);
      if (s) out.push(`${path}\0${s.size}\0${s.mtimeMs}`);
    }
  }
}

/** The fingerprint of `lake` now: O(files) stat calls. */
export async function lakeFingerprint(lake: string): Promise<string> {
  const lines: string[] = [];
  for (const d of datasets) await walk(join(lake, d), lines);
  return createHash("sha256").update(lines.sort().join("\n")).digest("base64url").slice(0, 22);
}

/** lakeFingerprint remembered for `ttlMs` (0: always fresh), so a burst of requests walks the lake once. */
export function cachedFingerprint(lake: string, ttlMs: number, now = Date.now): () => Promise<string> {
  let last: {at: number; value: Promise<string>} | null = null;
  return () => {
    if (!last || now() - last.at >= ttlMs) last = {at: now(), value: lakeFingerprint(lake)};
    return last.value;
  };
}
