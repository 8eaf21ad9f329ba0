// The built notebook (--site dist) served as static files: paths resolved inside the folder only (no
// `..`, no symlink out of it), Framework's clean URLs (/pairs/X → /pairs/X.html, / → /index.html),
// content types by extension.
import {createReadStream} from "node:fs";
import {realpath, stat} from "node:fs/promises";
import {extname, join, resolve, sep} from "node:path";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".parquet": "application/vnd.apache.parquet",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

/** A file of the site to send: its absolute path, type, size and mtime. */
export interface SiteFile {
  readonly path: string;
  readonly type: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The file under `root` that URL path `pathname` names, or null (404) when there is none or it would
 * lie outside `root`. "/" → index.html, "/pairs/X" → pairs/X.html, "/dir/" → dir/index.html.
 */
export async function siteFile(root: string, pathname: string): Promise<SiteFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || decoded.split("/").some((part) => part === "..")) return null;
  const base = await realpath(resolve(root)).catch(() => null);
  if (base === null) return null;
  const candidates = decoded.endsWith("/") ? [`${decoded}index.html`] : [decoded, `${decoded}.html`, `${decoded}/index.html`];
  for (const candidate of candidates) {
    const path = resolve(join(base, candidate));
    if (path !== base && !path.startsWith(base + sep)) continue;
    const real = await realpath(path).catch(() => null);
    if (real === null || !real.startsWith(base + sep)) continue;
    const s = await stat(real).catch(() => null);
    if (!s?.isFile()) continue;
    return {path: real, type: types[extname(real).toLowerCase()] ?? "application/octet-stream", size: s.size, mtimeMs: s.mtimeMs};
  }
  return null;
}

/** The file's bytes as a stream. */
export function siteStream(file: SiteFile) {
  return createReadStream(file.path);
}
